import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { renderHtml, VISIBLE_CURL_CHARS } from '../../harness/report/html.ts'
import { reference } from '../../harness/report/references.ts'
import type { ResultDocument } from '../../harness/report/document.ts'
import type { CaseResult, Evidence } from '../../harness/core/verdict.ts'
import { caseResult, resultDocument } from './support.ts'

/** What a hostile target answers: it tries to close the page's script and run its own. */
const HOSTILE = `</script><img src=x onerror="window.__pwned=1">'"&<!--`
const GET_ME: Evidence['request'] = { method: 'GET', url: 'http://127.0.0.1:8000/api/me', headers: { Authorization: 'Bearer eyJ…(300 chars)' } }
const HUGE_CURL = `curl -sS -i 'http://127.0.0.1:8000/api/me' -H 'Authorization: Bearer ${'A'.repeat(1024 * 1024)}'`

/** Three profiles, every verdict, steps, browser evidence, a dropped socket, a hostile body and a 1 MB replay. */
const CASES = [
  ...(['EdDSA', 'ES256', 'HS256'] as const).map((profile) => caseResult({ id: 'baseline/valid-token', profile, verdict: 'pass', severity: 'critical' })),
  caseResult({ id: 'claims/exp-past', profile: 'EdDSA', verdict: 'pass' }),
  caseResult({
    id: 'claims/exp-past',
    profile: 'ES256',
    verdict: 'fail',
    reason: `accepted: answered 200 with ${HOSTILE}`,
    refs: ['RFC7519-4.1.4', 'CWE-613', `"><img src=x onerror="window.__pwned=2">`],
    evidence: { request: GET_ME, status: 200, responseHeaders: { 'x-evil': HOSTILE }, bodyHead: HOSTILE, ms: 9 },
    curl: `curl -sS -i 'http://127.0.0.1:8000/api/me' -H 'Authorization: Bearer eyJ.expired.sig' # ${HOSTILE}`,
  }),
  caseResult({ id: 'claims/exp-past', profile: 'HS256', verdict: 'skip', reason: 'HS256 has no JWKS' }),
  caseResult({ id: 'malformed/one-megabyte', profile: 'EdDSA', verdict: 'fail', severity: 'medium', reason: 'answered 500', evidence: { request: GET_ME, status: 500, ms: 40 }, curl: HUGE_CURL }),
  caseResult({ id: 'malformed/one-megabyte', profile: 'ES256', verdict: 'error', severity: 'medium', reason: 'target did not answer', evidence: { request: GET_ME, dropped: 'ECONNRESET', ms: 3 } }),
  caseResult({
    id: 'ownership/read-other-users-item',
    profile: 'EdDSA',
    verdict: 'fail',
    severity: 'critical',
    reason: "B read A's item: answered 200",
    steps: [
      { label: 'A creates an item', request: { method: 'POST', url: 'http://127.0.0.1:8000/api/todos', headers: {}, body: '{"title":"x"}' }, status: 201, ms: 5 },
      { label: "B reads A's item 1", request: { method: 'GET', url: 'http://127.0.0.1:8000/api/todos/1', headers: {} }, status: 200, bodyHead: '{"id":1}', ms: 4 },
    ],
    evidence: { request: { method: 'GET', url: 'http://127.0.0.1:8000/api/todos/1', headers: {} }, status: 200, bodyHead: '{"id":1}', ms: 4 },
    curl: "curl -sS -i 'http://127.0.0.1:8000/api/todos/1'",
  }),
  caseResult({
    id: 'cors/allowed-origin-reads',
    profile: 'HS256',
    verdict: 'warn',
    severity: 'low',
    reason: 'the page reads the answer only without credentials',
    steps: [{ label: 'Chromium page at http://localhost:3000 calls GET /api/me', request: GET_ME, browser: 'a page at http://localhost:3000 signed A in, then read 200', attackerFetches: ['http://127.0.0.1:9999/jwks.json'] }],
  }),
  caseResult({ id: 'ownership/deleted-user-token', profile: 'EdDSA', verdict: 'pass', severity: 'info', measured: true, reason: 'still accepted for up to 899 s after deletion' }),
]
const BASE = resultDocument(CASES, { profiles: ['EdDSA', 'ES256', 'HS256'] })
const DOCUMENT = { ...BASE, target: { ...BASE.target, url: undefined, command: 'node server.mjs', config: 'authconform.config.ts' } }

