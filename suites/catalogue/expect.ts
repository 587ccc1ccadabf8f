import type { Judge, JudgeContext, Judgement, Exchange } from '../../harness/core/case.ts'
import { isSuccess } from '../support/exchange.ts'
import { readDotted } from '../support/json.ts'

export interface RejectionOptions {
  /** Other statuses that are a correct refusal here (malformed input: 400, 413, 431). */
  alsoFine?: number[]
  /** An answer slower than this is a fail (a hang, a command run from a header). */
  withinMs?: number
  /** Closing the connection counts as refusing (oversized input the server will not read). */
  dropIsRefusal?: boolean
}

/** The answer to a request that must be refused, graded the same way for every case. */
function gradeRejection(exchange: Exchange, acceptedVerdict: 'fail' | 'warn', options: RejectionOptions = {}): Judgement {
  const { status } = exchange
  if (options.withinMs !== undefined && exchange.ms > options.withinMs) {
    return { verdict: 'fail', reason: `answered only after ${exchange.ms} ms (limit ${options.withinMs} ms)`, severityCap: 'medium', slow: true }
  }
  if (status === 401 || options.alsoFine?.includes(status)) return { verdict: 'pass', reason: `rejected with ${status}` }
  if (status === 0) {
    return { verdict: options.dropIsRefusal ? 'pass' : 'warn', reason: `closed the connection without an HTTP answer (${exchange.dropped})` }
  }
  if (isSuccess(status)) return { verdict: acceptedVerdict, reason: `accepted: answered ${status}` }
  if (status >= 500) {
    const trace = /Traceback|at .+\(.+:\d+:\d+\)|Exception/.test(exchange.body) ? ' and leaked a stack trace' : ''
    // It refused all the same: @fastify/jwt and PyJWT 2.6 answer 5xx for some refusals on
    // their defaults, so a crash is a warn; what it leaks is in the reason.
    return { verdict: 'warn', reason: `answered ${status}${trace}: the verifier crashed instead of answering 401 (an unhandled exception); it failed closed`, severityCap: 'low' }
  }
  // RFC 6750 §3.1 says SHOULD: FastAPI's HTTPBearer and others answer 403 by design.
  if (status === 403) return { verdict: 'warn', reason: 'rejected with 403; an invalid or missing token should be 401 (RFC 6750 §3.1)' }
  return { verdict: 'warn', reason: `rejected with ${status}; expected 401 for an invalid token (RFC 6750 §3.1)` }
}

/** 401 expected; 403/other 4xx is a warn; 2xx is a fail; 5xx is a low warn (it refused, by crashing). */
export const rejected =
  (options: RejectionOptions = {}): Judge =>
  (exchange) =>
    gradeRejection(exchange, 'fail', options)

/**
 * Rejecting is right, but accepting is not a fail: the RFCs allow it, or mainstream libraries
 * accept it on their defaults and only the issuer can make the token (`why` says which, and
 * becomes the reason on an accept).
 */
export const rejectedPreferably =
  (why?: string, options: RejectionOptions = {}): Judge =>
  (exchange) => {
    const grade = gradeRejection(exchange, 'warn', options)
    return why && isSuccess(exchange.status) ? { ...grade, reason: `${grade.reason}: ${why}` } : grade
  }

/**
 * A header pointing at the attacker's server must neither be trusted (accept → fail) nor
 * fetched: a fetch is server-side request forgery even when the token is then refused.
 */
export const rejectedWithoutFetching = (): Judge => (exchange) => {
  const grade = gradeRejection(exchange, 'fail')
  const fetched = exchange.attackerFetches ?? []
  if (grade.verdict === 'fail' || fetched.length === 0) return fetched.length ? { ...grade, reason: `${grade.reason}; fetched ${fetched.join(', ')}` } : grade
  return { verdict: 'fail', reason: `${grade.reason}, but first fetched the attacker URL ${fetched[0]} (SSRF)`, severityCap: 'medium' }
}

/** On a really signed token, accepting or refusing are both fine; fetching the URL is the flaw. */
export const neverFetches = (): Judge => (exchange, context) => {
  const fetched = exchange.attackerFetches ?? []
  if (fetched.length) return { verdict: 'fail', reason: `fetched ${fetched.join(', ')}, a URL named by the token header (SSRF)` }
  return answersWithoutCrashing()(exchange, context)
}

