import { describe, expect, test } from 'vitest'
import { defineCase } from '../../harness/core/case.ts'
import { accepted } from '../../suites/catalogue/expect.ts'
import { sendTimed } from '../../suites/support/lifecycle.ts'
import { runCase } from '../../suites/support/run-case.ts'
import { interacting, loopbackTarget, probing } from './loopback-target.ts'

/**
 * What a case reports when the target does not answer, or refuses the valid token: evidence of
 * the request that broke (never of the one before it) and a replay, against a real loopback
 * server whose answer depends on the token (loopback-target.ts).
 */
const TIMEOUT_MS = 300
const target = loopbackTarget(TIMEOUT_MS)
const { context, seen, run: RUN } = target

describe('a request that times out', () => {
  test('its case is an error whose evidence and replay carry the full request', async () => {
    const result = await runCase(
      probing('claims/hangs', () => ({ token: 'hang-1' })),
      context(),
      RUN,
    )
    expect(result.verdict).toBe('error')
    expect(result.reason).toBe(`GET ${target.baseURL}/api/me: no answer within ${TIMEOUT_MS} ms`)
    expect(result.evidence).toMatchObject({
      request: { method: 'GET', url: `${target.baseURL}/api/me`, headers: { Authorization: 'Bearer hang-1' } },
      status: 0,
      dropped: `timed out after ${TIMEOUT_MS} ms without an answer`,
    })
    expect(result.curl).toBe(`curl -sS -i '${target.baseURL}/api/me' -H 'Authorization: Bearer hang-1'`)
  })

  test('in a case of several requests, the evidence is of the request that hung, not the one before', async () => {
    const result = await runCase(
      probing('claims/second-hangs', () => [{ token: 'fine-1' }, { token: 'hang-2' }]),
      context(),
      RUN,
    )
    expect(result.verdict).toBe('error')
    expect(result.evidence?.request.headers).toEqual({ Authorization: 'Bearer hang-2' })
    expect(result.curl).toContain('hang-2')
  })

  test('in an interaction, the step that hung is the last step and the evidence', async () => {
    const spec = interacting('ownership/hangs', async (kit) => {
      await kit.request('A reads', { method: 'GET', path: '/api/me', authorization: 'Bearer fine-1' })
      await kit.request('B reads', { method: 'GET', path: '/api/me?x=1', authorization: 'Bearer hang-3' })
      return { verdict: 'pass', reason: 'unreachable' }
    })
    const result = await runCase(spec, context(), RUN)
    expect(result.verdict).toBe('error')
    expect(result.steps?.map((step) => [step.label, step.request.url, step.status])).toEqual([
      ['A reads', `${target.baseURL}/api/me`, 200],
      ['B reads', `${target.baseURL}/api/me?x=1`, 0],
    ])
    expect(result.curl).toBe(`curl -sS -i '${target.baseURL}/api/me?x=1' -H 'Authorization: Bearer hang-3'`)
  })

  test('in a scenario that takes the hang as its answer (sendTimed), the evidence still has the request', async () => {
    const spec = defineCase({
      id: 'keys/hangs',
      title: 'hangs',
      severity: 'high',
      refs: [],
      fix: '',
      remedy: 'a-remedy',
      kind: 'scenario',
      scenario: async (kit) => {
        const exchange = await sendTimed(kit, { token: 'hang-4' })
        return { verdict: 'warn', reason: `got ${exchange.status}`, exchange }
      },
    })
    const result = await runCase(spec, context({ lifecycle: true }), RUN)
    expect(result).toMatchObject({ verdict: 'warn', reason: 'got 0' })
    expect(result.evidence).toMatchObject({ request: { url: `${target.baseURL}/api/me`, headers: { Authorization: 'Bearer hang-4' } }, status: 0 })
    expect(result.evidence?.dropped).toMatch(/timed out after \d+ ms/)
    expect(result.curl).toBe(`curl -sS -i '${target.baseURL}/api/me' -H 'Authorization: Bearer hang-4'`)
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
      "the verifier must use what the issuer signs with: JWKS_URL=http://127.0.0.1:9/api/auth/jwks, JWT_ISSUER=http://127.0.0.1:9, API_AUDIENCE=http://127.0.0.1:9, JWT_ALGORITHMS=EdDSA (a started target gets these as env); or set target.issuer / target.audience to what it expects; or, if it needs a header on every request (an API key, a tenant, the frontend's Origin), set target.headers; DEBUG=authconform:target prints a started target's output",
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
    const results = await Promise.all(
      ['claims/one', 'claims/two'].map((id) =>
        runCase(
          probing(id, () => ({ token: 'fine-x' })),
          ctx,
          RUN,
        ),
      ),
    )
    expect(seen.slice(before), 'a rejection would prove nothing: no request is sent').toEqual([])
    for (const result of results) {
      expect(result.verdict).toBe('error')
      expect(result.reason).toBe(`baseline failed, so a rejection would prove nothing: ${failed.reason}`)
    }
  })

  test('a valid token that gets no answer: the case says so, with the request as evidence', async () => {
    const result = await runCase(validToken, context({ aToken: 'hang-5', baseline: failed }), RUN)
    expect(result.verdict).toBe('error')
    expect(result.reason).toBe(`the target did not answer a valid EdDSA token: GET /api/me (token in the Authorization header): timed out after ${TIMEOUT_MS} ms without an answer — does its verifier wait on JWKS_URL?`)
    expect(result.curl).toBe(`curl -sS -i '${target.baseURL}/api/me' -H 'Authorization: Bearer hang-5'`)
  })
})
