import { describe, expect, test } from 'vitest'
import { defineCase, type Case, type InteractionCase, type Judge, type ScenarioCase } from '../../harness/core/case.ts'
import type { JwksViewInstance, ProfileContext } from '../../harness/core/context.ts'
import type { CaseResult } from '../../harness/core/verdict.ts'
import { laneInstance, runCase } from '../../suites/support/run-case.ts'
import { loopbackTarget, probing } from './loopback-target.ts'
import { exchange as handMade } from './support.ts'

/**
 * runCase, one dispatcher over the case's kind, with fake cases against a real loopback target
 * (loopback-target.ts: `refuse-<status>` refuses, `hang…` never answers, anything else is a 200).
 * Every result comes out of one builder: these pin its shape per kind, the skips and errors
 * before any request, the evidence of the decisive request, and the timings.
 */
const target = loopbackTarget(300)
const { context, seen, run } = target
const TARGET_TIMED = ['id', 'suite', 'profile', 'severity', 'refs', 'title', 'fix', 'verdict', 'reason', 'evidence', 'curl', 'timing']

/** What every case here shares; each adds its id and kind. */
const BASE = { title: 'a title', severity: 'critical' as const, refs: ['RFC7519-7.2'], fix: 'the catalogue fix', remedy: 'a-remedy' }

/** Fails a request whose token contains "bad" (capped at `cap` when given); passes the others. */
const failsBad =
  (cap?: 'medium' | 'low'): Judge =>
  (exchange) =>
    exchange.request.headers.Authorization?.includes('bad')
      ? { verdict: 'fail', reason: `accepted ${exchange.request.headers.Authorization}`, ...(cap && { severityCap: cap }) }
      : { verdict: 'pass', reason: `refused ${exchange.request.headers.Authorization}` }

/** What nothing was sent for: the target saw no new token while `run` ran. */
async function sendsNothing(run: () => Promise<CaseResult>): Promise<CaseResult> {
  const before = seen.length
  const result = await run()
  expect(seen.slice(before)).toEqual([])
  return result
}