/** Either answer is conformant; a crash (a 5xx) or a connection drop is a warn. */
export const answersWithoutCrashing = (): Judge => (exchange) => {
  if (exchange.status === 0) return { verdict: 'warn', reason: `closed the connection without an HTTP answer (${exchange.dropped})` }
  if (exchange.status >= 500) return { verdict: 'warn', reason: `answered ${exchange.status}: an unhandled exception (it failed closed)`, severityCap: 'low' }
  return { verdict: 'pass', reason: `answered ${exchange.status} (accepting or refusing are both conformant)` }
}

/** 2xx expected; with `as`, the identity the target reports must be that user's. */
export const accepted =
  (options: { as?: 'a' | 'b' } = {}): Judge =>
  (exchange, context: JudgeContext) => {
    if (!isSuccess(exchange.status)) return { verdict: 'fail', reason: `a valid token was refused: answered ${exchange.status || exchange.dropped}` }
    if (!options.as || !context.meId) return { verdict: 'pass', reason: `accepted with ${exchange.status}` }
    const expected = context.user[options.as].id
    const reported = readDotted(exchange.body, context.meId)
    if (reported === undefined) return { verdict: 'fail', reason: `accepted, but the answer has no ${context.meId} (target.routes.meId)` }
    if (String(reported) !== expected) return { verdict: 'fail', reason: `accepted as user ${String(reported)}, but the token's sub is ${expected}` }
    return { verdict: 'pass', reason: `accepted as the token's subject (${context.meId} = sub)` }
  }

/**
 * For a claim given twice, RFC 7519 §4 allows refusing or using the lexically last value:
 * accepting as the FIRST value's user is the non-conformant (and exploitable) reading.
 */
export const refusedOrReadAsLast =
  (last: 'a' | 'b'): Judge =>
  (exchange, context) => {
    if (!isSuccess(exchange.status)) return gradeRejection(exchange, 'fail')
    if (!context.meId) return { verdict: 'pass', reason: `accepted with ${exchange.status} (set target.routes.meId to check which value it used)` }
    const reported = String(readDotted(exchange.body, context.meId))
    if (reported === context.user[last].id) return { verdict: 'pass', reason: 'accepted, reading the lexically last value as RFC 7519 §4 allows' }
    return { verdict: 'fail', reason: `accepted as ${reported}, not the lexically last value ${context.user[last].id}` }
  }

/**
 * Accepting is what the RFCs ask (e.g. a case-insensitive scheme); refusing is a warn, whose
 * reason ends with `why` when given (what the refusal breaks).
 */
export const acceptedPreferably =
  (why = 'a request the RFCs allow'): Judge =>
  (exchange, context) => {
    const judgement = accepted()(exchange, context)
    if (judgement.verdict === 'pass') return judgement
    if (exchange.status >= 500) return { verdict: 'warn', reason: `answered ${exchange.status}: an unhandled exception on ${why}`, severityCap: 'low' }
    return { verdict: 'warn', reason: `refused (${exchange.status || exchange.dropped}) ${why}` }
  }

/** A 401 must say how to authenticate: `WWW-Authenticate: Bearer …` (RFC 6750 §3). */
export const challengesBearer =
  (options: { error?: string } = {}): Judge =>
  (exchange) => {
    const challenge = exchange.headers['www-authenticate']
    if (exchange.status !== 401) return { verdict: 'warn', reason: `answered ${exchange.status}, not 401, so no Bearer challenge` }
    if (!challenge) return { verdict: 'warn', reason: '401 without a WWW-Authenticate header' }
    if (!/^\s*Bearer\b/i.test(challenge)) return { verdict: 'warn', reason: `WWW-Authenticate is "${challenge}", not a Bearer challenge` }
    if (options.error && !new RegExp(`error\\s*=\\s*"?${options.error}"?`).test(challenge)) {
      return { verdict: 'warn', reason: `WWW-Authenticate: ${challenge} lacks error="${options.error}" (RFC 6750 §3.1)` }
    }
    return { verdict: 'pass', reason: `401 with WWW-Authenticate: ${challenge}` }
  }
