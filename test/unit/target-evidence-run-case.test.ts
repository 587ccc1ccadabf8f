import http from 'node:http'
import type net from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ProfileContext } from '../../harness/core/context.ts'
import { defineCase, type ProbingCase } from '../../harness/core/case.ts'
import { accepted, rejected } from '../../suites/catalogue/expect.ts'
import { sendTimed } from '../../suites/support/lifecycle.ts'
import { runCase } from '../../suites/support/run-case.ts'
import { principal } from './support.ts'

/**
 * What a case reports when the target does not answer, or refuses the valid token: evidence of
 * the request that broke (never of the one before it) and a replay, against a real loopback
 * server whose answer depends on the token: `hang` never answers, `refuse-<status>` refuses,
 * anything else is a 200.
 */
const TIMEOUT_MS = 300
const sockets = new Set<net.Socket>()
const seen: string[] = []
const server = http.createServer((req, res) => {
  const token = /^Bearer (\S+)/.exec(req.headers.authorization ?? '')?.[1] ?? ''
  seen.push(token)
  if (token.startsWith('hang')) return
  const refused = /^refuse-(\d+)$/.exec(token)
  if (refused) {
    res.writeHead(Number(refused[1]), { 'content-type': 'text/plain', 'www-authenticate': 'Bearer error="invalid_token"' })
    res.end('audience mismatch\n\x1b[31mred\x1b[0m')
    return
  }
  res.end(JSON.stringify({ user: { id: 'id-a' } }))
})
server.on('connection', (socket) => void sockets.add(socket.on('error', () => {})))
let baseURL: string

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseURL = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => server.close(resolve))
})

/** A profile context on the loopback server; user A's token is `aToken`. */
function context(options: { aToken?: string; baseline?: ProfileContext['baseline']; lifecycle?: boolean } = {}): ProfileContext {
  const a = { ...principal('a', 'id-a'), token: options.aToken ?? 'fine-a' }
  const self: ProfileContext = {
    profile: 'EdDSA',
    issuer: {
      baseURL: 'http://127.0.0.1:9',
      jwksURL: 'http://127.0.0.1:9/api/auth/jwks',
      issuer: 'http://127.0.0.1:9',
      audience: 'http://127.0.0.1:9',
      // Nothing listens: a scenario's clean-up call to the control plugin fails quietly.
      controlURL: 'http://127.0.0.1:9/control',
      tokenURL: 'http://127.0.0.1:9/api/auth/token',
      pagesURL: 'http://127.0.0.1:9/pages',
      controlKey: 'control-key',
      secret: { bytes: 32, published: false, bitsPerChar: 5, problems: [] },
    },
    target: { baseURL, me: { method: 'GET', path: '/api/me' }, cors: { allowedOrigins: [], configured: false, browserCalls: false } },
    users: { a, b: { ...principal('b', 'id-b'), token: 'fine-b' } },
    baseline: options.baseline ?? { ok: true },
  }
  return options.lifecycle ? { ...self, lifecycle: { ...self } } : self
}

const RUN = {
  requestTimeoutMs: TIMEOUT_MS,
  attacker: { baseURL: 'http://127.0.0.1:9', logKey: 'log-key' },
  keys: { windowSeconds: 1, stormTokens: 1, stormSeconds: 1, stormBudget: 1 },
  publishedSecrets: [],
}

const probing = (id: string, probe: ProbingCase['probe'], extra: Partial<ProbingCase> = {}) =>
  defineCase({ id, title: id, severity: 'high', refs: ['RFC7519-7.2'], fix: 'the catalogue fix', probe, expect: rejected(), ...extra })

