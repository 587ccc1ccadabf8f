import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { resolveConfig } from '../../harness/config/resolve.ts'
import { AuthconformError } from '../../harness/core/errors.ts'
import { applyExpectedFailures, exitCodeFor } from '../../harness/report/document.ts'
import { renderGithubAnnotations } from '../../harness/report/github.ts'
import { createProgress } from '../../harness/report/progress.ts'
import { renderSarif } from '../../harness/report/sarif.ts'
import { renderTerminal } from '../../harness/report/terminal.ts'
import { caseResult, catchError, resultDocument } from './support.ts'

/** What CI reads: SARIF for code scanning, annotations, expected failures, progress lines. */
const TARGET = { command: 'node server.js', routes: { me: 'GET /api/me' } }

const results = [
  caseResult({ id: 'claims/exp-past', verdict: 'fail', severity: 'high', refs: ['RFC7519-4.1.4'], curl: "curl -sS -i 'http://127.0.0.1:8000/api/me'" }),
  caseResult({ id: 'claims/exp-past', verdict: 'pass', profile: 'HS256' }),
  caseResult({ id: 'bearer/lowercase-scheme', verdict: 'warn', severity: 'low', refs: ['RFC6750-2.1'] }),
  caseResult({ id: 'ownership/read-other-users-item', verdict: 'fail', severity: 'critical', refs: ['OWASP-API1-2023', 'RFC9110-15.5.5'] }),
  caseResult({ id: 'cors/allowed-origin-reads', verdict: 'error', severity: 'medium', refs: ['Fetch-3.2'], reason: 'Chromium not found' }),
  caseResult({ id: 'claims/iat-future', verdict: 'skip' }),
]

describe('SARIF 2.1.0', () => {
  const document = { ...resultDocument(results, { profiles: ['EdDSA', 'HS256'] }), target: { name: 'node-good', command: 'node server.mjs', config: 'fixtures/targets/node-good/authconform.config.ts' } }
  const sarif = JSON.parse(renderSarif(document))
  const run = sarif.runs[0]

  test('is a SARIF 2.1.0 log with one rule per case id and help from the catalogue', () => {
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/)
    expect(run.tool.driver.name).toBe('authconform')
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['claims/exp-past', 'bearer/lowercase-scheme', 'ownership/read-other-users-item', 'cors/allowed-origin-reads', 'claims/iat-future'])
    const rule = run.tool.driver.rules[2]
    expect(rule.properties['security-severity']).toBe('9.5')
    expect(rule.helpUri).toBe('https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/')
    expect(rule.help.markdown).toContain('[RFC 9110 §15.5.5](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5)')
    expect(run.automationDetails.id).toBe('authconform/node-good/')
  })

  test('results are the fails and warns, at the config file, with levels and stable fingerprints', () => {
    expect(run.results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level])).toEqual([
      ['claims/exp-past', 'error'],
      ['bearer/lowercase-scheme', 'warning'],
      ['ownership/read-other-users-item', 'error'],
    ])
    for (const result of run.results) {
      expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('fixtures/targets/node-good/authconform.config.ts')
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId)
    }
    expect(run.results[0].partialFingerprints['authconformCase/v1']).toBe('node-good:claims/exp-past:EdDSA')
    expect(run.results[0].properties.replay).toMatch(/^curl /)
  })

  test('an errored case is a tool notification, not an alert', () => {
    expect(run.invocations[0].toolExecutionNotifications).toEqual([expect.objectContaining({ level: 'error', message: { text: expect.stringContaining('cors/allowed-origin-reads [EdDSA] could not be judged: Chromium not found') } })])
  })
})

describe('expected failures', () => {
  test('cover matching fails (by profile or every profile), stop them gating, and name the fixed entries', () => {
    const cases = [
      caseResult({ id: 'claims/exp-past', verdict: 'fail', profile: 'EdDSA' }),
      caseResult({ id: 'claims/exp-past', verdict: 'fail', profile: 'HS256' }),
      caseResult({ id: 'claims/aud-wrong', verdict: 'pass' }),
      caseResult({ id: 'claims/iat-future', verdict: 'skip' }),
    ]
    const applied = applyExpectedFailures(
      cases,
      [
        { id: 'claims/exp-past', profile: 'EdDSA', reason: 'legacy clients until 2027-01' },
        { id: 'claims/aud-wrong', reason: 'was broken' },
        { id: 'claims/iat-future', reason: 'never ran here: not "fixed"' },
      ],
      'expected.json',
    )
    expect(applied.cases.map((c) => c.expected)).toEqual(['legacy clients until 2027-01', undefined, undefined, undefined])
    expect(applied.expectedFailures).toEqual({ file: 'expected.json', matched: 1, fixed: [{ id: 'claims/aud-wrong', reason: 'was broken' }] })
    expect(exitCodeFor(applied.cases, 'low', [])).toBe(1) // HS256's failure is not covered
    expect(
      exitCodeFor(
        applied.cases.filter((c) => c.profile === 'EdDSA'),
        'low',
        [],
      ),
    ).toBe(0)
    const terminal = renderTerminal({ ...resultDocument(applied.cases, { profiles: ['EdDSA', 'HS256'] }), expectedFailures: applied.expectedFailures }, { color: false })
    expect(terminal).toMatch(/xfail/)
    expect(terminal).toContain('expected: legacy clients until 2027-01 (from the expected-failures file: does not fail the run)')
    expect(terminal).toContain('fixed: claims/aud-wrong no longer fails: remove it from the file')
  })

  test('the file needs a reason for every entry and says how it is shaped', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-expected-'))
    const write = (content: string) => {
      const file = path.join(dir, `e${Math.random()}.json`)
      writeFileSync(file, content)
      return file
    }
    const problem = (content: string) => {
      const error = catchError(() => resolveConfig({ target: TARGET, expectedFailures: write(content) }))
      expect(error).toBeInstanceOf(AuthconformError)
      expect((error as AuthconformError).code).toBe('ERR_CONFIG_INVALID')
      return error.message
    }
    expect(problem('[{ "id": "claims/exp-past", "reason": "  " }]')).toMatch(/entry 0\.reason: a reason is required/)
    expect(problem('[{ "id": "claims/exp-past" }]')).toMatch(/entry 0\.reason/)
    expect(problem('{ not json')).toMatch(/is not JSON .*\[\{ "id": "claims\/exp-past", "profile": "HS256", "reason": "…" \}\]/)
    expect(problem('[{ "id": "claims/exp-past", "reason": "x", "profile": "HS999" }]')).toMatch(/entry 0\.profile/)
    const ok = resolveConfig({ target: TARGET, expectedFailures: write('[{ "id": "claims/exp-past", "reason": "known" }]') })
    expect(ok.expectedFailures).toEqual([{ id: 'claims/exp-past', reason: 'known' }])
    expect(resolveConfig({ target: TARGET, expectedFailures: [{ id: 'claims/exp-past', reason: 'inline' }] }).expectedFailures).toHaveLength(1)
  })
})

