import { describe, expect, test } from 'vitest'
import type { JudgeContext } from '../../harness/core/case.ts'
import { acceptedPreferably, rejectedPreferably, answersWithoutCrashing, neverFetches, refusedOrReadAsLast, rejected, rejectedWithoutFetching } from '../../suites/catalogue/expect.ts'
import { exchange, principal } from './support.ts'
import { findCase } from '../../harness/core/catalogue.ts'
import { CATALOGUE } from '../../suites/catalogue/index.ts'
import { judgeSlowJwks } from '../../suites/catalogue/keys.ts'
import type { ProbingCase } from '../../harness/core/case.ts'

/** The judges the attack suites added: options of rejected(), fetch evidence, tolerant answers. */
const context: JudgeContext = { user: { a: principal('a', 'user-a-id'), b: principal('b', 'user-b-id') }, meId: 'user.id' }

describe('rejected() options', () => {
  test('alsoFine makes 400/413/431 a pass for malformed input', () => {
    const judge = rejected({ alsoFine: [400, 413, 431] })
    for (const status of [400, 413, 431]) expect(judge(exchange({ status }), context).verdict).toBe('pass')
    expect(judge(exchange({ status: 404 }), context).verdict).toBe('warn')
  })

  test('withinMs fails a slow answer even when it is a 401', () => {
    const judge = rejected({ withinMs: 2000 })
    expect(judge(exchange({ status: 401, ms: 1999 }), context).verdict).toBe('pass')
    expect(judge(exchange({ status: 401, ms: 5003 }), context)).toMatchObject({ verdict: 'fail', reason: 'answered only after 5003 ms (limit 2000 ms)' })
  })

  test('403 for an invalid token is a warn (RFC 6750 §3.1 says SHOULD 401)', () => {
    expect(rejected()(exchange({ status: 403 }), context).verdict).toBe('warn')
  })

  test('a 5xx refused all the same: a low warn that says it failed closed', () => {
    expect(rejected()(exchange({ status: 500 }), context)).toMatchObject({ verdict: 'warn', severityCap: 'low', reason: expect.stringContaining('failed closed') })
  })

  test('rejectedPreferably(why): an accept is a warn that says why', () => {
    expect(rejectedPreferably('libraries do it')(exchange({ status: 200 }), context)).toMatchObject({ verdict: 'warn', reason: 'accepted: answered 200: libraries do it' })
    expect(rejectedPreferably('libraries do it')(exchange({ status: 401 }), context)).toMatchObject({ verdict: 'pass', reason: 'rejected with 401' })
    expect(rejected()(exchange({ status: 403 }), context).verdict).toBe('warn')
  })

  test('a dropped connection is a warn, a 500 with a Python traceback says so', () => {
    expect(rejected()(exchange({ status: 0, dropped: 'ECONNRESET' }), context)).toMatchObject({ verdict: 'warn', reason: 'closed the connection without an HTTP answer (ECONNRESET)' })
    expect(rejected()(exchange({ status: 500, body: 'Traceback (most recent call last):' }), context).reason).toContain('leaked a stack trace')
  })
})

describe('fetch evidence', () => {
  const fetched = ['/d/n1/abc.json']

  test('rejectedWithoutFetching: a refusal after fetching the attacker URL is an SSRF fail', () => {
    expect(rejectedWithoutFetching()(exchange({ status: 401, attackerFetches: [] }), context).verdict).toBe('pass')
    expect(rejectedWithoutFetching()(exchange({ status: 401, attackerFetches: fetched }), context)).toMatchObject({ verdict: 'fail', severityCap: 'medium' })
    const accepted = rejectedWithoutFetching()(exchange({ status: 200, attackerFetches: fetched }), context)
    expect(accepted.verdict).toBe('fail')
    expect(accepted.severityCap).toBeUndefined()
    expect(accepted.reason).toContain('/d/n1/abc.json')
  })

  test('neverFetches: accepting a really signed token is fine, fetching is not', () => {
    expect(neverFetches()(exchange({ status: 200, attackerFetches: [] }), context).verdict).toBe('pass')
    expect(neverFetches()(exchange({ status: 401, attackerFetches: [] }), context).verdict).toBe('pass')
    expect(neverFetches()(exchange({ status: 401, attackerFetches: fetched }), context).verdict).toBe('fail')
    expect(neverFetches()(exchange({ status: 500, attackerFetches: [] }), context).verdict).toBe('warn')
  })
})

describe('tolerant judges', () => {
  test('answersWithoutCrashing: any 2xx/4xx passes, a 5xx is a warn', () => {
    expect(answersWithoutCrashing()(exchange({ status: 200 }), context).verdict).toBe('pass')
    expect(answersWithoutCrashing()(exchange({ status: 401 }), context).verdict).toBe('pass')
    expect(answersWithoutCrashing()(exchange({ status: 502 }), context).verdict).toBe('warn')
  })

  test('acceptedPreferably: a refusal is a warn, a crash too', () => {
    expect(acceptedPreferably()(exchange({ status: 200 }), context).verdict).toBe('pass')
    expect(acceptedPreferably()(exchange({ status: 401 }), context).verdict).toBe('warn')
    expect(acceptedPreferably()(exchange({ status: 500 }), context).verdict).toBe('warn')
  })

  test('refusedOrReadAsLast: accepting as the first duplicate value is the fail', () => {
    const judge = refusedOrReadAsLast('b')
    expect(judge(exchange({ status: 401 }), context).verdict).toBe('pass')
    expect(judge(exchange({ status: 200, body: '{"user":{"id":"user-b-id"}}' }), context).verdict).toBe('pass')
    expect(judge(exchange({ status: 200, body: '{"user":{"id":"user-a-id"}}' }), context).verdict).toBe('fail')
  })
})

