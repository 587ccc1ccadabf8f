import { describe, expect, test } from 'vitest'
import { exitCodeFor, sortResults, summarizeDocument } from '../../harness/report/document.ts'
import { renderJunit } from '../../harness/report/junit.ts'
import { renderTerminal, summaryLine } from '../../harness/report/terminal.ts'
import type { Severity } from '../../harness/core/severity.ts'
import { caseResult, resultDocument } from './support.ts'

const CURL = "curl -sS -i 'http://127.0.0.1:8000/api/me' -H 'authorization: Bearer eyJ.forged.sig'"
const NASTY_REASON = `accepted <exp> & "aud" 'iss'\u0007`

/** One of each verdict over two profiles, in catalogue then profile order. */
const CASES = [
  caseResult({ id: 'baseline/www-authenticate', profile: 'EdDSA', verdict: 'warn', severity: 'low', reason: '401 without a WWW-Authenticate header' }),
  caseResult({ id: 'baseline/www-authenticate', profile: 'ES256', verdict: 'skip', severity: 'low', reason: 'needs meId' }),
  caseResult({ id: 'claims/exp-past', profile: 'EdDSA', verdict: 'pass' }),
  caseResult({
    id: 'claims/exp-past',
    profile: 'ES256',
    verdict: 'fail',
    severity: 'high',
    reason: NASTY_REASON,
    curl: CURL,
    evidence: { request: { method: 'GET', url: 'http://127.0.0.1:8000/api/me', headers: { authorization: 'Bearer eyJ…(300 chars)' } }, status: 200, bodyHead: '{"user":{"id":"a"}}', ms: 9 },
  }),
  caseResult({ id: 'signature/stripped', profile: 'EdDSA', verdict: 'error', severity: 'critical', reason: 'target did not answer' }),
]
const DOCUMENT = resultDocument(CASES, { profiles: ['EdDSA', 'ES256'] })

/** A small well-formedness check: balanced tags, one root, quoted attributes, no raw < or bare & in text. */
function expectWellFormedXml(xml: string) {
  const [declaration, ...rest] = xml.split('\n')
  expect(declaration).toBe('<?xml version="1.0" encoding="UTF-8"?>')
  const body = rest.join('\n')
  const TAG = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g
  const BARE_AMPERSAND = /&(?!(?:lt|gt|amp|quot|apos);)/
  const open: string[] = []
  let roots = 0
  let end = 0
  for (const match of body.matchAll(TAG)) {
    const text = body.slice(end, match.index)
    expect(text, `text before ${match[0]}`).not.toMatch(/[<>]/)
    expect(text).not.toMatch(BARE_AMPERSAND)
    expect(match[3]!).not.toMatch(BARE_AMPERSAND)
    const [, closing, name, , selfClosing] = match
    if (closing) expect(open.pop(), `closing </${name}>`).toBe(name)
    else {
      if (open.length === 0) roots++
      if (!selfClosing) open.push(name!)
    }
    end = match.index + match[0].length
  }
  expect(body.slice(end).trim()).toBe('')
  expect(open).toEqual([])
  expect(roots).toBe(1)
}

const attribute = (xml: string, element: string, name: string) => new RegExp(`<${element}\\b[^>]*\\b${name}="([^"]*)"`).exec(xml)?.[1]

