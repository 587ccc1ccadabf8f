/**
 * `npm run selftest`: runs the real harness against every reference target and prints the
 * confusion table (expected failures vs observed, per profile). Exits 1 on any mismatch.
 */
import { confusion, referenceTargets, runReferenceTarget } from './support/reference-targets.ts'

const rows: string[][] = [['target', 'kind', 'profile', 'expected', 'failed', 'missing', 'unexpected', 'errored', 'warned', 'ok']]
let mismatches = 0
for (const manifest of referenceTargets()) {
  const { cli, document } = await runReferenceTarget(manifest.name)
  if (!document) {
    mismatches++
    rows.push([manifest.name, manifest.kind, '-', String(manifest.mustFail.length), '-', '-', '-', '-', '-', `NO (exit ${cli.code}: ${cli.stderr.trim().split('\n').pop()})`])
    continue
  }
  for (const row of confusion(document, manifest)) {
    const ok = row.missing.length === 0 && row.unexpected.length === 0 && row.errored.length === 0
    if (!ok) mismatches++
    rows.push([
      manifest.name, manifest.kind, row.profile, String(row.expected.length), String(row.failed.length),
      row.missing.join(' ') || '0', row.unexpected.join(' ') || '0', row.errored.join(' ') || '0', row.warned.join(' ') || '0', ok ? 'yes' : 'NO',
    ])
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '))
console.log(mismatches ? `${mismatches} mismatching rows` : 'every reference target fails exactly its manifest')
process.exit(mismatches ? 1 : 0)