describe('bearer/header-and-query (A in the header, B in ?access_token=)', () => {
  const judge = (findCase(CATALOGUE, 'bearer/header-and-query') as ProbingCase).expect
  const as = (id: string) => exchange({ status: 200, body: JSON.stringify({ user: { id } }) })

  test('a server that never reads the query answers as A: conformant', () => {
    expect(judge(as('user-a-id'), context)).toMatchObject({ verdict: 'pass', reason: expect.stringContaining('query ignored') })
  })

  test("acting as B (the query's token won) is the finding", () => {
    expect(judge(as('user-b-id'), context)).toMatchObject({ verdict: 'fail', reason: expect.stringContaining('won over the Authorization header') })
  })

  test('refusing both methods (400 invalid_request, or 401) passes; without meId an accept cannot be told apart', () => {
    expect(judge(exchange({ status: 400 }), context).verdict).toBe('pass')
    expect(judge(exchange({ status: 401 }), context).verdict).toBe('pass')
    expect(judge(as('user-b-id'), { ...context, meId: undefined })).toMatchObject({ verdict: 'pass', reason: expect.stringContaining('set target.routes.meId') })
  })
})

describe('keys/jwks-slow (the JWKS answers after 15 s)', () => {
  test('a prompt refusal passes; a late one or a hang is a warn that says which; accepting fails', () => {
    expect(judgeSlowJwks(exchange({ status: 401, ms: 5003 }), context).verdict).toBe('pass')
    expect(judgeSlowJwks(exchange({ status: 401, ms: 8100 }), context)).toMatchObject({ verdict: 'warn', reason: expect.stringContaining('timeout is above 8 s') })
    expect(judgeSlowJwks(exchange({ status: 401, ms: 15_150 }), context)).toMatchObject({ verdict: 'warn', reason: expect.stringContaining('held for a whole slow JWKS fetch, so its fetch seems to have no timeout') })
    expect(judgeSlowJwks(exchange({ status: 401, ms: 30_200 }), context)).toMatchObject({ verdict: 'warn', reason: expect.stringContaining('held for 2 whole slow JWKS fetches') })
    expect(judgeSlowJwks(exchange({ status: 200, ms: 300 }), context).verdict).toBe('fail')
    expect(judgeSlowJwks(exchange({ status: 0, ms: 50_004, dropped: 'no answer' }), context)).toMatchObject({ verdict: 'warn', reason: expect.stringContaining('the request hangs') })
  })
})

describe('time is judged only where a malformed token is made to cost the parser', () => {
  const judgeOf = (id: string) => (findCase(CATALOGUE, id) as ProbingCase).expect
  const slow401 = exchange({ status: 401, ms: 5003 })

  test.each(['malformed/one-megabyte', 'malformed/hundred-thousand-dots', 'malformed/jwe-zip-bomb', 'malformed/deeply-nested-claims', 'malformed/many-claims'])('%s: a refusal after 5 s fails', (id) => {
    expect(judgeOf(id)(slow401, context)).toMatchObject({ verdict: 'fail', reason: 'answered only after 5003 ms (limit 2000 ms)' })
  })

  test.each(['malformed/two-segments', 'malformed/base64-padding', 'malformed/base64-standard-alphabet'])("%s: a refusal after 5 s passes (a loaded machine's slow answer is no finding)", (id) => {
    expect(judgeOf(id)(slow401, context).verdict).toBe('pass')
  })
})

describe('bearer/refusal-details', () => {
  const judge = (findCase(CATALOGUE, 'bearer/refusal-details') as ProbingCase).expect
  test.each([
    ['a Python traceback', 'Traceback (most recent call last):\n  File "/app/main.py", line 12, in verify', 'warn', 'a stack trace'],
    ['a Node stack', 'Error: bad\n    at verify (/srv/api/auth.js:41:11)\n    at Layer.handle', 'warn', 'a stack trace'],
    ['a source path', '{"detail":"/home/app/venv/lib/python3.11/site-packages/jwt/api_jws.py failed"}', 'warn', 'a source file path'],
    ['the library error', '{"detail":"Signature verification failed"}', 'pass', "naming the JWT library's error (Signature verification failed)"],
    ['a fixed error', '{"error":"invalid_token"}', 'pass', 'without implementation details'],
  ])('%s', (_what, body, verdict, says) => {
    const judged = judge(exchange({ status: 401, body }), context)
    expect(judged.verdict).toBe(verdict)
    expect(judged.reason).toContain(says)
  })
})
