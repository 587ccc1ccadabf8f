#!/usr/bin/env node
// The working tree against an earlier commit, in alternating cold runs against node-good, so
// both meet the same machine (on a shared machine the same run can take 30 % longer an hour
// later). Prints the median wall time, process-tree CPU and peak RSS of each, and every case
// whose verdict was not the same in all runs of both sides. Run by hand.
//   node bench/compare.mjs <commit> [rounds, default 6] [-- run args, default --profile EdDSA]
// The commit is checked out in a temporary git worktree sharing this checkout's node_modules;
// each side keeps its own cache dir (compiled CLI, Postgres template), warmed by one run first.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { alternate, binIn } from './alternate.mjs'

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
  { name: commit, dir: worktree, cache: path.join(scratch, 'cache-before'), document: path.join(scratch, 'before.json') },
  { name: 'working tree', dir: repo, cache: path.join(scratch, 'cache-now'), document: path.join(scratch, 'now.json') },
].map((side) => ({ ...side, bin: binIn(side.dir), cwd: side.dir, args: ['--example', example, ...extra], env: { AUTHCONFORM_CACHE_DIR: side.cache } }))

try {
  await alternate(sides, rounds)
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: repo })
  rmSync(scratch, { recursive: true, force: true })
}
