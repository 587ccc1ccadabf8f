import { describe, expect, test } from 'vitest'
import { findCase } from '../../harness/core/catalogue.ts'
import { CaseCollector } from '../../harness/runner/collector.ts'
import { CATALOGUE } from '../../suites/catalogue/index.ts'

describe('results a run never delivered', () => {
  const [first, second] = ['baseline/valid-token', 'signature/stripped'].map((id) => findCase(CATALOGUE, id)!)

  test('every selected case × profile without a result becomes an error naming the gap', () => {
    const collector = new CaseCollector(CATALOGUE)
    collector.results.push({ id: first!.id, suite: first!.suite, profile: 'RS256', verdict: 'pass', severity: 'info', refs: [], title: '', fix: '', reason: 'accepted' })
    const gaps = collector.unreported([first!, second!], ['EdDSA', 'RS256'])
    expect(gaps.map((r) => `${r.id} ${r.profile} ${r.verdict}`)).toEqual([`${first!.id} EdDSA error`, `${second!.id} EdDSA error`, `${second!.id} RS256 error`])
    expect(gaps[1]).toMatchObject({ suite: second!.suite, severity: second!.severity, title: second!.title })
    expect(gaps[0]!.reason).toMatch(/never reported this case in this profile/)
  })

  test("vitest's own error travels with the gap, so the cause is in the report", () => {
    const collector = new CaseCollector(CATALOGUE)
    collector.runErrors.push('suites/baseline.suite.ts: worker exited unexpectedly')
    expect(collector.unreported([first!], ['HS256'])[0]!.reason).toMatch(/vitest said: suites\/baseline\.suite\.ts: worker exited unexpectedly$/)
  })

  test('a complete run has no gaps', () => {
    const collector = new CaseCollector(CATALOGUE)
    for (const profile of ['EdDSA', 'HS256'] as const) collector.results.push({ id: first!.id, suite: first!.suite, profile, verdict: 'skip', severity: 'info', refs: [], title: '', fix: '', reason: 'n/a' })
    expect(collector.unreported([first!], ['EdDSA', 'HS256'])).toEqual([])
  })
})
