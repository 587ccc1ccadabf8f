import { isSuccess } from '../support/exchange.ts'
import { readDotted } from '../support/json.ts'
import { flipSignatureBit } from '../support/tokens.ts'
import type { Judge } from '../../harness/core/case.ts'
import { defineCase } from './define-case.ts'
import { acceptedPreferably, answersWithoutCrashing, challengesBearer, rejected, rejectedPreferably } from './expect.ts'

/** How the token travels (RFC 6750): the scheme, the spaces, the query string, the error code. */
const GARBAGE = 'not-a-jwt'

/**
 * RFC 6750 §2's "one method only" binds the client; §3.1's invalid_request binds a server that
 * supports several. A server that never reads the query is conformant: it answers as A. The
 * finding is a query token that wins over the header (the answer is B's).
 */
const headerTokenWins = (): Judge => (exchange, context) => {
  if (!isSuccess(exchange.status)) return rejected({ alsoFine: [400] })(exchange, context)
  if (!context.meId) return { verdict: 'pass', reason: `answered ${exchange.status} (set target.routes.meId to check that it used the header's token)` }
  const reported = String(readDotted(exchange.body, context.meId))
  if (reported === context.user.b.id) return { verdict: 'fail', reason: "acted as B: the query's access_token won over the Authorization header" }
  if (reported === context.user.a.id) return { verdict: 'pass', reason: "answered as A: the header's token was used and the query ignored" }
  return { verdict: 'fail', reason: `answered ${exchange.status} as ${reported}, neither the header's user nor the query's` }
}

/** What a refusal's body gives away, worst first: how the server is built, then which library. */
const LEAKS: [RegExp, string][] = [
  [/Traceback \(most recent call last\)|File "[^"]+", line \d+|^\s+at .+[(\s]\/?[\w./-]+:\d+:\d+\)?$/m, 'a stack trace'],
  [/(?:\/[\w.-]+){2,}\.(?:py|js|mjs|cjs|ts|go|rb)\b/, 'a source file path'],
]
const LIBRARY_ERRORS =
  /InvalidSignatureError|InvalidTokenError|DecodeError|PyJWKClientError|JWTError|JWSSignatureVerificationFailed|JWSInvalid|JWTClaimValidationFailed|JsonWebTokenError|SignatureVerificationError|Signature verification failed|signature is invalid/i

/** A refusal's body: a stack trace or a source path warns; the library's exception name is worth knowing. */
const refusesWithoutDetails = (): Judge => (exchange) => {
  const leak = LEAKS.find(([pattern]) => pattern.test(exchange.body))
  if (leak) return { verdict: 'warn', reason: `answered ${exchange.status} with ${leak[1]} in the body: it tells an attacker the stack and where to aim` }
  const library = LIBRARY_ERRORS.exec(exchange.body)?.[0]
  if (library) return { verdict: 'pass', reason: `answered ${exchange.status}, naming the JWT library's error (${library}): harmless, though it tells which library to target` }
  return { verdict: 'pass', reason: `answered ${exchange.status} without implementation details` }
}

export const bearerCases = [
  defineCase({
    id: 'bearer/lowercase-scheme',
    title: 'accepts the scheme written "bearer" (auth schemes are case-insensitive)',
    severity: 'low',
    refs: ['RFC6750-2.1', 'RFC9110-11.1'],
    kind: 'probe',
    probe: ({ user }) => ({ authorization: `bearer ${user.a.token}` }),
    expect: acceptedPreferably(),
    fix: 'match the scheme case-insensitively (FastAPI HTTPBearer does; a hand-written split(" ") often does not)',
    remedy: 'bearer-parsing',
  }),
  defineCase({
    id: 'bearer/double-space',
    title: 'answers "Bearer  <token>" (two spaces) without crashing',
    severity: 'low',
    refs: ['RFC6750-2.1'],
    kind: 'probe',
    probe: ({ user }) => ({ authorization: `Bearer  ${user.a.token}` }),
    expect: answersWithoutCrashing(),
    fix: 'parse the header with a strict pattern (^Bearer +(\\S+)$) and answer 401 for anything else',
    remedy: 'bearer-parsing',
  }),
  defineCase({
    id: 'bearer/query-access-token',
    title: 'does not take the token from ?access_token= (it leaks into logs and Referer)',
    severity: 'low',
    refs: ['RFC6750-2.3', 'RFC6750-5.3'],
    kind: 'probe',
    probe: ({ user }) => ({ authorization: null, query: { access_token: user.a.token } }),
    expect: rejectedPreferably(),
    fix: 'read the token only from the Authorization header',
    remedy: 'bearer-parsing',
  }),
  defineCase({
    id: 'bearer/header-and-query',
    title: "with A's token in the header and B's in ?access_token=, never acts as B",
    severity: 'low',
    refs: ['RFC6750-2', 'RFC6750-3.1'],
    kind: 'probe',
    probe: ({ user }) => ({ token: user.a.token, query: { access_token: user.b.token } }),
    expect: headerTokenWins(),
    readsIdentity: true,
    fix: 'read the token only from the Authorization header (or, if the query is supported, answer 400 invalid_request when both carry one)',
    remedy: 'bearer-parsing',
  }),
  defineCase({
    id: 'bearer/refusal-details',
    title: 'a refusal does not show a stack trace or source paths',
    severity: 'low',
    refs: ['CWE-209', 'RFC6750-3.1'],
    kind: 'probe',
    probe: ({ user }) => [{ token: 'not.a.jwt' }, { token: flipSignatureBit(user.a.token) }, { token: user.a.token.replace(/\.[^.]*$/, '.') }],
    expect: refusesWithoutDetails(),
    fix: 'answer 401 with a fixed error (error="invalid_token"); log the exception, never return it (FastAPI: debug=False)',
    remedy: 'bearer-parsing',
  }),
  defineCase({
    id: 'bearer/invalid-token-is-401',
    title: 'an invalid token is 401, not 403 (403 means a valid token without permission)',
    severity: 'low',
    refs: ['RFC6750-3.1'],
    kind: 'probe',
    probe: () => ({ authorization: `Bearer ${GARBAGE}` }),
    expect: rejected(),
    fix: 'answer 401 for missing/invalid tokens and keep 403 for authenticated callers lacking rights (FastAPI: HTTPBearer(auto_error=False))',
    remedy: 'bearer-parsing',
  }),
  defineCase({
    id: 'bearer/invalid-token-error-code',
    title: 'a 401 for an invalid token says error="invalid_token"',
    severity: 'info',
    refs: ['RFC6750-3', 'RFC6750-3.1'],
    kind: 'probe',
    probe: () => ({ authorization: `Bearer ${GARBAGE}` }),
    expect: challengesBearer({ error: 'invalid_token' }),
    fix: 'send WWW-Authenticate: Bearer error="invalid_token" with the 401',
    remedy: 'bearer-parsing',
  }),
]
