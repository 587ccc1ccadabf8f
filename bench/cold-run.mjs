#!/usr/bin/env node
// Cold `authconform run` against the bundled Node good target, one profile, N runs (default 5).
// Prints each run and the medians: wall time, peak RSS of the authconform process and of its
// whole process tree (embedded Postgres, Chromium, the target), and the tree's CPU seconds (on
// 2 cores a run cannot take less wall time than half of them). Run by hand; never a timed test.
//   node bench/cold-run.mjs [runs] [-- extra CLI args]
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { median, watchTree } from './process-tree.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const separator = process.argv.indexOf('--')
const runs = Number(process.argv[2] && process.argv[2] !== '--' ? process.argv[2] : 5)
const extra = separator === -1 ? ['--profile', 'EdDSA'] : process.argv.slice(separator + 1)
const args = [path.join(repo, 'bin/authconform.mjs'), 'run', '--example', 'node-good', ...extra]

function once() {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    const watch = watchTree(child.pid)
    child.on('close', (code) => resolve({ code, ms: performance.now() - started, ...watch.stop() }))
  })
}

const results = []
for (let i = 0; i < runs; i++) {
  const r = await once()
  results.push(r)
  console.log(`run ${i + 1}: exit ${r.code}, ${(r.ms / 1000).toFixed(2)} s, RSS authconform ${r.peakSelfMiB.toFixed(0)} MiB, tree ${r.peakTreeMiB.toFixed(0)} MiB, CPU ${r.cpuSeconds.toFixed(1)} s`)
}
const of = (key) => median(results.map((r) => r[key]))
console.log(`median of ${runs}: ${(of('ms') / 1000).toFixed(2)} s wall; peak RSS authconform ${of('peakSelfMiB').toFixed(0)} MiB, whole tree ${of('peakTreeMiB').toFixed(0)} MiB; CPU ${of('cpuSeconds').toFixed(1)} s`)
