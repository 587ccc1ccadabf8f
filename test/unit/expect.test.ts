import { describe, expect, test } from 'vitest'
import type { JudgeContext } from '../../harness/core/case.ts'
import { accepted, challengesBearer, rejected, rejectedPreferably } from '../../suites/catalogue/expect.ts'
import { exchange, principal } from './support.ts'

const context: JudgeContext = { user: { a: principal('a', 'user-a-id'), b: principal('b', 'user-b-id') }, meId: 'user.id' }
const answered = (status: number, body = '', headers: Record<string, string> = {}) => exchange({ status, body, headers })

describe('rejected()', () => {
  test.each([
    [401, 'pass'],
    [403, 'warn'],
    [400, 'warn'],
    [404, 'warn'],
    [200, 'fail'],
    [204, 'fail'],
  ])('answer %i is a %s', (status, verdict) => {
    const judgement = rejected()(answered(status), context)
    expect(judgement.verdict).toBe(verdict)
    expect(judgement.severityCap).toBeUndefined()
  })

  test('a 5xx is a warn capped at low (a crash that still refused, not an accept)', () => {
    expect(rejected()(answered(500), context)).toMatchObject({ verdict: 'warn', severityCap: 'low' })
    expect(rejected()(answered(503), context)).toMatchObject({ verdict: 'warn', severityCap: 'low' })
  })

  test('the reason names the status', () => {
    expect(rejected()(answered(200), context).reason).toBe('accepted: answered 200')
  })
})

describe('rejectedPreferably()', () => {
  test('accepting is only a warn', () => {
    expect(rejectedPreferably()(answered(200), context).verdict).toBe('warn')
  })

  test('401 still passes and a 5xx is a warn', () => {
    expect(rejectedPreferably()(answered(401), context).verdict).toBe('pass')
    expect(rejectedPreferably()(answered(500), context).verdict).toBe('warn')
  })
})

describe("accepted({ as: 'b' }) with meId 'user.id'", () => {
  const judge = accepted({ as: 'b' })

  test("reporting B's id passes", () => {
    expect(judge(answered(200, JSON.stringify({ user: { id: 'user-b-id' } })), context).verdict).toBe('pass')
  })

  test("reporting A's id fails and names both ids", () => {
    const judgement = judge(answered(200, JSON.stringify({ user: { id: 'user-a-id' } })), context)
    expect(judgement.verdict).toBe('fail')
    expect(judgement.reason).toContain('user-a-id')
    expect(judgement.reason).toContain('user-b-id')
  })

  test.each([JSON.stringify({ user: {} }), JSON.stringify({ id: 'user-b-id' }), 'not json'])('an answer without user.id (%s) fails', (body) => {
    const judgement = judge(answered(200, body), context)
    expect(judgement.verdict).toBe('fail')
    expect(judgement.reason).toContain('no user.id')
  })

  test('a 401 fails: a valid token was refused', () => {
    expect(judge(answered(401), context)).toMatchObject({ verdict: 'fail', reason: 'a valid token was refused: answered 401' })
  })

  test('without meId configured, any 2xx passes', () => {
    expect(judge(answered(200, '{}'), { ...context, meId: undefined }).verdict).toBe('pass')
  })
})

describe('challengesBearer()', () => {
  test('401 with a Bearer challenge passes', () => {
    const answer = answered(401, '', { 'www-authenticate': 'Bearer error="invalid_token"' })
    expect(challengesBearer()(answer, context).verdict).toBe('pass')
  })

  test('401 without WWW-Authenticate is a warn', () => {
    expect(challengesBearer()(answered(401), context)).toMatchObject({ verdict: 'warn', reason: '401 without a WWW-Authenticate header' })
  })

  test('401 with a non-Bearer challenge is a warn', () => {
    expect(challengesBearer()(answered(401, '', { 'www-authenticate': 'Basic realm="api"' }), context).verdict).toBe('warn')
  })

  test('403 is a warn', () => {
    expect(challengesBearer()(answered(403, '', { 'www-authenticate': 'Bearer' }), context).verdict).toBe('warn')
  })
})
