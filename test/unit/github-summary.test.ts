import { describe, expect, test } from 'vitest'
import { renderGithubSummary } from '../../harness/report/github.ts'
import { summaryLine } from '../../harness/report/terminal.ts'
import type { Severity } from '../../harness/core/severity.ts'
import { caseResult, resultDocument } from './support.ts'

/** The Markdown written to $GITHUB_STEP_SUMMARY: what a reviewer reads on the run's page. */
/** The body rows of the table under a `### heading`. */
const rowsUnder = (markdown: string, heading: string) => {
  const section = markdown.slice(markdown.indexOf(`### ${heading}`)).split(/\n### /)[0]!
  return section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Case'))
}

describe('renderGithubSummary', () => {
  const cases = [
    caseResult({ id: 'claims/exp-past', verdict: 'pass' }),
    caseResult({ id: 'claims/aud-wrong', verdict: 'fail', severity: 'low', reason: 'accepted a token for another audience' }),
    caseResult({ id: 'signature/stripped', verdict: 'fail', severity: 'critical', profile: 'ES256', reason: 'accepted alg none' }),
    caseResult({ id: 'claims/iat-future', verdict: 'fail', severity: 'high', expected: 'legacy clients skew clocks' }),
    caseResult({ id: 'bearer/lowercase-scheme', verdict: 'warn', severity: 'low' }),
    caseResult({ id: 'bearer/www-authenticate', verdict: 'warn', severity: 'low' }),
    caseResult({ id: 'cors/allowed-origin-reads', verdict: 'error', severity: 'medium', reason: 'Chromium not found' }),
    caseResult({ id: 'claims/nbf-future', verdict: 'skip' }),
  ]
  const base = resultDocument(cases, { profiles: ['EdDSA', 'ES256'] })
  const document = { ...base, failOn: 'high' as Severity, target: { name: 'api', config: 'api/authconform.config.ts' }, expectedFailures: { matched: 1, fixed: [{ id: 'claims/sub-missing', profile: 'HS256' as const, reason: 'x' }] } }
  const markdown = renderGithubSummary(document)

  test("opens with the terminal's summary line and what the exit code means", () => {
    expect(markdown).toContain(`**${summaryLine(document)}**`)
    expect(markdown).toContain('1 passed, 3 failed, 2 warned, 1 skipped, 1 errored')
    expect(markdown).toMatch(/❌ \*\*Failed\*\* \(exit code 1\): 1 failure at or above `--fail-on high`, 1 case could not be judged \(1 failure below it and 1 expected failure do not fail the job\)\./)
  })

  test('a failures table: gating ones first, expected and below-threshold ones marked as not failing the job', () => {
    expect(rowsUnder(markdown, 'Failures')).toEqual([
      '| `signature/stripped` | ES256 | critical | **yes** | accepted alg none |',
      '| `claims/aud-wrong` | EdDSA | low | no — below fail-on high | accepted a token for another audience |',
      '| `claims/iat-future` | EdDSA | high | no — expected: legacy clients skew clocks | reason for fail |',
    ])
  })

  test('errors in their own table, warnings as a count, fixed expected failures listed', () => {
    expect(rowsUnder(markdown, 'Errors')[0]).toBe('| `cors/allowed-origin-reads` | EdDSA | Chromium not found |')
    expect(markdown).toContain('\n2 warnings: ')
    expect(markdown).not.toContain('bearer/lowercase-scheme')
    expect(markdown).toContain('- `claims/sub-missing` [HS256]')
  })

  test('a clean run says it passed, and why failures below the threshold did not count', () => {
    const passing = { ...resultDocument([caseResult({ id: 'claims/exp-past', verdict: 'pass' }), caseResult({ id: 'claims/aud-wrong', verdict: 'fail', severity: 'low' })]), failOn: 'high' as Severity, exitCode: 0 }
    const text = renderGithubSummary(passing)
    expect(text).toContain('✅ **Passed** (exit code 0): no failure at or above `--fail-on high` (1 failure below it does not fail the job).')
    expect(text).not.toContain('### Errors')
    expect(text).not.toContain('warning')
  })

  test('run errors and an interrupted run', () => {
    const broken = resultDocument([caseResult({ id: 'claims/exp-past', verdict: 'pass' })], { runErrors: ['suite keys failed to load'] })
    expect(renderGithubSummary(broken)).toMatch(/Failed\*\* \(exit code 1\): 1 run error\.[\s\S]*### Run errors\n\n- suite keys failed to load/)
    expect(renderGithubSummary({ ...broken, interrupted: 'SIGINT', exitCode: 130 })).toContain('⏹️ **Interrupted by SIGINT** (exit code 130)')
  })

  test('what a target answered cannot break the table or inject HTML', () => {
    const hostile = resultDocument([caseResult({ id: 'claims/exp-past', verdict: 'fail', reason: 'body <img src=x onerror=alert(1)> | col\nnext `code` *bold* [link](http://x)' })])
    const row = rowsUnder(renderGithubSummary(hostile), 'Failures')[0]!
    expect(row).toBe('| `claims/exp-past` | EdDSA | high | **yes** | body &lt;img src=x onerror=alert(1)&gt; \\| col next \\`code\\` \\*bold\\* \\[link\\](http://x) |')
    expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(7)
  })

  test('capped: 100 rows and "…and N more", far below GitHub\'s 1 MiB for any size of run', () => {
    const many = Array.from({ length: 5000 }, (_, i) => caseResult({ id: `claims/case-${i}`, verdict: i % 2 ? 'fail' : 'error', reason: 'x'.repeat(5000) }))
    const text = renderGithubSummary(resultDocument(many, { runErrors: Array.from({ length: 500 }, () => 'y'.repeat(5000)) }))
    expect(rowsUnder(text, 'Failures')).toHaveLength(100)
    expect(text).toContain('…and 2400 more')
    expect(text).toContain('- …and 400 more')
    expect(Buffer.byteLength(text)).toBeLessThan(256 * 1024)
  })
})
