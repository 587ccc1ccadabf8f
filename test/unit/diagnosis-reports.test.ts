import { describe, expect, test } from 'vitest'
import type { Profile } from '../../harness/core/profiles.ts'
import type { Verdict } from '../../harness/core/verdict.ts'
import { compareProfiles } from '../../harness/report/comparison.ts'
import { renderGithubSummary } from '../../harness/report/github.ts'
import { renderHtml } from '../../harness/report/html.ts'
import { renderSarif } from '../../harness/report/sarif.ts'
import { renderTerminal } from '../../harness/report/terminal.ts'
import { CATALOGUE } from '../../suites/catalogue/index.ts'
import { caseResult, resultDocument } from './support.ts'

const result = (id: string, verdict: Verdict, profile: Profile = 'EdDSA') => caseResult({ id, verdict, profile, severity: CATALOGUE.cases.find((c) => c.id === id)!.severity })
const CURL = "curl -sS -i 'http://127.0.0.1:8000/api/me' -H 'authorization: Bearer eyJ.forged.'"

/** A decode-only verifier in two profiles, plus one failure no diagnosis explains. */
const DECODE_ONLY = resultDocument(
  [
    ...(['EdDSA', 'HS256'] as const).flatMap((profile) => [
      { ...result('signature/stripped', 'fail', profile), curl: CURL, evidence: { request: { method: 'GET', url: 'http://127.0.0.1:8000/api/me', headers: {} }, status: 200, bodyHead: '{"id":"a"}' } },
      result('signature/bit-flipped', 'fail', profile),
      result('signature/payload-tampered', 'fail', profile),
      result('kid/sql-injection', 'fail', profile),
    ]),
    result('keys/rotation-removed', 'warn', 'EdDSA'),
    result('keys/rotation-removed', 'skip', 'HS256'),
    result('hs256/secret-strength', 'skip', 'EdDSA'),
    result('hs256/secret-strength', 'pass', 'HS256'),
    result('bearer/lowercase-scheme', 'fail', 'EdDSA'),
    result('bearer/lowercase-scheme', 'pass', 'HS256'),
  ],
  { profiles: ['EdDSA', 'HS256'] },
)

