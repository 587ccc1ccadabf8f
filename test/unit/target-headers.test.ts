import { describe, expect, test } from 'vitest'
import { defineCase } from '../../harness/core/case.ts'
import { withTargetHeaders } from '../../harness/core/target-headers.ts'
import { resolveConfig } from '../../harness/config/resolve.ts'
import { curlOf, evidenceOf } from '../../suites/support/exchange.ts'
import { runCase } from '../../suites/support/run-case.ts'
import { interacting, loopbackTarget, probing } from './loopback-target.ts'
import { configErrorOf, exchange } from './support.ts'

/**
 * target.headers: configured once, sent with every request a case makes unless the case sets
 * that header itself; secrets in evidence, whole in the curl replay.
 */
const API_KEY = 'k1-secret-api-key'
const HEADERS = { 'X-Api-Key': API_KEY, 'x-tenant': 'acme', Origin: 'http://localhost:3000' }

describe('withTargetHeaders', () => {
  test("adds every configured header the case's own do not name", () => {
    expect(withTargetHeaders(HEADERS, { Authorization: 'Bearer t' })).toEqual({ Authorization: 'Bearer t', ...HEADERS })
  })

  test("the case's own header wins, whatever the case of either name, under the case's spelling", () => {
    const merged = withTargetHeaders(HEADERS, { origin: 'https://attacker.test', 'X-TENANT': 'other' })
    expect(merged).toEqual({ origin: 'https://attacker.test', 'X-TENANT': 'other', 'X-Api-Key': API_KEY })
  })

  test('no configured headers: the case headers alone, and never the same object', () => {
    const own = { Authorization: 'Bearer t' }
    expect(withTargetHeaders(undefined, own)).toEqual(own)
    expect(withTargetHeaders({}, own)).not.toBe(own)
  })
})

describe('target.headers in the config', () => {
  const withHeaders = (headers: unknown) => ({ target: { command: 'node server.js', routes: { me: 'GET /api/me' }, headers } })
  const configError = configErrorOf

  test('default none; names and string values are kept as written', () => {
    expect(resolveConfig({ target: { command: 'x', routes: { me: 'GET /me' } } }).target.headers).toEqual({})
    expect(resolveConfig(withHeaders(HEADERS)).target.headers).toEqual(HEADERS)
  })

  test.each(['Authorization', 'authorization', 'AUTHORIZATION'])('%s is an error of one line: the cases set it', (name) => {
    const message = configError(withHeaders({ [name]: 'Bearer static' }))
    expect(message).toBe(`invalid config: target.headers.${name}: the cases set Authorization themselves (a valid token, a forged one or none): remove it`)
  })

  test('a name that is not a token, a value that is not a string or holds a line break, a name given twice', () => {
    expect(configError(withHeaders({ 'x api key': 'k' }))).toContain('target.headers.x api key: is not a header name')
    expect(configError(withHeaders({ 'x-api-key:': 'k' }))).toContain('target.headers.x-api-key:: is not a header name')
    expect(configError(withHeaders({ 'x-api-key': 1 }))).toContain('target.headers.x-api-key: must be a string (the header value)')
    expect(configError(withHeaders({ 'x-api-key': 'k\r\nx-injected: 1' }))).toContain('target.headers.x-api-key: must not contain a line break or NUL')
    expect(configError(withHeaders({ 'X-Api-Key': 'a', 'x-api-key': 'b' }))).toContain('target.headers.x-api-key: is "X-Api-Key" again (header names ignore case): keep one')
    expect(configError(withHeaders({ Connection: 'close' }))).toContain('target.headers.Connection: the HTTP client manages the connection: remove it')
  })
})