describe('a probing case', () => {
  test('one request: the judge decides; evidence, replay and timings are of that request', async () => {
    const result = await runCase(
      probing('claims/one', () => ({ token: 'fine-1' }), { expect: failsBad() }),
      context(),
      run,
    )
    expect(Object.keys(result)).toEqual(TARGET_TIMED)
    expect(result).toMatchObject({ id: 'claims/one', suite: 'claims', profile: 'EdDSA', severity: 'high', verdict: 'pass', reason: 'refused Bearer fine-1', fix: 'the catalogue fix' })
    expect(result.evidence).toMatchObject({ request: { method: 'GET', url: `${target.baseURL}/api/me`, headers: { Authorization: 'Bearer fine-1' } }, status: 200, bodyHead: '{"user":{"id":"id-a"}}' })
    expect(result.curl).toBe(`curl -sS -i '${target.baseURL}/api/me' -H 'Authorization: Bearer fine-1'`)
    expect(result.timing).toEqual({ totalMs: expect.any(Number), targetMs: result.evidence!.ms })
  })

  test('a judgement that failed on time alone asks again beside a valid token, twice at most, and judges the time beyond it', async () => {
    // Slow the first `slowTimes` times it is asked, as a loaded machine (now and then) or a costly parse (every time) is.
    const slowFor = (slowTimes: number): Judge => {
      let asked = 0
      return (exchange) => (++asked <= slowTimes ? { verdict: 'fail', reason: `answered only after ${exchange.ms + 2000} ms (limit 2000 ms)`, slow: true } : { verdict: 'pass', reason: 'rejected with 401' })
    }
    const sorted = (tokens: string[]) => [...tokens].sort()
    const before = seen.length
    const once = await runCase(
      probing('malformed/loaded-once', () => ({ token: 'fine-1' }), { expect: slowFor(1) }),
      context(),
      run,
    )
    expect(seen[before]).toBe('fine-1')
    expect(sorted(seen.slice(before + 1))).toEqual(['fine-1', 'fine-a'])
    expect(once).toMatchObject({
      verdict: 'pass',
      reason: expect.stringMatching(/^rejected with 401 \(beyond a valid token's time at the same moment; measured \d+ ms alone, \d+ ms beside a valid token's \d+ ms: the target was busy, not this token\)$/),
    })
    // Slow every time: three tries, the last two each beside a valid token, and still a fail.
    const always = await runCase(
      probing('malformed/costly', () => ({ token: 'fine-1' }), { expect: slowFor(99) }),
      context(),
      run,
    )
    expect(sorted(seen.slice(before + 3))).toEqual(['fine-1', 'fine-1', 'fine-1', 'fine-a', 'fine-a'])
    expect(always).toMatchObject({
      verdict: 'fail',
      reason: expect.stringMatching(/^answered only after \d+ ms \(limit 2000 ms\) \(beyond a valid token's time at the same moment; measured \d+ ms alone, \d+ ms beside a valid token's \d+ ms, \d+ ms beside a valid token's \d+ ms\)$/),
    })
  })

  test("one of several requests that timed out is asked once more; still unanswered, it is the case's error", async () => {
    const before = seen.length
    const result = await runCase(
      probing('hs256/wordlist', () => [{ token: 'fine-1' }, { token: 'hang-1' }]),
      context(),
      run,
    )
    expect(seen.slice(before).filter((token) => token === 'hang-1')).toHaveLength(2)
    expect(result).toMatchObject({ verdict: 'error', reason: expect.stringMatching(/no answer within 300 ms$/) })
  })

  test('several requests: the worst decides and is the evidence, the reason says how many, the target time is their sum', async () => {
    const probes = () => [{ token: 'fine-1' }, { token: 'bad-2' }, { token: 'fine-3' }]
    const result = await runCase(probing('claims/three', probes, { expect: failsBad() }), context(), run)
    expect(result).toMatchObject({ verdict: 'fail', reason: 'accepted Bearer bad-2 (worst of 3 requests)' })
    expect(result.evidence?.request.headers).toEqual({ Authorization: 'Bearer bad-2' })
    expect(result.curl).toContain("'Authorization: Bearer bad-2'")
    expect(result.timing!.targetMs).toBeGreaterThanOrEqual(result.evidence!.ms!)
    expect(result.timing!.targetMs).toBeLessThanOrEqual(result.timing!.totalMs + 3)
  })

  test("a judge's severity cap lowers the case's severity, never raises it", async () => {
    const capped = await runCase(
      probing('claims/capped', () => ({ token: 'bad-1' }), { severity: 'critical', expect: failsBad('medium') }),
      context(),
      run,
    )
    expect(capped).toMatchObject({ verdict: 'fail', severity: 'medium' })
    const milder = await runCase(
      probing('claims/milder', () => ({ token: 'bad-1' }), { severity: 'low', expect: failsBad('medium') }),
      context(),
      run,
    )
    expect(milder.severity).toBe('low')
  })

  test('a probe that breaks before sending is an error with no evidence, not that of an earlier request', async () => {
    let calls = 0
    const spec = probing('claims/broken', () => {
      if (calls++ === 0) throw new Error('could not sign the token')
      return []
    })
    const thrown = await sendsNothing(() => runCase(spec, context(), run))
    expect(thrown).toMatchObject({ verdict: 'error', reason: 'could not sign the token' })
    expect(Object.keys(thrown)).toEqual(TARGET_TIMED.filter((key) => !['evidence', 'curl'].includes(key)))
    expect(thrown.timing).toEqual({ totalMs: expect.any(Number) })
    expect(await runCase(spec, context(), run)).toMatchObject({ verdict: 'error', reason: 'the probe made no request' })
  })

  test('a judge that throws: an error whose evidence is the request it was judging', async () => {
    const judge: Judge = (exchange) => {
      if (exchange.request.headers.Authorization === 'Bearer fine-2') throw new Error('judge broke')
      return { verdict: 'pass', reason: 'fine' }
    }
    const result = await runCase(
      probing('claims/judge-throws', () => [{ token: 'fine-1' }, { token: 'fine-2' }], { expect: judge }),
      context(),
      run,
    )
    expect(result).toMatchObject({ verdict: 'error', reason: 'judge broke' })
    expect(result.evidence?.request.headers).toEqual({ Authorization: 'Bearer fine-2' })
  })

  test('a refused valid token: the reason and fix diagnose it; the result keeps its evidence and target time', async () => {
    const validToken = probing('baseline/valid-token', ({ user }) => ({ token: user.a.token }), { isBaseline: true, expect: () => ({ verdict: 'fail', reason: 'refused' }) })
    const result = await runCase(validToken, context({ aToken: 'refuse-401', baseline: { ok: false, reason: 'refused' } }), run)
    expect(result.reason).toMatch(/^the target refused a valid EdDSA token: GET \/api\/me .* answered 401/)
    expect(result.fix).toMatch(/^the verifier must use what the issuer signs with/)
    expect(Object.keys(result)).toEqual(TARGET_TIMED)
    expect(result.timing).toEqual({ totalMs: expect.any(Number), targetMs: result.evidence!.ms })
  })
})

describe('an assessing case', () => {
  test('judged from the kit without a request: no evidence, a total time and no target time', async () => {
    const spec = defineCase({ ...BASE, id: 'hs256/strength', kind: 'assess', assess: ({ issuer }) => ({ verdict: 'fail', reason: `${issuer.secret.bytes} bytes`, severityCap: 'low' }) })
    const result = await sendsNothing(() => runCase(spec, context(), run))
    expect(result).toMatchObject({ verdict: 'fail', reason: '32 bytes', severity: 'low' })
    expect(Object.keys(result)).toEqual(['id', 'suite', 'profile', 'severity', 'refs', 'title', 'fix', 'verdict', 'reason', 'timing'])
    expect(result.timing).toEqual({ totalMs: expect.any(Number) })
  })

  test('one that throws is an error verdict: runCase never throws', async () => {
    const spec = defineCase({
      ...BASE,
      id: 'hs256/throws',
      kind: 'assess',
      assess: () => {
        throw new Error('no secret to assess')
      },
    })
    expect(await runCase(spec, context(), run)).toMatchObject({ verdict: 'error', reason: 'no secret to assess' })
  })
})

describe('a scenario', () => {
  const scenario = (play: ScenarioCase['scenario']) => defineCase({ ...BASE, id: 'keys/play', kind: 'scenario', scenario: play })

  test('runs on the lifecycle instance; its outcome is measured, its exchange the evidence, and it carries no timing', async () => {
    const spec = scenario(async (kit) => {
      const exchange = await kit.send({ token: 'fine-9' })
      return { verdict: 'warn', reason: `answered ${exchange.status}`, severityCap: 'medium', exchange }
    })
    const result = await runCase(spec, context({ lifecycle: true }), run)
    expect(result).toMatchObject({ verdict: 'warn', reason: 'answered 200', severity: 'medium', measured: true })
    expect(Object.keys(result)).toEqual(['id', 'suite', 'profile', 'severity', 'refs', 'title', 'fix', 'verdict', 'reason', 'measured', 'evidence', 'curl'])
    expect(result.curl).toContain("'Authorization: Bearer fine-9'")
  })

  test('one that throws is an error, without evidence unless a request went unanswered', async () => {
    const result = await runCase(
      scenario(async () => {
        throw new Error('rotate failed')
      }),
      context({ lifecycle: true }),
      run,
    )
    expect(result).toMatchObject({ verdict: 'error', reason: 'rotate failed' })
    expect(result).not.toHaveProperty('measured')
    expect(result).not.toHaveProperty('evidence')
    expect(result).not.toHaveProperty('timing')
  })

  test("a laned one runs on its lane's instance when that instance can serve, else in turn on the lifecycle instance", async () => {
    const laned = defineCase({ ...BASE, id: 'keys/laned', kind: 'scenario', lane: 'outage', scenario: async (kit) => ({ verdict: 'pass', reason: 'sent', exchange: await kit.send({ token: 'fine-1' }) }) })
    const lane = (more: Partial<JwksViewInstance> = {}): JwksViewInstance => ({ baseURL: `${target.baseURL}/lane`, jwksURL: 'http://127.0.0.1:9/api/auth/jwks?authconform-lane=outage', baseline: { ok: true }, fetched: true, ...more })
    const withLane = (more?: Partial<JwksViewInstance>) => {
      const profile = context({ lifecycle: true })
      return { ...profile, lifecycle: { ...profile.lifecycle!, lanes: { outage: lane(more) } } }
    }
    const urlOf = async (profile: ProfileContext) => (await runCase(laned, profile, run)).evidence?.request.url
    expect(await urlOf(withLane())).toBe(`${target.baseURL}/lane/api/me`)
    expect(laneInstance(laned, withLane())).toMatchObject({ baseURL: `${target.baseURL}/lane` })
    for (const unusable of [{ fetched: false }, { baseline: { ok: false, reason: 'answered 401' } }, { baseURL: undefined, failure: 'exited with code 1', fetched: false }]) {
      expect(laneInstance(laned, withLane(unusable))).toBeUndefined()
      expect(await urlOf(withLane(unusable))).toBe(`${target.baseURL}/api/me`)
    }
    expect(laneInstance({ ...(laned as ScenarioCase), lane: undefined }, withLane())).toBeUndefined()
  })

  test('skips without a lifecycle instance, and errors when its baseline failed', async () => {
    const never = scenario(async () => {
      throw new Error('must not run')
    })
    expect(await runCase(never, context(), run)).toMatchObject({ verdict: 'skip', reason: expect.stringMatching(/^needs a target authconform starts/) })
    const failed = await runCase(never, context({ lifecycle: { ok: false, reason: 'JWKS down' } }), run)
    expect(failed).toMatchObject({ verdict: 'error', reason: 'baseline failed on the lifecycle instance: JWKS down' })
    expect(failed).not.toHaveProperty('timing')
  })
})

describe('a key-set case', () => {
  const keySetProbe = (extra: Parameters<typeof probing>[2] = {}) => probing('key-set/play', () => ({ token: 'bad-key-set' }), { keySet: 'without-alg', expect: failsBad(), ...extra })
  const instance = (more: Partial<JwksViewInstance> = {}): JwksViewInstance => ({ baseURL: target.baseURL, jwksURL: 'http://127.0.0.1:9/api/auth/jwks?authconform-key-set=without-alg', baseline: { ok: true }, fetched: true, ...more })
  const withKeySet = (more?: Partial<JwksViewInstance>) => ({ ...context(), keySets: { 'without-alg': instance(more) } })

  test("runs on its shape's instance: the evidence is that instance's request", async () => {
    const shaped = withKeySet({ baseURL: `${target.baseURL}/shaped` })
    const result = await runCase(keySetProbe(), shaped, run)
    expect(result).toMatchObject({ verdict: 'fail', evidence: { request: { url: `${target.baseURL}/shaped/api/me` } } })
  })

  test('skips with the reason when no instance was started, or it never fetched its URL, or it refuses valid tokens', async () => {
    const reasonOf = async (profile: ProfileContext) => (await sendsNothing(() => runCase(keySetProbe(), profile, run))).reason
    expect(await reasonOf(context())).toMatch(/^needs a target authconform starts/)
    expect(await reasonOf(withKeySet({ fetched: false }))).toMatch(/never fetched it: the target builds its JWKS URL itself/)
    expect(await reasonOf(withKeySet({ baseline: { ok: false, reason: 'answered 401' } }))).toBe('given the without-alg key set, the target refuses a valid token, so a refusal proves nothing here: answered 401')
  })

  test('its own valid-token case runs on a refusing instance and judges a start failure as a low warn', async () => {
    const valid = keySetProbe({ isBaseline: true })
    expect(await runCase(valid, withKeySet({ baseline: { ok: false, reason: 'answered 401' } }), run)).toMatchObject({ verdict: 'fail' })
    const notStarted = await sendsNothing(() => runCase(valid, withKeySet({ baseURL: undefined, failure: 'exited with code 1', fetched: false }), run))
    expect(notStarted).toMatchObject({ verdict: 'warn', severity: 'low', reason: expect.stringMatching(/did not start: exited with code 1$/) })
    expect(await runCase(keySetProbe(), withKeySet({ baseURL: undefined, failure: 'exited with code 1', fetched: false }), run)).toMatchObject({ verdict: 'skip' })
  })
})

describe('an interaction', () => {
  const interaction = (interact: InteractionCase['interact']) => defineCase({ ...BASE, id: 'ownership/play', kind: 'interaction', interact })

  test('every request and recorded exchange is a labelled step; the last decides by default; the target time is their sum', async () => {
    const spec = interaction(async (kit) => {
      await kit.request('A reads', { method: 'GET', path: '/api/me', as: kit.user.a })
      kit.record('a page fetches', handMade({ status: 204, ms: 7 }))
      return { verdict: 'fail', reason: 'B read it', severityCap: 'low' }
    })
    const result = await runCase(spec, context(), run)
    expect(result).toMatchObject({ verdict: 'fail', severity: 'low', reason: 'B read it' })
    expect(Object.keys(result)).toEqual(['id', 'suite', 'profile', 'severity', 'refs', 'title', 'fix', 'verdict', 'reason', 'evidence', 'curl', 'steps', 'timing'])
    expect(result.steps?.map((step) => [step.label, step.status])).toEqual([
      ['A reads', 200],
      ['a page fetches', 204],
    ])
    expect(result.evidence?.status).toBe(204)
    expect(result.timing).toEqual({ totalMs: expect.any(Number), targetMs: result.steps![0]!.ms! + 7 })
  })

  test('an explicit decisive step is the evidence; measured only when the outcome says so', async () => {
    const spec = interaction(async (kit) => {
      const first = await kit.request('A reads', { method: 'GET', path: '/api/me', authorization: 'Bearer first' })
      await kit.request('B reads', { method: 'GET', path: '/api/me', authorization: null })
      return { verdict: 'pass', reason: 'fine', measured: true, decisive: first }
    })
    const result = await runCase(spec, context(), run)
    expect(result).toMatchObject({ verdict: 'pass', measured: true })
    expect(result.curl).toContain("'Authorization: Bearer first'")
    expect(result.steps?.[1]?.request.headers).toEqual({})
  })

  test('clean-ups run in reverse order whatever the verdict; an error keeps the steps, with no evidence for a thrown error', async () => {
    const undone: string[] = []
    const spec = interaction(async (kit) => {
      kit.afterwards(async () => void undone.push('first'))
      kit.afterwards(async () => void undone.push('second'))
      await kit.request('A creates', { method: 'POST', path: '/api/me', as: kit.user.a, json: { title: 't' } })
      throw new Error("A's own list is empty")
    })
    const result = await runCase(spec, context(), run)
    expect(undone).toEqual(['second', 'first'])
    expect(result).toMatchObject({ verdict: 'error', reason: "A's own list is empty" })
    expect(result.steps?.[0]?.request).toMatchObject({ method: 'POST', body: '{"title":"t"}', headers: { 'Content-Type': 'application/json' } })
    expect(result).not.toHaveProperty('evidence')
    expect(result.timing?.targetMs).toBe(result.steps![0]!.ms)
  })

  test('an outcome of skip (a route it needs is not configured) is a skip without timing', async () => {
    const result = await runCase(
      interaction(async () => ({ verdict: 'skip', reason: 'set target.routes.resource.update to enable' })),
      context(),
      run,
    )
    expect(result).toMatchObject({ verdict: 'skip', reason: 'set target.routes.resource.update to enable', steps: [] })
    expect(result).not.toHaveProperty('timing')
  })
})

describe('before any kind runs', () => {
  const anyKind: Case[] = [
    probing('claims/any', () => ({ token: 'fine-1' })),
    defineCase({ ...BASE, id: 'hs256/any', kind: 'assess', assess: () => ({ verdict: 'pass', reason: 'fine' }) }),
    defineCase({ ...BASE, id: 'keys/any', kind: 'scenario', scenario: async () => ({ verdict: 'pass', reason: 'fine' }) }),
    defineCase({ ...BASE, id: 'ownership/any', kind: 'interaction', interact: async () => ({ verdict: 'pass', reason: 'fine' }) }),
  ]
  const withSpec = (extra: Partial<Case>) => anyKind.map((spec) => ({ ...spec, ...extra }) as Case)

  test.each([
    [{ profiles: ['RS256'] }, 'does not apply to the EdDSA profile'],
    [{ profiles: ['HS256'], profilesReason: 'HS256 only' }, 'HS256 only'],
    [{ needs: ['identity'] }, "no route says who the caller is: set target.routes.meId (where me's answer has the caller's id, or with no me route the owner field of resource.create's answer) to enable"],
    [{ needs: ['resource'] }, 'set target.routes.resource (create, list and read routes of a per-user resource) to enable'],
    [{ needs: ['frontend'] }, 'target.cors is false: no browser calls this backend'],
    [{ notApplicable: () => 'no separate API audience' }, 'no separate API audience'],
  ] as const)('%o skips every kind, sending nothing, without timing', async (extra, reason) => {
    for (const spec of withSpec(extra as Partial<Case>)) {
      const result = await sendsNothing(() => runCase(spec, context({ lifecycle: true }), run))
      expect(result, spec.id).toEqual({ id: spec.id, suite: spec.suite, profile: 'EdDSA', severity: spec.severity, refs: spec.refs, title: spec.title, fix: 'the catalogue fix', verdict: 'skip', reason })
    }
  })

  test('a need that is met runs the case', async () => {
    const [probe] = withSpec({ needs: ['identity'] })
    expect((await runCase(probe!, context({ identity: { route: { method: 'GET', path: '/api/me' }, idPath: 'user.id', from: 'me' } }), run)).verdict).toBe('fail')
  })

  test('when the baseline failed, every kind but the valid-token case is an error that sends nothing', async () => {
    const failed = { ok: false, reason: 'the valid token got 401' }
    for (const spec of anyKind) {
      const result = await sendsNothing(() => runCase(spec, context({ baseline: failed, lifecycle: true }), run))
      expect(result, spec.id).toMatchObject({ verdict: 'error', reason: 'baseline failed, so a rejection would prove nothing: the valid token got 401' })
      expect(result).not.toHaveProperty('evidence')
    }
  })
})