describe('renderJunit', () => {
  const xml = renderJunit(DOCUMENT)

  test('is well-formed XML', () => {
    expectWellFormedXml(xml)
  })

  test('<testsuites> carries the document counts', () => {
    expect(['tests', 'failures', 'errors', 'skipped'].map((name) => attribute(xml, 'testsuites', name))).toEqual(['5', '1', '1', '1'])
    expect(attribute(xml, 'testsuites', 'time')).toBe('1.234')
  })

  test('one testsuite per suite and profile, and one testcase per result', () => {
    const suites = [...xml.matchAll(/<testsuite name="([^"]*)" tests="(\d+)"/g)].map((m) => [m[1], Number(m[2])])
    expect(suites).toEqual([
      ['baseline [EdDSA]', 1],
      ['baseline [ES256]', 1],
      ['claims [EdDSA]', 1],
      ['claims [ES256]', 1],
      ['signature [EdDSA]', 1],
    ])
    expect(xml.match(/<testcase /g)).toHaveLength(5)
    expect(xml.match(/<failure /g)).toHaveLength(1)
    expect(xml.match(/<error /g)).toHaveLength(1)
    expect(xml.match(/<skipped /g)).toHaveLength(1)
  })

  test('escapes < & " \' in reasons and drops control characters', () => {
    const escaped = 'accepted &lt;exp&gt; &amp; &quot;aud&quot; &apos;iss&apos;'
    expect(attribute(xml, 'failure', 'message')).toBe(`[high] ${escaped}`)
    expect(xml).toContain(`reason: ${escaped}\n`)
    expect(xml).not.toContain('\u0007')
  })

  test('drops characters XML forbids (U+FFFE, U+FFFF, lone surrogates) that a target body can carry', () => {
    const hostile = caseResult({ id: 'baseline/subject-matches', verdict: 'fail', reason: 'accepted as user \uffff\ufffe\ud800x' })
    const out = renderJunit(resultDocument([hostile]))
    expect(out).toContain('accepted as user x')
    expect(out).not.toMatch(/[\ufffe\uffff\ud800-\udfff]/)
  })
})

