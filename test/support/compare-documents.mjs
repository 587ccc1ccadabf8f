#!/usr/bin/env node
// Two reports of the same run made by two versions of authconform (JSON, SARIF or JUnit XML),
// compared line by line once what differs between any two runs is masked: timings, dates, ports,
// tokens, the run's users and secrets. For a restructuring that must change nothing a user sees:
//   node test/support/compare-documents.mjs before.json after.json     (exit 1 on a difference)
import { readFileSync } from 'node:fs'

const TIMING_KEYS = new Set(['startedAt', 'durationMs', 'ms', 'timing', 'timings', 'phasesMs', 'caseOverheadMs', 'startTimeUtc', 'endTimeUtc'])

/** The run-to-run noise inside strings, each replaced by a fixed stand-in. */
const VOLATILE = [
  [/eyJ[\w-]*\.[\w-]*\.[\w+/-]*={0,2}/g, '<jwt>'],
  [/eyJ[\w-]{8,}/g, '<jwt-part>'],
  // Signatures, keys and nonces, in either base64 alphabet.
  [/[\w+/-]{40,}={0,2}/g, '<base64>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>'],
  [/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>'],
  [/\b([a-z0-9][\w.-]*):\d{2,5}\b/g, '$1:<port>'],
  [/user-([a-z])-[\w-]+@authconform\.test/g, 'user-$1-<run>@authconform.test'],
  // The run's random BETTER_AUTH_SECRET, as its entropy; ids and times a target or issuer hands out.
  [/\d+\.\d+ bits per character/g, '<bits> bits per character'],
  [/(\/[a-z-]+\/|\bitem )\d+\b/g, '$1<n>'],
  [/[\w-]*…\(\d+ chars\)/g, '<cut>…(<n> chars)'],
  [/("(?:id|iat|exp|nbf)\\?":)\d+/g, '$1<n>'],
  [/("(?:owner|userId|user_id)\\?":\\?")[A-Za-z0-9]+/g, '$1<id>'],
  [/\b[A-Za-z0-9]{32}\b/g, '<id32>'],
  [/\/d\/[\w-]+\//g, '/d/<nonce>/'],
  [/\/internal\/[\w-]+\//g, '/internal/<nonce>/'],
  [/\b\d+(\.\d+)? ?(ms|s)\b/g, '<duration>'],
]

export function normalize(value, key = '') {
  if (TIMING_KEYS.has(key)) return '<timing>'
  if (typeof value === 'string') return VOLATILE.reduce((text, [pattern, stand]) => text.replace(pattern, stand), value)
  if (Array.isArray(value)) return value.map((item) => normalize(item))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, k)]))
  return value
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const lines = (file) => {
    const text = readFileSync(file, 'utf8')
    if (file.endsWith('.xml')) return normalize(text.replace(/ time="[\d.]+"/g, ' time="<timing>"').split('\n'))
    return JSON.stringify(normalize(JSON.parse(text)), null, 2).split('\n')
  }
  const [before, after] = process.argv.slice(2).map(lines)
  if (!before || !after) {
    process.stderr.write('usage: compare-documents.mjs before.json after.json\n')
    process.exit(2)
  }
  const differing = before.map((line, i) => (line === after[i] ? undefined : `line ${i + 1}:\n  - ${line}\n  + ${after[i]}`)).filter(Boolean)
  if (before.length !== after.length) differing.push(`length: ${before.length} lines before, ${after.length} after`)
  process.stdout.write(differing.length ? `${differing.slice(0, 20).join('\n')}\n${differing.length} differences\n` : `identical (${before.length} lines, volatile values masked)\n`)
  process.exit(differing.length ? 1 : 0)
}
