/**
 * `npm run selftest [-- name…]`: runs the real harness against every reference target (or the
 * named ones), three at a time, and prints the confusion table (expected fails and warns vs
 * observed, per profile). Exits 1 on any mismatch.
 */
import { confusion, referenceTargets, runReferenceTarget } from './support/reference-targets.ts'

const rows: string[][] = [['target', 'kind', 'profile', 'fails', 'missing', 'unexpected', 'errored', 'warns', 'warns missing', 'warns unexpected', 'ok']]
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
console.log(mismatches ? `${mismatches} mismatching rows` : 'every reference target fails and warns exactly as its manifest says')
process.exit(mismatches ? 1 : 0)