describe('a request that times out', () => {
  test('its case is an error whose evidence and replay carry the full request', async () => {
    const result = await runCase(probing('claims/hangs', () => ({ token: 'hang-1' })), context(), RUN)
    expect(result.verdict).toBe('error')
    expect(result.reason).toBe(`GET ${baseURL}/api/me: no answer within ${TIMEOUT_MS} ms`)
    expect(result.evidence).toMatchObject({
      request: { method: 'GET', url: `${baseURL}/api/me`, headers: { Authorization: 'Bearer hang-1' } },
      status: 0,
      dropped: `timed out after ${TIMEOUT_MS} ms without an answer`,
    })
    expect(result.curl).toBe(`curl -sS -i '${baseURL}/api/me' -H 'Authorization: Bearer hang-1'`)
  })

  test('in a case of several requests, the evidence is of the request that hung, not the one before', async () => {
    const result = await runCase(probing('claims/second-hangs', () => [{ token: 'fine-1' }, { token: 'hang-2' }]), context(), RUN)
    expect(result.verdict).toBe('error')
    expect(result.evidence?.request.headers).toEqual({ Authorization: 'Bearer hang-2' })
    expect(result.curl).toContain('hang-2')
  })

  test('in an interaction, the step that hung is the last step and the evidence', async () => {
    const spec = defineCase({
      id: 'ownership/hangs',
      title: 'hangs',
      severity: 'high',
      refs: [],
      fix: '',
      interact: async (kit) => {
        await kit.request('A reads', { method: 'GET', path: '/api/me', authorization: 'Bearer fine-1' })
        await kit.request('B reads', { method: 'GET', path: '/api/me?x=1', authorization: 'Bearer hang-3' })
        return { verdict: 'pass', reason: 'unreachable' }
      },
    })
    const result = await runCase(spec, context(), RUN)
    expect(result.verdict).toBe('error')
    expect(result.steps?.map((step) => [step.label, step.request.url, step.status])).toEqual([
      ['A reads', `${baseURL}/api/me`, 200],
      ['B reads', `${baseURL}/api/me?x=1`, 0],
    ])
    expect(result.curl).toBe(`curl -sS -i '${baseURL}/api/me?x=1' -H 'Authorization: Bearer hang-3'`)
  })

  test("in a scenario that takes the hang as its answer (sendTimed), the evidence still has the request", async () => {
    const spec = defineCase({
      id: 'keys/hangs',
      title: 'hangs',
      severity: 'high',
      refs: [],
      fix: '',
      scenario: async (kit) => {
        const exchange = await sendTimed(kit, { token: 'hang-4' })
        return { verdict: 'warn', reason: `got ${exchange.status}`, exchange }
      },
    })
    const result = await runCase(spec, context({ lifecycle: true }), RUN)
    expect(result).toMatchObject({ verdict: 'warn', reason: 'got 0' })
    expect(result.evidence).toMatchObject({ request: { url: `${baseURL}/api/me`, headers: { Authorization: 'Bearer hang-4' } }, status: 0 })
    expect(result.evidence?.dropped).toMatch(/timed out after \d+ ms/)
    expect(result.curl).toBe(`curl -sS -i '${baseURL}/api/me' -H 'Authorization: Bearer hang-4'`)
  })
})

describe('a target that refuses the valid token', () => {
  const validToken = probing('baseline/valid-token', ({ user }) => ({ token: user.a.token }), { expect: accepted(), isBaseline: true })
  const failed = { ok: false, reason: 'a valid token from the issuer got 401 on GET /api/me' }

  test('401: the valid-token case says what was sent and what came back, and names the issuer values as the fix', async () => {
    const result = await runCase(validToken, context({ aToken: 'refuse-401', baseline: failed }), RUN)
    expect(result.verdict).toBe('fail')
    expect(result.reason).toBe('the target refused a valid EdDSA token: GET /api/me (token in the Authorization header) answered 401 — likely an audience, issuer or JWKS URL mismatch')
    expect(result.fix).toBe(
      'the verifier must use what the issuer signs with: JWKS_URL=http://127.0.0.1:9/api/auth/jwks, JWT_ISSUER=http://127.0.0.1:9, API_AUDIENCE=http://127.0.0.1:9, JWT_ALGORITHMS=EdDSA (a started target gets these as env); or set target.issuer / target.audience to what it expects; DEBUG=authconform:target prints a started target\'s output',
    )
    expect(result.evidence).toMatchObject({ status: 401, bodyHead: 'audience mismatch\n\x1b[31mred\x1b[0m' })
    expect(result.curl).toContain('refuse-401')
  })

  test('404: the fix points at target.routes.me', async () => {
    const result = await runCase(validToken, context({ aToken: 'refuse-404', baseline: failed }), RUN)
    expect(result.reason).toMatch(/answered 404 — no such route: check target\.routes\.me \("GET \/api\/me"\)$/)
    expect(result.fix).toMatch(/^set target\.routes\.me to the target's authenticated route/)
  })

  test("every other case is an error quoting the environment's diagnosis, and sends nothing", async () => {
    const ctx = context({ aToken: 'refuse-401', baseline: failed })
    const before = seen.length
    const results = await Promise.all(['claims/one', 'claims/two'].map((id) => runCase(probing(id, () => ({ token: 'fine-x' })), ctx, RUN)))
    expect(seen.slice(before), 'a rejection would prove nothing: no request is sent').toEqual([])
    for (const result of results) {
      expect(result.verdict).toBe('error')
      expect(result.reason).toBe(`baseline failed, so a rejection would prove nothing: ${failed.reason}`)
    }
  })

  test('a valid token that gets no answer: the case says so, with the request as evidence', async () => {
    const result = await runCase(validToken, context({ aToken: 'hang-5', baseline: failed }), RUN)
    expect(result.verdict).toBe('error')
    expect(result.reason).toBe(
      `the target did not answer a valid EdDSA token: GET /api/me (token in the Authorization header): timed out after ${TIMEOUT_MS} ms without an answer — does its verifier wait on JWKS_URL?`,
    )
    expect(result.curl).toBe(`curl -sS -i '${baseURL}/api/me' -H 'Authorization: Bearer hang-5'`)
  })
})