describe('GitHub Actions annotations', () => {
  test('one command per finding, on the config file, with data escaped', () => {
    const document = {
      ...resultDocument([
        caseResult({ id: 'claims/exp-past', verdict: 'fail', reason: 'accepted: 100% of\nexpired tokens' }),
        caseResult({ id: 'bearer/lowercase-scheme', verdict: 'warn' }),
        caseResult({ id: 'claims/aud-wrong', verdict: 'fail', expected: 'known gap' }),
        caseResult({ id: 'claims/iat-future', verdict: 'pass' }),
      ]),
      target: { name: 'api', config: 'api/authconform.config.ts' },
      expectedFailures: { matched: 1, fixed: [{ id: 'claims/nbf-future', reason: 'x' }] },
    }
    const lines = renderGithubAnnotations(document).trim().split('\n')
    expect(lines).toEqual([
      '::error file=api/authconform.config.ts,line=1,title=authconform claims/exp-past [EdDSA] high::accepted: 100%25 of%0Aexpired tokens%0AFix: fix for claims/exp-past',
      '::warning file=api/authconform.config.ts,line=1,title=authconform bearer/lowercase-scheme [EdDSA]::reason for warn',
      '::notice file=api/authconform.config.ts,line=1,title=authconform claims/aud-wrong [EdDSA]::expected failure (known gap): reason for fail',
      '::warning file=api/authconform.config.ts,line=1,title=authconform claims/nbf-future fixed::claims/nbf-future no longer fails: remove it from the expected-failures file',
    ])
  })
})

describe('progress', () => {
  const sink = () => {
    const chunks: string[] = []
    return { stream: { write: (chunk: string) => void chunks.push(chunk) } as unknown as NodeJS.WritableStream, text: () => chunks.join('') }
  }

  test('plain mode prints one line per suite when it completes', () => {
    const out = sink()
    const progress = createProgress(out.stream, { color: false, mode: 'plain' })
    progress.plan({ claims: 2, bearer: 1 })
    progress.result(caseResult({ id: 'claims/exp-past', verdict: 'pass' }))
    expect(out.text()).toBe('')
    progress.result(caseResult({ id: 'bearer/lowercase-scheme', verdict: 'warn' }))
    progress.result(caseResult({ id: 'claims/aud-wrong', verdict: 'fail' }))
    progress.finish()
    expect(out.text().split('\n').filter(Boolean)).toEqual(['bearer    1/1  1 warn', 'claims    2/2  1 pass  1 fail'])
  })

  test('live mode redraws the block in place and erases it at the end', async () => {
    const out = sink()
    const progress = createProgress(out.stream, { color: false, mode: 'live' })
    progress.plan({ claims: 1 })
    progress.result(caseResult({ id: 'claims/exp-past', verdict: 'pass' }))
    await new Promise((r) => setTimeout(r, 150))
    progress.finish()
    expect(out.text()).toContain('\r\x1b[2K  claims    0/1  \n')
    expect(out.text()).toContain('\x1b[1A\r\x1b[2K  claims    1/1  1 pass\n')
    expect(out.text().endsWith('\x1b[1A\x1b[0J')).toBe(true)
  })

  test('quiet terminal output is the failures and the summary line; verbose adds every reason', () => {
    const document = resultDocument([caseResult({ id: 'claims/exp-past', verdict: 'fail' }), caseResult({ id: 'claims/aud-wrong', verdict: 'pass', reason: 'rejected with 401' })])
    const quiet = renderTerminal(document, { color: false, detail: 'quiet' })
    expect(quiet).not.toContain('claims/aud-wrong')
    expect(quiet).toContain('FAIL [high] claims/exp-past')
    expect(quiet.trim().split('\n').pop()).toBe('1 passed, 1 failed, 0 warned, 0 skipped, 0 errored')
    expect(renderTerminal(document, { color: false, detail: 'verbose' })).toContain('pass   EdDSA  claims/aud-wrong: rejected with 401')
  })
})