describe('diagnoses in every report', () => {
  test('the terminal shows them first: the cause, what it explains, the fix, the evidence and its replay', () => {
    const out = renderTerminal(DECODE_ONLY, { color: false })
    const lines = out.split('\n')
    const first = lines.findIndex((line) => line.startsWith('Diagnoses:'))
    expect(first).toBeGreaterThanOrEqual(0)
    expect(first).toBeLessThan(lines.findIndex((line) => line.startsWith('signature')))
    expect(lines[first]).toBe('Diagnoses: 1 root cause explains 8 of 9 failures and 1 of 1 warnings')
    expect(lines[first + 1]).toMatch(/^ {2}1\. CRITICAL Signatures are not verified/)
    expect(lines[first + 2]).toBe('     explains: 8 failures and 1 warning in EdDSA, HS256: signature/stripped, signature/bit-flipped, signature/payload-tampered, kid/sql-injection, … (1 more)')
    expect(lines[first + 3]).toMatch(/^ {5}fix: {6}Verify the signature on every request.*\(code per library: authconform explain signature\/stripped\)$/)
    expect(lines[first + 5]).toBe(`     replay:   ${CURL}`)
    expect(out).toContain('Not explained by a diagnosis: 1 failure and 0 warnings: bearer/lowercase-scheme (each is listed below)')
    // quiet keeps them: they are the summary a developer reads first.
    expect(renderTerminal(DECODE_ONLY, { color: false, detail: 'quiet' })).toContain('1. CRITICAL Signatures are not verified')
  })

  test('a run without findings has no diagnoses section', () => {
    expect(renderTerminal(resultDocument([result('claims/exp-past', 'pass')]), { color: false })).not.toContain('Diagnoses')
  })

  test('the HTML report opens with them, with the fix per library and the strongest evidence', () => {
    const html = renderHtml(DECODE_ONLY)
    const at = (marker: string) => html.indexOf(marker)
    expect(at('id="diagnoses"')).toBeGreaterThan(0)
    expect(at('id="diagnoses"')).toBeLessThan(at('<h2>By profile'))
    expect(at('<h2>By profile')).toBeLessThan(at('id="matrix"'))
    expect(html).toContain('data-diagnosis="signature-not-verified"')
    expect(html).toContain('<summary>PyJWT 2.x</summary>')
    expect(html).toMatch(/Strongest evidence:<\/strong> <code>signature\/stripped<\/code>/)
    expect(html).toContain('Not explained by a diagnosis: 1 failure and 0 warnings')
  })

  test('SARIF results name their diagnosis; the unexplained one does not', () => {
    const results = JSON.parse(renderSarif(DECODE_ONLY)).runs[0].results as { ruleId: string; message: { text: string }; properties: { diagnosis?: string } }[]
    const stripped = results.find((r) => r.ruleId === 'signature/stripped')!
    expect(stripped.properties.diagnosis).toBe('signature-not-verified')
    expect(stripped.message.text).toContain('Root cause: Signatures are not verified')
    expect(results.find((r) => r.ruleId === 'bearer/lowercase-scheme')!.properties.diagnosis).toBeUndefined()
  })

  test('the GitHub job summary lists them before the failures', () => {
    const summary = renderGithubSummary(DECODE_ONLY)
    expect(summary.indexOf('### Diagnoses')).toBeGreaterThan(0)
    expect(summary.indexOf('### Diagnoses')).toBeLessThan(summary.indexOf('### Failures'))
    expect(summary).toContain('| 8 failures and 1 warning (EdDSA, HS256); e.g. signature/stripped |')
    expect(summary).toContain('1 failure no diagnosis explains')
  })
})

describe('the profiles compared', () => {
  test('differences first, failures first; then the risks only some profiles carry', () => {
    const comparison = compareProfiles(DECODE_ONLY.cases, ['EdDSA', 'HS256'])!
    expect(comparison.differing.map((d) => [d.id, d.verdicts])).toEqual([['bearer/lowercase-scheme', { EdDSA: 'fail', HS256: 'pass' }]])
    expect(comparison.onlyIn).toEqual([
      { profiles: ['EdDSA'], suites: ['keys'], cases: [{ id: 'keys/rotation-removed', verdicts: { EdDSA: 'warn' } }], failed: 0, warned: 1, passed: 0 },
      { profiles: ['HS256'], suites: ['hs256'], cases: [{ id: 'hs256/secret-strength', verdicts: { HS256: 'pass' } }], failed: 0, warned: 0, passed: 1 },
    ])
    expect(compareProfiles(DECODE_ONLY.cases, ['EdDSA'])).toBeUndefined()
  })

  test('the terminal and the HTML report show them; identical columns say so', () => {
    const out = renderTerminal(DECODE_ONLY, { color: false })
    expect(out).toContain('Where the profiles differ (1 case)\n  bearer/lowercase-scheme  EdDSA FAIL  HS256 pass')
    expect(out).toContain('Risks only some profiles carry\n  EdDSA only: keys — 1 case: 0 failed, 1 warned, 0 passed\n  HS256 only: hs256 — 1 case: 0 failed, 0 warned, 1 passed')
    const html = renderHtml(DECODE_ONLY)
    expect(html).toContain('<h2>Profiles compared</h2>')
    expect(html.indexOf('id="comparison"')).toBeLessThan(html.indexOf('id="matrix"'))
    const same = resultDocument([result('claims/exp-past', 'pass', 'EdDSA'), result('claims/exp-past', 'pass', 'HS256')], { profiles: ['EdDSA', 'HS256'] })
    expect(renderTerminal(same, { color: false })).toContain('Where the profiles differ: nowhere')
  })
})
