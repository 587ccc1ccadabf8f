#!/usr/bin/env node
// Cold `authconform run` against the bundled Node good target, one profile, N runs (default 5).
// Prints each run and the median wall time and peak RSS: of the authconform process itself and
// of its whole process tree (embedded Postgres, the target). Run by hand; never a timed test.
//   node bench/cold-run.mjs [runs] [-- extra CLI args]
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const separator = process.argv.indexOf('--')
const runs = Number(process.argv[2] && process.argv[2] !== '--' ? process.argv[2] : 5)
const extra = separator === -1 ? ['--profile', 'EdDSA'] : process.argv.slice(separator + 1)
const args = [path.join(repo, 'bin/authconform.mjs'), 'run', '--example', 'node-good', ...extra]

function rssKiB(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

function descendants(root) {
  const children = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
    } catch {}
  }
  const all = [root]
  for (let i = 0; i < all.length; i++) all.push(...(children.get(all[i]) ?? []))
  return all
}

function once() {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    let peakSelf = 0
    let peakTree = 0
    const poll = setInterval(() => {
      peakSelf = Math.max(peakSelf, rssKiB(child.pid))
      peakTree = Math.max(peakTree, descendants(child.pid).reduce((sum, pid) => sum + rssKiB(pid), 0))
    }, 20)
    child.on('close', (code) => {
      clearInterval(poll)
      resolve({ code, ms: performance.now() - started, peakSelfMiB: peakSelf / 1024, peakTreeMiB: peakTree / 1024 })
    })
  })
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const results = []
for (let i = 0; i < runs; i++) {
  const r = await once()
  results.push(r)
  console.log(`run ${i + 1}: exit ${r.code}, ${(r.ms / 1000).toFixed(2)} s, RSS authconform ${r.peakSelfMiB.toFixed(0)} MiB, tree ${r.peakTreeMiB.toFixed(0)} MiB`)
}
console.log(
  `median of ${runs}: ${(median(results.map((r) => r.ms)) / 1000).toFixed(2)} s wall; peak RSS authconform ${median(results.map((r) => r.peakSelfMiB)).toFixed(0)} MiB, whole tree ${median(results.map((r) => r.peakTreeMiB)).toFixed(0)} MiB`,
)
