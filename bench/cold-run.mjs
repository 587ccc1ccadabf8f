#!/usr/bin/env node
// Cold `authconform run` against a bundled target (node-good, or AUTHCONFORM_BENCH_EXAMPLE), N
// runs (default 5). Prints each run and the medians: wall time, peak RSS of the authconform
// process and of its whole process tree (embedded Postgres, Chromium, the targets), the tree's
// CPU seconds (on 2 cores a run cannot take less wall time than half of them), the harness
// overhead per case (median and p90 of case time − time waiting on the target) and the verdict
// counts, which must not move between runs. Run by hand; never a timed test.
//   node bench/cold-run.mjs [runs] [-- extra CLI args, default --profile EdDSA]
// The issue-20 figures:
//   keys, one profile:   AUTHCONFORM_BENCH_EXAMPLE=node-jose-docs node bench/cold-run.mjs 3
//   keys, five profiles: AUTHCONFORM_BENCH_EXAMPLE=node-jose-docs node bench/cold-run.mjs 3 -- --profile EdDSA,ES256,RS256,PS256,HS256
//   cold, no keys:       node bench/cold-run.mjs 5 -- --profile EdDSA --skip keys,key-set
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { median, watchTree } from './process-tree.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const separator = process.argv.indexOf('--')
const runs = Number(process.argv[2] && process.argv[2] !== '--' ? process.argv[2] : 5)
const extra = separator === -1 ? ['--profile', 'EdDSA'] : process.argv.slice(separator + 1)
const example = process.env.AUTHCONFORM_BENCH_EXAMPLE ?? 'node-good'
const scratch = mkdtempSync(path.join(os.tmpdir(), 'authconform-cold-run-'))
const report = path.join(scratch, 'result.json')
const args = [path.join(repo, 'bin/authconform.mjs'), 'run', '--example', example, '--json', report, ...extra]

/** What the run's own document says: its verdict counts and the harness overhead per case. */
function documentOf() {
  try {
    const document = JSON.parse(readFileSync(report, 'utf8'))
    const counts = {}
    for (const c of document.cases) counts[c.verdict] = (counts[c.verdict] ?? 0) + 1
    return {
      verdicts: Object.entries(counts)
        .sort()
        .map(([verdict, n]) => `${n} ${verdict}`)
        .join(', '),
      overhead: document.timings?.caseOverheadMs,
    }
  } catch {
    return { verdicts: 'no document', overhead: undefined }
  }
}

function once() {
  return new Promise((resolve) => {
    rmSync(report, { force: true })
    const started = performance.now()
    const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    const watch = watchTree(child.pid)
    child.on('close', (code) => resolve({ code, ms: performance.now() - started, ...watch.stop(), ...documentOf() }))
  })
}

console.log(
  `${example}: authconform ${args
    .slice(2)
    .filter((a) => a !== report && a !== '--json')
    .join(' ')}`,
)
const results = []
for (let i = 0; i < runs; i++) {
  const r = await once()
  results.push(r)
  const overhead = r.overhead ? `, overhead median ${r.overhead.median} ms p90 ${r.overhead.p90} ms` : ''
  console.log(`run ${i + 1}: exit ${r.code}, ${(r.ms / 1000).toFixed(2)} s, RSS authconform ${r.peakSelfMiB.toFixed(0)} MiB, tree ${r.peakTreeMiB.toFixed(0)} MiB, CPU ${r.cpuSeconds.toFixed(1)} s${overhead}; ${r.verdicts}`)
}
rmSync(scratch, { recursive: true, force: true })
const of = (key) => median(results.map((r) => r[key]))
const p90s = results.flatMap((r) => (r.overhead ? [r.overhead.p90] : []))
console.log(
  `median of ${runs}: ${(of('ms') / 1000).toFixed(2)} s wall; peak RSS authconform ${of('peakSelfMiB').toFixed(0)} MiB, whole tree ${of('peakTreeMiB').toFixed(0)} MiB; CPU ${of('cpuSeconds').toFixed(1)} s${p90s.length ? `; overhead p90 ${median(p90s)} ms` : ''}`,
)
const verdictSets = new Set(results.map((r) => r.verdicts))
if (verdictSets.size > 1) console.log(`verdict counts differed between runs: ${[...verdictSets].join(' | ')}`)