interface Tag {
  name: string
  attributes: [string, string][]
}

/**
 * Every `<` outside the one <style> and the one <script> must open a well-formed tag with
 * double-quoted attributes: text from the document that escaped escaping (`<img src=x …>`
 * is unquoted) fails here.
 */
function tagsOf(html: string): Tag[] {
  const markup = html.replace(/(<style>)[\s\S]*?(<\/style>)/, '$1$2').replace(/(<script>)[\s\S]*?(<\/script>)/, '$1$2')
  const TAG = /^<(?:!doctype html|\/([a-z][a-z0-9]*)|([a-z][a-z0-9]*)((?:\s+[a-z][a-z-]*(?:="[^"<>]*")?)*)\s*)>/
  const tags: Tag[] = []
  for (let at = markup.indexOf('<'); at >= 0; at = markup.indexOf('<', at + 1)) {
    const match = TAG.exec(markup.slice(at, at + 5000))
    expect(match, `malformed markup at ${JSON.stringify(markup.slice(at, at + 80))}`).not.toBeNull()
    if (match![2]) tags.push({ name: match![2], attributes: [...match![3]!.matchAll(/([a-z][a-z-]*)(?:="([^"]*)")?/g)].map((m) => [m[1]!, m[2] ?? '']) })
  }
  return tags
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')

describe('renderHtml', () => {
  const html = renderHtml(DOCUMENT)

  test('is one document whose markup is well formed, with one <style> and one <script> and no resource elements', () => {
    const tags = tagsOf(html)
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html.match(/<script\b/g)).toHaveLength(1)
    expect(html.match(/<\/script>/gi)).toHaveLength(1)
    expect(html.match(/<style\b/g)).toHaveLength(1)
    const names = new Set(tags.map((t) => t.name))
    for (const loads of ['img', 'link', 'iframe', 'object', 'embed', 'base', 'video', 'audio', 'source', 'frame', 'svg', 'image']) expect(names.has(loads), `<${loads}>`).toBe(false)
  })

  test('loads nothing: no src, no event handler, only fragment links and reference links to the specs', () => {
    const tags = tagsOf(html)
    const referenceUrls = new Set(
      DOCUMENT.cases
        .flatMap((c) => c.refs)
        .flatMap((id) => {
          try {
            return [reference(id).url]
          } catch {
            return []
          }
        }),
    )
    for (const tag of tags) {
      for (const [name, value] of tag.attributes) {
        expect(name, `<${tag.name} ${name}>`).not.toMatch(/^(src|srcset|action|formaction|poster|background|data|ping|on.*)$/)
        if (name === 'style') expect(value).not.toMatch(/url\(|expression/i)
        if (name === 'href') {
          if (value.startsWith('#')) continue
          expect(tag.name).toBe('a')
          expect(tag.attributes).toContainEqual(['class', 'ref'])
          expect(referenceUrls.has(unescapeHtml(value)), value).toBe(true)
        }
      }
    }
    expect(tags.some((t) => t.name === 'a' && t.attributes.some(([n, v]) => n === 'href' && v.startsWith('https://')))).toBe(true)
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!
    expect(style).not.toMatch(/@import|url\(|@font-face/i)
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!
    expect(script).not.toMatch(/fetch\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon|import\(|https?:/)
  })

  test('the reference ids become labelled links; an id in no known format stays escaped text', () => {
    expect(html).toContain('<a class="ref" href="https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4" rel="noopener noreferrer" target="_blank">RFC 7519 §4.1.4</a>')
    expect(html).toContain('<a class="ref" href="https://cwe.mitre.org/data/definitions/613.html" rel="noopener noreferrer" target="_blank">CWE-613</a>')
    expect(html).toContain('<span class="ref">&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;</span>')
  })

  test("a Content-Security-Policy forbids loading anything and allows only this page's own script", () => {
    const meta = tagsOf(html).find((t) => t.attributes.some(([n, v]) => n === 'http-equiv' && v === 'Content-Security-Policy'))!
    const policy = unescapeHtml(meta.attributes.find(([n]) => n === 'content')![1])
    for (const directive of ["default-src 'none'", "style-src 'unsafe-inline'", 'img-src data:', "base-uri 'none'", "form-action 'none'"]) expect(policy).toContain(directive)
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!
    const hash = createHash('sha256').update(script).digest('base64')
    expect(policy).toContain(`script-src 'unsafe-inline' 'sha256-${hash}'`)
    // The policy comes before anything it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'))
  })

  test('the hostile body appears only escaped: in text, in attributes, in the replay command', () => {
    expect(html).not.toContain('<img')
    expect(html).not.toContain('onerror="window')
    expect(html).not.toContain('<!--')
    const escaped = '&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&#39;&quot;&amp;&lt;!--'
    expect(html).toContain(`<pre class="body">${escaped}</pre>`)
    expect(html).toContain(`<th>x-evil</th><td>${escaped}</td>`)
    expect(html).toContain(`title="ES256: fail — accepted: answered 200 with ${escaped}"`)
    expect(html).toContain(`# ${escaped}</pre>`)
  })

  test('every case × profile cell is there, with its verdict as text and class and the reason as tooltip', () => {
    const rows = Object.fromEntries([...html.matchAll(/<tr class="case" data-case="([^"]+)"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [m[1]!, m[2]!]))
    expect(Object.keys(rows)).toEqual(['baseline/valid-token', 'claims/exp-past', 'malformed/one-megabyte', 'ownership/read-other-users-item', 'ownership/deleted-user-token', 'cors/allowed-origin-reads'])
    const cells = (id: string) => [...rows[id]!.matchAll(/<td class="cell ([\w-]+)[^"]*" data-profile="(\w+)"[^>]*>(.*?)<\/td>/g)].map((m) => [m[2], m[1], m[3]!.replace(/<[^>]+>/g, '')])
    expect(cells('baseline/valid-token')).toEqual([
      ['EdDSA', 'v-pass', 'pass'],
      ['ES256', 'v-pass', 'pass'],
      ['HS256', 'v-pass', 'pass'],
    ])
    expect(cells('claims/exp-past')).toEqual([
      ['EdDSA', 'v-pass', 'pass'],
      ['ES256', 'v-fail', 'fail'],
      ['HS256', 'v-skip', 'skip'],
    ])
    expect(cells('malformed/one-megabyte')).toEqual([
      ['EdDSA', 'v-fail', 'fail'],
      ['ES256', 'v-error', 'error'],
      ['HS256', 'v-none', '—'],
    ])
    expect(cells('cors/allowed-origin-reads')).toEqual([
      ['EdDSA', 'v-none', '—'],
      ['ES256', 'v-none', '—'],
      ['HS256', 'v-warn', 'warn'],
    ])
    expect(rows['claims/exp-past']).toContain('title="HS256: skip — HS256 has no JWKS"')
  })

  test('a non-pass cell links to its finding, which carries the filter attributes', () => {
    const link = /data-profile="ES256" data-suite="claims" data-severity="high" data-verdict="fail" title="[^"]*"><a href="#(f\d+)">fail<\/a>/.exec(html)
    expect(link).not.toBeNull()
    expect(html).toContain(`<details class="finding" id="${link![1]}" data-suite="claims" data-severity="high" data-verdict="fail">`)
  })

  test('the summary: target, runtime, profiles, counts by verdict and severity, exit code and fail-on, a row per profile', () => {
    expect(html).toContain('<code>node server.mjs</code> <span class="muted">(command)</span>')
    expect(html).toContain('<code>authconform.config.ts</code>')
    expect(html).toContain('embedded Postgres <span class="muted">— test</span>')
    expect(html).toContain('2025-01-01 00:00:00 UTC')
    expect(html).toContain('took 1.2 s')
    const card = (label: string) => new RegExp(`<div class="card-n">(\\d+)</div><div class="card-l">${label}</div>`).exec(html)?.[1]
    expect([card('Passed'), card('Failed'), card('Warned'), card('Skipped'), card('Errored'), card('Results')]).toEqual(['5', '3', '1', '1', '1', '11'])
    expect(html).toMatch(/<span class="sev sev-critical">critical<\/span> <strong>1<\/strong>/)
    expect(html).toMatch(/<span class="sev sev-high">high<\/span> <strong>1<\/strong>/)
    expect(html).toMatch(/<span class="sev sev-medium">medium<\/span> <strong>1<\/strong>/)
    expect(html).toContain('<span class="status-word">FAILED</span><span>exit code 1 · 3 failures at or above low · 1 case could not be judged')
    expect(html).toContain('(fail-on low)')
    const profileRows = [...html.matchAll(/<tr><th scope="row">(\w+)<\/th><td class="barcell">[\s\S]*?<\/tr>/g)].map((m) => [m[1], [...m[0].matchAll(/<td class="num[^"]*">(\d+)<\/td>/g)].map((n) => Number(n[1]))])
    expect(profileRows).toEqual([
      ['EdDSA', [3, 2, 0, 0, 0, 5]],
      ['ES256', [1, 1, 0, 0, 1, 3]],
      ['HS256', [1, 0, 1, 1, 0, 3]],
    ])
  })

  test('a finding shows title, severity, reason, fix, evidence; steps in order with the deciding one marked', () => {
    const finding = (id: string, profile: string) => {
      const summary = html.indexOf(`<code class="case-id">${id}</code><span class="profile">${profile}</span>`)
      expect(summary, `${id} ${profile}`).toBeGreaterThan(0)
      const start = html.lastIndexOf('<details class="finding"', summary)
      return html.slice(start, html.indexOf('</details>', start))
    }
    const bola = finding('ownership/read-other-users-item', 'EdDSA')
    expect(bola).toContain('<span class="title">title of ownership/read-other-users-item</span>')
    expect(bola).toContain('<span class="sev sev-critical">critical</span>')
    expect(bola).toContain('<strong>Fix:</strong> fix for ownership/read-other-users-item')
    expect(bola.indexOf('A creates an item')).toBeLessThan(bola.indexOf('B reads A&#39;s item 1'))
    expect(bola).toContain('<pre class="body">{&quot;title&quot;:&quot;x&quot;}</pre>')
    expect(bola.match(/class="step decisive"/g)).toHaveLength(1)
    expect(bola).toMatch(/class="step decisive"><div class="step-label">B reads A&#39;s item 1/)
    expect(bola).not.toContain('<h4>Evidence</h4>')

    const dropped = finding('malformed/one-megabyte', 'ES256')
    expect(dropped).toContain('no HTTP answer: connection dropped (<code>ECONNRESET</code>)')
    expect(dropped).toContain('<h4>Evidence</h4>')

    const cors = finding('cors/allowed-origin-reads', 'HS256')
    expect(cors).toContain('<dt>In Chromium</dt><dd>a page at http://localhost:3000 signed A in, then read 200</dd>')
    expect(cors).toContain('<code>http://127.0.0.1:9999/jwks.json</code>')

    const measured = finding('ownership/deleted-user-token', 'EdDSA')
    expect(measured).toContain('still accepted for up to 899 s after deletion')
  })

  test('a 1 MB replay shows its first 4000 characters; the whole command is in an inert <template> for Copy', () => {
    const visible = /<pre class="curl" id="curl-(f\d+)">([^<]*)<\/pre>/g
    const pres = [...html.matchAll(visible)]
    const huge = pres.find((m) => m[2]!.includes('AAAA'))!
    expect(unescapeHtml(huge[2]!)).toBe(`${HUGE_CURL.slice(0, VISIBLE_CURL_CHARS)}…`)
    const key = huge[1]!
    expect(html).toContain(`<button type="button" class="copy" data-source="full-${key}">Copy</button>`)
    expect(html).toContain(`<template id="full-${key}">${HUGE_CURL.replace(/'/g, '&#39;')}</template>`)
    expect(html).toContain(`Showing the first 4,000 of ${HUGE_CURL.length.toLocaleString('en-US')} characters`)
    // A short one is copied from its own <pre>.
    expect(html).toMatch(/data-source="curl-(f\d+)">Copy<\/button><\/div><pre class="curl" id="curl-\1">curl -sS -i &#39;http:\/\/127.0.0.1:8000\/api\/todos\/1&#39;<\/pre>/)
  })

  test('filters offer every suite, severity and verdict; skipped results sit in a collapsed group', () => {
    const options = (name: string) => [...html.matchAll(new RegExp(`name="${name}" value="([^"]+)" checked`, 'g'))].map((m) => m[1])
    expect(options('verdict')).toEqual(['pass', 'fail', 'warn', 'skip', 'error'])
    expect(options('severity')).toEqual(['critical', 'high', 'medium', 'low', 'info'])
    expect(options('suite')).toEqual(['baseline', 'claims', 'malformed', 'ownership', 'cors'])
    expect(html).toMatch(/<details class="group skipped" id="group-skip"><summary>/)
  })

  test('run errors are shown; a passing run says so', () => {
    const broken = renderHtml(resultDocument([caseResult({ id: 'baseline/valid-token', verdict: 'pass' })], { runErrors: [`suite failed to load: ${HOSTILE}`] }))
    expect(broken).toContain('<h3>Run errors</h3>')
    expect(broken).toContain('suite failed to load: &lt;/script&gt;')
    const passing = renderHtml(resultDocument([caseResult({ id: 'baseline/valid-token', verdict: 'pass' })]))
    expect(passing).toContain('<span class="status-word">PASSED</span><span>exit code 0 · no failure at or above low')
  })

  test("a failure the expected-failures file covers reads xfail and does not count; fixed entries and the target's name are shown", () => {
    const known = { ...caseResult({ id: 'claims/exp-past', verdict: 'fail', reason: 'answered 200' }), expected: 'legacy verifier, ticket SEC-12' } as CaseResult
    const base = resultDocument([known, caseResult({ id: 'baseline/valid-token', verdict: 'pass' })])
    const document = {
      ...base,
      exitCode: 0,
      target: { name: 'node-good', url: 'http://127.0.0.1:8000' },
      expectedFailures: { file: 'expected-failures.json', matched: 1, fixed: [{ id: 'kid/sql-injection', profile: 'ES256', reason: `fixed ${HOSTILE}` }] },
    } as ResultDocument
    const html = renderHtml(document)
    expect(html).toContain('<title>authconform passed — node-good</title>')
    expect(html).toContain('<strong>node-good</strong> <code>http://127.0.0.1:8000</code>')
    expect(html).toMatch(/<td class="cell v-fail xfail" data-profile="EdDSA" [^>]*title="EdDSA: fail — answered 200 \(expected failure: legacy verifier, ticket SEC-12\)"><a href="#f0">xfail<\/a><\/td>/)
    expect(html).toContain('<strong>Expected failure:</strong> legacy verifier, ticket SEC-12')
    expect(html).toContain('exit code 0 · no failure at or above low · 1 expected failure not counted')
    expect(html).toContain('1 failure covered by <code>expected-failures.json</code>')
    expect(html).toContain('<code>kid/sql-injection</code> <span class="chip">ES256</span> no longer fails: remove it from the file <span class="muted">(fixed &lt;/script&gt;')
  })
})
