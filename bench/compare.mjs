#!/usr/bin/env node
// The working tree against an earlier commit, in alternating cold runs against node-good, so
// both meet the same machine (on a shared machine the same run can take 30 % longer an hour
// later). Prints the median wall time, process-tree CPU and peak RSS of each, and every case
// whose verdict was not the same in all runs of both sides. Run by hand.
//   node bench/compare.mjs <commit> [rounds, default 6] [-- run args, default --profile EdDSA]
// The commit is checked out in a temporary git worktree sharing this checkout's node_modules;
// each side keeps its own cache dir (compiled CLI, Postgres template), warmed by one run first.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { median, watchTree } from './process-tree.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const separator = process.argv.indexOf('--')
const [commit, roundsArg] = process.argv.slice(2, separator === -1 ? undefined : separator)
if (!commit) {
  console.error('usage: node bench/compare.mjs <commit> [rounds] [-- run args]')
  process.exit(2)
}
const rounds = Number(roundsArg ?? 6)
const extra = separator === -1 ? ['--profile', 'EdDSA'] : process.argv.slice(separator + 1)
// The target: node-good by default; AUTHCONFORM_BENCH_EXAMPLE names another bundled one.
const example = process.env.AUTHCONFORM_BENCH_EXAMPLE ?? 'node-good'
const scratch = mkdtempSync(path.join(os.tmpdir(), 'authconform-compare-'))
const worktree = path.join(scratch, 'tree')
execFileSync('git', ['worktree', 'add', '--detach', '--quiet', worktree, commit], { cwd: repo })
symlinkSync(path.join(repo, 'node_modules'), path.join(worktree, 'node_modules'))

const sides = [
  { name: commit, dir: worktree, cache: path.join(scratch, 'cache-before') },
  { name: 'working tree', dir: repo, cache: path.join(scratch, 'cache-now') },
]
/** Each run's verdict per case and profile, so the two sides are compared on what they found too. */
const verdictsOf = (file) => {
  try {
    return new Map(JSON.parse(readFileSync(file, 'utf8')).cases.map((c) => [`${c.id} ${c.profile}`, c.verdict]))
  } catch {
    return new Map()
  }
}
function once(side) {
  const document = path.join(scratch, `${side.cache === sides[0].cache ? 'before' : 'now'}.json`)
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, [path.join(side.dir, 'bin/authconform.mjs'), 'run', '--example', example, '--json', document, ...extra], {
      cwd: side.dir,
      stdio: 'ignore',
      env: { ...process.env, AUTHCONFORM_CACHE_DIR: side.cache },
    })
    const watch = watchTree(child.pid)
    child.on('close', (code) => resolve({ code, ms: performance.now() - started, ...watch.stop(), verdicts: verdictsOf(document) }))
  })
}

try {
  for (const side of sides) await once(side) // builds the CLI and the Postgres template
  const results = sides.map(() => [])
  for (let round = 0; round < rounds; round++) {
    for (const [i, side] of sides.entries()) {
      const r = await once(side)
      if (r.code !== 0) console.log(`${side.name}: exit ${r.code}`)
      results[i].push(r)
    }
  }
  for (const [i, side] of sides.entries()) {
    const runs = results[i]
    console.log(
      `${side.name}: median ${(median(runs.map((r) => r.ms)) / 1000).toFixed(2)} s wall, CPU ${median(runs.map((r) => r.cpuSeconds)).toFixed(1)} s, ` +
        `peak RSS ${median(runs.map((r) => r.peakSelfMiB)).toFixed(0)} MiB (authconform) / ${median(runs.map((r) => r.peakTreeMiB)).toFixed(0)} MiB (tree) ` +
        `(wall ${runs.map((r) => (r.ms / 1000).toFixed(2)).join(' ')})`,
    )
  }
  // Every (case, profile) whose verdict was not the same in every run of both sides.
  const keys = new Set(results.flat().flatMap((r) => [...r.verdicts.keys()]))
  const differing = [...keys].sort().flatMap((key) => {
    const seen = sides.map((_, i) => [...new Set(results[i].map((r) => r.verdicts.get(key) ?? 'absent'))].join('|'))
    return seen[0] === seen[1] && !seen[0].includes('|') ? [] : [`  ${key}: ${sides.map((side, i) => `${side.name} ${seen[i]}`).join(', ')}`]
  })
  console.log(differing.length ? `verdicts that differ:\n${differing.join('\n')}` : `verdicts: the same ${keys.size} (case, profile) verdicts in every run of both sides`)
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: repo })
  rmSync(scratch, { recursive: true, force: true })
}