describe('renderJunit shows red only where the run fails', () => {
  const REPLAY = "curl -sS -i 'http://127.0.0.1:8000/api/me' -H 'Authorization: Bearer eyJ.x.y'"
  const results = [
    caseResult({ id: 'claims/exp-past', verdict: 'fail', severity: 'critical', reason: 'accepted an expired token', curl: REPLAY }),
    caseResult({ id: 'claims/iat-future', verdict: 'fail', severity: 'low', reason: 'accepted iat in the future', curl: REPLAY }),
    caseResult({ id: 'claims/aud-wrong', verdict: 'fail', severity: 'high', reason: 'accepted a foreign aud', expected: 'legacy clients until 2027 & <SEC-12>', curl: REPLAY }),
    caseResult({ id: 'baseline/www-authenticate', verdict: 'warn', severity: 'low', reason: '401 without WWW-Authenticate' }),
    caseResult({ id: 'baseline/valid-token', verdict: 'pass' }),
    caseResult({ id: 'claims/nbf-future', verdict: 'skip', reason: 'needs meId' }),
    caseResult({ id: 'signature/stripped', verdict: 'error', reason: 'target did not answer' }),
  ]
  // fail-on high: the low failure passes the gate, the expected one is covered, the critical one fails the run.
  const document = { ...resultDocument(results), failOn: 'high' as const }
  const xml = renderJunit(document)
  const testcase = (id: string) => new RegExp(`<testcase [^>]*name="${id}"[^>]*?(?:/>|>[\\s\\S]*?</testcase>)`).exec(xml)?.[0] ?? ''
  const property = (block: string, name: string) => new RegExp(`<property name="${name}" value="([^"]*)"/>`).exec(block)?.[1]

  test('is well-formed, and only a failure that gates is a <failure>; the counts match the elements', () => {
    expectWellFormedXml(xml)
    expect(xml.match(/<failure /g)).toHaveLength(1)
    expect(testcase('claims/exp-past')).toContain('<failure message="[critical] accepted an expired token" type="critical">')
    expect(['tests', 'failures', 'errors', 'skipped'].map((name) => attribute(xml, 'testsuites', name))).toEqual(['7', '1', '1', '2'])
    const suites = [...xml.matchAll(/<testsuite name="[^"]*" tests="\d+" failures="(\d+)" errors="(\d+)" skipped="(\d+)"/g)]
    expect(suites.reduce((n, m) => n + Number(m[1]), 0)).toBe(xml.match(/<failure /g)!.length)
    expect(suites.reduce((n, m) => n + Number(m[2]), 0)).toBe(xml.match(/<error /g)!.length)
    expect(suites.reduce((n, m) => n + Number(m[3]), 0)).toBe(xml.match(/<skipped /g)!.length)
  })

  test('an expected failure is <skipped> with its reason (as pytest writes an xfail), keeping severity, reason and replay', () => {
    const block = testcase('claims/aud-wrong')
    expect(block).toContain('<skipped message="expected failure: legacy clients until 2027 &amp; &lt;SEC-12&gt;"/>')
    expect(block).not.toContain('<failure')
    expect(property(block, 'authconform.verdict')).toBe('fail')
    expect(property(block, 'authconform.severity')).toBe('high')
    expect(property(block, 'authconform.reason')).toBe('accepted a foreign aud')
    expect(property(block, 'authconform.replay')).toBe(REPLAY.replace(/'/g, '&apos;'))
  })

  test('a failure below --fail-on passes, with its properties and the detail in <system-out>', () => {
    const block = testcase('claims/iat-future')
    expect(block).not.toMatch(/<failure|<skipped|<error/)
    expect(property(block, 'authconform.verdict')).toBe('fail')
    expect(property(block, 'authconform.severity')).toBe('low')
    expect(property(block, 'authconform.reason')).toBe('accepted iat in the future')
    expect(property(block, 'authconform.replay')).toBeDefined()
    expect(block).toMatch(/<system-out>FAIL \(below --fail-on high: does not fail the run\)\n[\s\S]*reason: accepted iat in the future[\s\S]*<\/system-out>/)
  })

  test('a warning passes, with its properties', () => {
    const block = testcase('baseline/www-authenticate')
    expect(block).not.toMatch(/<failure|<skipped|<error/)
    expect(property(block, 'authconform.verdict')).toBe('warn')
    expect(property(block, 'authconform.reason')).toBe('401 without WWW-Authenticate')
    expect(property(block, 'authconform.replay')).toBeUndefined()
    expect(block).toContain('<system-out>WARN (a warning never fails the run)')
  })

  test('a pass stays empty; a skip and an error keep their elements', () => {
    expect(testcase('baseline/valid-token')).toMatch(/^<testcase [^>]*"\/>$/)
    expect(testcase('claims/nbf-future')).toContain('<skipped message="needs meId"/>')
    expect(testcase('signature/stripped')).toContain('<error message="target did not answer">')
  })

  test('every replay says, once next to it, that its port and token are gone and how to replay', () => {
    for (const id of ['claims/exp-past', 'claims/iat-future', 'claims/aud-wrong']) {
      const block = testcase(id)
      expect(block).toContain(`replay: ${REPLAY.replace(/'/g, '&apos;')}\nnote: replays use this run&apos;s token`)
      expect(block).toContain('authconform issuer --port &lt;port&gt;')
      expect(block.match(/note: replays/g)).toHaveLength(1)
    }
    expect(testcase('baseline/www-authenticate')).not.toContain('note: replays')
  })

  test('a run whose environment never came up is one errored testcase naming the cause', () => {
    const failed = { ...resultDocument([]), error: { code: 'ERR_TARGET_START', message: 'target command exited (exit code 7) before it was ready', details: ['config <missing>'] }, exitCode: 3 }
    const out = renderJunit(failed)
    expectWellFormedXml(out)
    expect(out).toContain('<testsuites name="authconform" tests="1" failures="0" errors="1" skipped="0"')
    expect(out).toContain('<testcase classname="authconform" name="environment"')
    expect(out).toContain('<error message="target command exited (exit code 7) before it was ready [ERR_TARGET_START]" type="ERR_TARGET_START">target command exited (exit code 7) before it was ready\nconfig &lt;missing&gt;</error>')
  })
})

describe('renderTerminal', () => {
  const plain = renderTerminal(DOCUMENT, { color: false })

  test('ends with the summary line alone', () => {
    expect(plain.endsWith('\n\n1 passed, 1 failed, 1 warned, 1 skipped, 1 errored\n')).toBe(true)
    expect(summaryLine(DOCUMENT)).toBe('1 passed, 1 failed, 1 warned, 1 skipped, 1 errored')
  })

  test("shows the failing case's curl", () => {
    expect(plain).toContain(`    replay:   ${CURL}`)
  })

  test('has one row per case with a column per profile', () => {
    expect(plain).toMatch(/^ {2}high\s+claims\/exp-past\s+pass\s+FAIL\s+title of claims\/exp-past$/m)
    expect(plain).toMatch(/^ {2}low\s+baseline\/www-authenticate\s+WARN\s+SKIP\s+/m)
  })

  test('has no ANSI codes without color, and has them with color', () => {
    expect(plain).not.toMatch(/\x1b\[/)
    expect(renderTerminal(DOCUMENT, { color: true })).toContain('\x1b[31mFAIL')
  })

  test('prints run errors before the summary', () => {
    const output = renderTerminal(resultDocument(CASES, { profiles: ['EdDSA', 'ES256'], runErrors: ['suite file failed to load'] }), { color: false })
    expect(output).toContain('\nrun error: suite file failed to load\n')
    expect(output.indexOf('run error:')).toBeLessThan(output.lastIndexOf('1 passed,'))
  })
})

describe('comparison of profiles', () => {
  test('the terminal report gives each profile its own count line', () => {
    const output = renderTerminal(DOCUMENT, { color: false })
    expect(output).toContain('By profile\n  EdDSA  1 passed, 0 failed, 1 warned, 0 skipped, 1 errored\n  ES256  0 passed, 1 failed, 0 warned, 1 skipped, 0 errored\n')
  })
})

describe('document', () => {
  const fail = (severity: Severity) => caseResult({ id: 'claims/exp-past', verdict: 'fail', severity })

  test('exitCodeFor gates on fails at or above failOn, and on any error', () => {
    expect(exitCodeFor([fail('low')], 'high', [])).toBe(0)
    expect(exitCodeFor([fail('high')], 'high', [])).toBe(1)
    expect(exitCodeFor([fail('critical')], 'high', [])).toBe(1)
    expect(exitCodeFor([caseResult({ id: 'claims/exp-past', verdict: 'error', severity: 'info' })], 'critical', [])).toBe(1)
    expect(exitCodeFor([caseResult({ id: 'claims/exp-past', verdict: 'warn', severity: 'critical' })], 'low', [])).toBe(0)
    expect(exitCodeFor([], 'low', ['suite file failed to load'])).toBe(1)
    expect(DOCUMENT.exitCode).toBe(1)
  })

  test('summarizeDocument counts verdicts and fails by severity', () => {
    expect(summarizeDocument(CASES)).toEqual({
      total: 5,
      passed: 1,
      failed: 1,
      warned: 1,
      skipped: 1,
      errored: 1,
      failedBySeverity: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
      byProfile: {
        EdDSA: { total: 3, passed: 1, failed: 0, warned: 1, skipped: 0, errored: 1 },
        ES256: { total: 2, passed: 0, failed: 1, warned: 0, skipped: 1, errored: 0 },
      },
    })
  })

  test('sortResults orders by catalogue, then profile', () => {
    const order = ['baseline/www-authenticate', 'claims/exp-past', 'signature/stripped']
    const sorted = sortResults([...CASES].reverse(), order, ['EdDSA', 'ES256'])
    expect(sorted.map((r) => `${r.id} ${r.profile}`)).toEqual(CASES.map((r) => `${r.id} ${r.profile}`))
  })
})

describe('what a target sends cannot drive the terminal', () => {
  const hostile = '\x1b]0;owned\x07\x1b[2J\x1b[31mred\r\nline two\u2028'
  const result = caseResult({
    id: 'claims/exp-past',
    verdict: 'fail',
    reason: `accepted: ${hostile}`,
    evidence: { request: { method: 'GET', url: `http://127.0.0.1:1/api/me?q=${hostile}`, headers: { Authorization: 'Bearer x' } }, status: 200, bodyHead: `{"user":"${hostile}"}`, ms: 3 },
    curl: "curl -sS -i 'http://127.0.0.1:1/api/me'",
  })

  test.each(['normal', 'verbose'] as const)('%s: control characters are written as escapes, with colour on too', (detail) => {
    const output = renderTerminal(resultDocument([result]), { color: true, detail })
    const ours = output.replace(/\x1b\[[0-9;]*m/g, '')
    expect(ours).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028]/)
    expect(output).toContain('accepted: \\u001b]0;owned\\u0007\\u001b[2J\\u001b[31mred\\r\\nline two\\u2028')
  })
})
