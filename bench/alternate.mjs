// Two ways of running authconform, run alternately so both meet the same machine (on a shared
// machine the same run can take 30 % longer an hour later): the median wall time, process-tree
// CPU and peak RSS of each, and every (case, profile) whose verdict was not the same in all runs.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { median, watchTree } from './process-tree.mjs'

/** Each run's verdict per case and profile, so the two sides are compared on what they found too. */
function verdictsOf(file) {
  try {
    return new Map(JSON.parse(readFileSync(file, 'utf8')).cases.map((c) => [`${c.id} ${c.profile}`, c.verdict]))
  } catch {
    return new Map()
  }
}

/** A side: `{ name, bin, args, cwd, env, document }`; one run of it, watched. */
function once(side) {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, [side.bin, 'run', '--json', side.document, ...side.args], { cwd: side.cwd, stdio: 'ignore', env: { ...process.env, ...side.env } })
    const watch = watchTree(child.pid)
    child.on('close', (code) => resolve({ code, ms: performance.now() - started, ...watch.stop(), verdicts: verdictsOf(side.document) }))
  })
}

/** One warm-up run of each side (compiled CLI, Postgres template), then `rounds` alternating rounds, printed. */
export async function alternate(sides, rounds) {
  for (const side of sides) await once(side)
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
  const keys = new Set(results.flat().flatMap((r) => [...r.verdicts.keys()]))
  const differing = [...keys].sort().flatMap((key) => {
    const seen = sides.map((_, i) => [...new Set(results[i].map((r) => r.verdicts.get(key) ?? 'absent'))].join('|'))
    return seen[0] === seen[1] && !seen[0].includes('|') ? [] : [`  ${key}: ${sides.map((side, i) => `${side.name} ${seen[i]}`).join(', ')}`]
  })
  console.log(differing.length ? `verdicts that differ:\n${differing.join('\n')}` : `verdicts: the same ${keys.size} (case, profile) verdicts in every run of both sides`)
}

export const binIn = (dir) => path.join(dir, 'bin/authconform.mjs')
