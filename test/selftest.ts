/**
 * `npm run selftest [-- name…]`: runs the real harness against every reference target (or the
 * named ones), three at a time, and prints the confusion table (expected fails and warns vs
 * observed, per profile) and each target's diagnoses against its manifest. Exits 1 on any mismatch.
 */
import { confusion, diagnosisMismatch, referenceTargets, runReferenceTarget } from './support/reference-targets.ts'

const rows: string[][] = [['target', 'kind', 'profile', 'fails', 'missing', 'unexpected', 'errored', 'warns', 'warns missing', 'warns unexpected', 'ok']]
const diagnosisRows: string[][] = [['target', 'kind', 'diagnoses', 'explained', 'unexplained', 'ok']]
let mismatches = 0
const named = process.argv.slice(2)
const manifests = referenceTargets().filter((m) => named.length === 0 || named.includes(m.name))
// Most of a run waits on the verifiers' JWKS cooldowns: three side by side.
const results: Awaited<ReturnType<typeof runReferenceTarget>>[] = []
let next = 0
const worker = async () => {
  for (let i = next++; i < manifests.length; i = next++) results[i] = await runReferenceTarget(manifests[i]!.name)
}
await Promise.all([worker(), worker(), worker()])
for (const [index, manifest] of manifests.entries()) {
  const { cli, document } = results[index]!
  if (!document || document.error) {
    mismatches++
    const why = document?.error ? `${document.error.code}: ${document.error.message}` : cli.stderr.trim().split('\n').pop()
    rows.push([manifest.name, manifest.kind, '-', '-', '-', '-', '-', '-', '-', '-', `NO (exit ${cli.code}: ${why})`])
    continue
  }
  const mismatch = diagnosisMismatch(document, manifest)
  if (mismatch) mismatches++
  const explained = (verdict: 'failures' | 'warnings') => document.diagnoses.reduce((n, d) => n + d[verdict].length, 0)
  diagnosisRows.push([manifest.name, manifest.kind, document.diagnoses.map((d) => d.id).join(' ') || '-', `${explained('failures')}F ${explained('warnings')}W`, String(document.unexplained.length), mismatch ? `NO (${mismatch})` : 'yes'])
  for (const row of confusion(document, manifest)) {
    const differences = [row.missing, row.unexpected, row.errored, row.warnsMissing, row.warnsUnexpected]
    const ok = differences.every((ids) => ids.length === 0)
    if (!ok) mismatches++
    const list = (ids: string[]) => ids.join(' ') || '0'
    rows.push([
      manifest.name,
      manifest.kind,
      row.profile,
      `${row.failed.length}/${row.expected.length}`,
      list(row.missing),
      list(row.unexpected),
      list(row.errored),
      String(row.warned.length),
      list(row.warnsMissing),
      list(row.warnsUnexpected),
      ok ? 'yes' : 'NO',
    ])
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '))
const diagnosisWidths = diagnosisRows[0]!.map((_, i) => Math.max(...diagnosisRows.map((r) => r[i]!.length)))
console.log('')
for (const row of diagnosisRows) console.log(row.map((cell, i) => cell.padEnd(diagnosisWidths[i]!)).join('  '))
console.log(mismatches ? `${mismatches} mismatching rows` : 'every reference target fails and warns exactly as its manifest says')
process.exit(mismatches ? 1 : 0)