describe('evidence withholds the configured values; the replay has them', () => {
  const sent = exchange({ request: { headers: { Authorization: `Bearer ${'t'.repeat(100)}`, 'X-Api-Key': API_KEY, 'x-tenant': 'acme' } } })

  test('a header carrying its configured value shows only its length', () => {
    const shown = evidenceOf(sent, HEADERS).request.headers
    expect(shown).toEqual({ Authorization: `Bearer ${'t'.repeat(53)}…(107 chars)`, 'X-Api-Key': `…(${API_KEY.length} chars)`, 'x-tenant': '…(4 chars)' })
    expect(JSON.stringify(shown)).not.toContain(API_KEY)
  })

  test('names match in any case', () => {
    expect(evidenceOf(sent, { 'x-api-key': API_KEY }).request.headers['X-Api-Key']).toBe(`…(${API_KEY.length} chars)`)
  })

  test("a case's own value under a configured name is the case's finding: shown", () => {
    const own = exchange({ request: { headers: { Origin: 'https://attacker.test' } } })
    expect(evidenceOf(own, HEADERS).request.headers).toEqual({ Origin: 'https://attacker.test' })
  })

  test('the curl replays the request whole, configured headers included', () => {
    expect(curlOf(sent.request)).toContain(`-H 'X-Api-Key: ${API_KEY}'`)
  })
})

describe('every request a case makes carries them', () => {
  const target = loopbackTarget(1000)
  const { context, received, run } = target
  const since = (before: number) => received.slice(before)

  test('a probe: sent, withheld in evidence, whole in the curl, nowhere else in the result', async () => {
    const before = received.length
    const result = await runCase(
      probing('claims/probe', () => ({ token: 'fine-1' }), { expect: () => ({ verdict: 'pass', reason: 'ok' }) }),
      context({ headers: HEADERS }),
      run,
    )
    const [request] = since(before)
    expect(request?.headers).toMatchObject({ authorization: 'Bearer fine-1', 'x-api-key': API_KEY, 'x-tenant': 'acme', origin: 'http://localhost:3000' })
    expect(result.evidence?.request.headers['X-Api-Key']).toBe(`…(${API_KEY.length} chars)`)
    expect(result.curl).toContain(`'X-Api-Key: ${API_KEY}'`)
    const { curl: _replay, ...rest } = result
    expect(JSON.stringify(rest)).not.toContain(API_KEY)
  })

  test("an interaction's steps: the case's own Origin wins over the configured one", async () => {
    const before = received.length
    const spec = interacting('cors/play', async (kit) => {
      await kit.request('A calls from the attacker', { method: 'GET', path: '/api/me', as: kit.user.a, headers: { origin: 'https://attacker.test' } })
      await kit.request('A calls', { method: 'GET', path: '/api/me', as: kit.user.a })
      return { verdict: 'pass', reason: 'ok' }
    })
    const result = await runCase(spec, context({ headers: HEADERS }), run)
    const [attacker, plain] = since(before)
    expect(attacker?.headers).toMatchObject({ origin: 'https://attacker.test', 'x-api-key': API_KEY })
    expect(plain?.headers).toMatchObject({ origin: 'http://localhost:3000', 'x-api-key': API_KEY })
    expect(result.steps?.map((step) => step.request.headers)).toEqual([
      { origin: 'https://attacker.test', Authorization: 'Bearer fine-a', 'X-Api-Key': `…(${API_KEY.length} chars)`, 'x-tenant': '…(4 chars)' },
      { Authorization: 'Bearer fine-a', 'X-Api-Key': `…(${API_KEY.length} chars)`, 'x-tenant': '…(4 chars)', Origin: '…(21 chars)' },
    ])
  })

  test("a scenario's requests, on the lifecycle instance", async () => {
    const before = received.length
    const spec = defineCase({
      id: 'keys/play',
      title: 't',
      severity: 'high',
      refs: [],
      fix: 'f',
      remedy: 'r',
      kind: 'scenario',
      scenario: async (kit) => ({ verdict: 'pass', reason: 'ok', exchange: await kit.send({ token: kit.user.a.token }) }),
    })
    const result = await runCase(spec, context({ headers: { 'X-Api-Key': API_KEY }, lifecycle: true }), run)
    expect(since(before)[0]?.headers['x-api-key']).toBe(API_KEY)
    expect(result.evidence?.request.headers['X-Api-Key']).toBe(`…(${API_KEY.length} chars)`)
  })
})
