import { ago, fromNow } from '../support/time.ts'
import type { ProbingCase } from '../../harness/core/case.ts'
import { defineCase, type CatalogueCaseSpec } from './define-case.ts'
import { answersWithoutCrashing, rejected, rejectedPreferably } from './expect.ts'

/**
 * Every token here is signed with the issuer's REAL key and differs from user A's real token
 * in one claim: a pass proves the verifier checks that claim, not just the signature.
 */
type ClaimCase = Pick<CatalogueCaseSpec, 'title' | 'severity' | 'refs' | 'fix' | 'remedy'> & {
  name: string
  /** The changed claims; several sets are several requests, the worst answer decides. */
  claims: (audience: string, issuer: string) => Record<string, unknown> | Record<string, unknown>[]
  /** Headers the request carries besides the token (what a browser at another origin sends). */
  headers?: Record<string, string>
  expect?: ProbingCase['expect']
}

const FOREIGN_AUDIENCE = 'https://attacker.example/api'
const ATTACKER_ORIGIN = 'https://attacker.example'
/** What the jwt plugin puts in the payload from the user row, besides the registered claims. */
const USER_FIELDS = ['id', 'name', 'email', 'emailVerified', 'image', 'createdAt', 'updatedAt', 'user']
const FIX_EXP = 'verify exp (required, numeric); keep leeway under 60 s'
const FIX_AUD = 'pass audience= (PyJWT/python-jose) or audience: (jose) and never disable verify_aud'
const FIX_ISS = 'pass issuer= exactly as Better Auth signs it (BETTER_AUTH_URL) and never disable verify_iss'

/**
 * For a claim only the issuer can leave out or mistype (Better Auth always sets exp, sub and
 * aud, as numbers and strings), accepting is a warn when mainstream libraries do it on their
 * defaults, and so is a crash: no attacker can make the token.
 */
const issuerOnly = (why: string) => rejectedPreferably(`${why} (only the issuer can sign such a token)`)

const claimCases: ClaimCase[] = [
  { name: 'exp-past', title: 'rejects a token that expired 1 h ago', severity: 'high', refs: ['RFC7519-4.1.4', 'RFC8725-3.10'], claims: () => ({ exp: ago('1h') }), fix: FIX_EXP, remedy: 'verify-claims-time' },
  { name: 'exp-past-beyond-leeway', title: 'rejects a token expired 75 s ago (beyond a 60 s leeway)', severity: 'medium', refs: ['RFC7519-4.1.4'], claims: () => ({ exp: ago('75s') }), fix: FIX_EXP, remedy: 'verify-claims-time' },
  {
    name: 'exp-missing',
    title: 'rejects a token without exp (it would never expire)',
    severity: 'high',
    refs: ['RFC7519-4.1.4', 'RFC8725-3.10'],
    claims: () => ({ exp: undefined }),
    expect: issuerOnly('jose, PyJWT, python-jose and fast-jwt do not require exp unless told to'),
    fix: "require exp: jose requiredClaims: ['exp'], PyJWT options={'require': ['exp']}",
    remedy: 'verify-claims-time',
  },
  {
    name: 'exp-string',
    title: 'rejects exp given as a string ("9999999999")',
    severity: 'low',
    refs: ['RFC7519-2', 'RFC7519-4.1.4'],
    claims: () => ({ exp: '9999999999' }),
    expect: issuerOnly('PyJWT, python-jose and ruby-jwt coerce it to a number'),
    fix: 'accept only a JSON number as exp (NumericDate); do not coerce strings',
    remedy: 'verify-claims-time',
  },
  { name: 'nbf-future', title: 'rejects a token not valid before 1 h from now', severity: 'medium', refs: ['RFC7519-4.1.5'], claims: () => ({ nbf: fromNow('1h') }), fix: 'verify nbf with at most 60 s leeway', remedy: 'verify-claims-time' },
  {
    name: 'iat-future',
    title: 'rejects a token issued 1 h in the future',
    severity: 'low',
    refs: ['RFC7519-4.1.6', 'RFC8725-3.10'],
    claims: () => ({ iat: fromNow('1h') }),
    expect: issuerOnly('RFC 7519 makes iat informational; jose checks it only with maxTokenAge'),
    fix: 'reject iat beyond the clock skew (jose: maxTokenAge; PyJWT checks iat)',
    remedy: 'verify-claims-time',
  },
  { name: 'aud-wrong', title: 'rejects a token for another audience', severity: 'high', refs: ['RFC7519-4.1.3', 'RFC8725-3.9'], claims: () => ({ aud: FOREIGN_AUDIENCE }), fix: FIX_AUD, remedy: 'verify-aud-iss' },
  {
    name: 'aud-missing',
    title: 'rejects a token without aud',
    severity: 'high',
    refs: ['RFC7519-4.1.3', 'RFC8725-3.9'],
    claims: () => ({ aud: undefined }),
    expect: issuerOnly('python-jose and fast-jwt (@fastify/jwt) skip the audience check when the token has no aud'),
    fix: `${FIX_AUD}; python-jose: options={'require_aud': True}`,
    remedy: 'verify-aud-iss',
  },
  {
    name: 'aud-from-origin',
    title: "rejects a token for another audience sent from that audience's origin (the expected aud is never read from Origin or Referer)",
    severity: 'high',
    refs: ['RFC7519-4.1.3', 'RFC8725-3.9', 'RFC6454-7'],
    claims: () => ({ aud: ATTACKER_ORIGIN }),
    headers: { Origin: ATTACKER_ORIGIN, Referer: `${ATTACKER_ORIGIN}/` },
    fix: `${FIX_AUD}: the expected audience is configuration, never the request's Origin or Referer`,
    remedy: 'verify-aud-iss',
  },
  { name: 'aud-empty-array', title: 'rejects aud: []', severity: 'high', refs: ['RFC7519-4.1.3'], claims: () => ({ aud: [] }), fix: FIX_AUD, remedy: 'verify-aud-iss' },
  {
    name: 'aud-array-without-ours',
    title: 'rejects an aud array that does not contain ours',
    severity: 'high',
    refs: ['RFC7519-4.1.3', 'RFC8725-3.9'],
    claims: () => ({ aud: [FOREIGN_AUDIENCE, 'https://other.example'] }),
    fix: FIX_AUD,
    remedy: 'verify-aud-iss',
  },
  { name: 'iss-wrong', title: 'rejects a token from another issuer', severity: 'high', refs: ['RFC7519-4.1.1', 'RFC8725-3.8'], claims: () => ({ iss: 'https://attacker.example' }), fix: FIX_ISS, remedy: 'verify-aud-iss' },
  {
    name: 'iss-missing',
    title: 'rejects a token without iss',
    severity: 'high',
    refs: ['RFC7519-4.1.1', 'RFC8725-3.8'],
    claims: () => ({ iss: undefined }),
    expect: issuerOnly('fast-jwt (@fastify/jwt) checks allowedIss only when the token has an iss'),
    fix: `${FIX_ISS}; @fastify/jwt: add iss to requiredClaims`,
    remedy: 'verify-aud-iss',
  },
  {
    name: 'iss-array',
    title: 'rejects iss given as an array that contains the issuer',
    severity: 'medium',
    refs: ['RFC7519-4.1.1', 'CVE-2025-30144'],
    claims: (_aud, iss) => ({ iss: ['https://attacker.example', iss] }),
    expect: issuerOnly('fast-jwt before 5.0.6 accepted an iss array holding an allowed issuer; iss is one StringOrURI'),
    fix: 'compare iss as one exact string; refuse any other JSON type',
    remedy: 'verify-aud-iss',
  },
  {
    name: 'iss-substring',
    title: "rejects an iss that is only part of the issuer's (a prefix)",
    severity: 'medium',
    refs: ['RFC7519-4.1.1', 'CVE-2024-53861'],
    claims: (_aud, iss) => ({ iss: iss.slice(0, -1) }),
    expect: issuerOnly('PyJWT 2.10.0 accepted an iss contained in the expected issuer'),
    fix: 'compare iss for equality, never with `in`, includes() or startsWith()',
    remedy: 'verify-aud-iss',
  },
  {
    name: 'iss-trailing-slash',
    title: 'rejects iss with a trailing slash added (exact match)',
    severity: 'medium',
    refs: ['RFC7519-4.1.1', 'RFC3986-6.2.1'],
    claims: (_aud, iss) => ({ iss: `${iss}/` }),
    fix: 'compare iss as an exact string; do not normalise URLs',
    remedy: 'verify-aud-iss',
  },
  {
    name: 'sub-missing',
    title: 'rejects a token without sub',
    severity: 'medium',
    refs: ['RFC7519-4.1.2', 'RFC9068-2.2'],
    claims: () => ({ sub: undefined }),
    expect: issuerOnly('jose, PyJWT, python-jose and most middlewares do not require sub unless told to'),
    fix: "require sub: jose requiredClaims: ['sub'], PyJWT options={'require': ['sub']}",
    remedy: 'verify-aud-iss',
  },
  {
    name: 'sub-not-a-string',
    title: 'refuses (or at least survives) a sub that is a number, an object or empty',
    severity: 'medium',
    refs: ['RFC7519-4.1.2', 'RFC7519-2'],
    claims: () => [{ sub: 12345 }, { sub: { id: 'a' } }, { sub: '' }],
    expect: issuerOnly('jose and PyJWT before 2.10 do not check the type of sub; sub is a non-empty StringOrURI'),
    fix: 'refuse a sub that is not a non-empty string before using it as the user id',
    remedy: 'verify-aud-iss',
  },
  {
    name: 'user-fields-missing',
    title: 'a valid token without the user fields Better Auth adds (email, name, …) gets an answer, not a 5xx',
    severity: 'low',
    refs: ['RFC7519-4.3', 'RFC9110-15.6.1'],
    claims: () => Object.fromEntries(USER_FIELDS.map((field) => [field, undefined])),
    expect: answersWithoutCrashing(),
    fix: 'read the caller from sub; treat email, name and the other user fields as optional (claims.get, not claims[...])',
    remedy: 'verify-aud-iss',
  },
]

export const claimsCases = claimCases.map(({ name, claims, headers, expect, ...rest }) =>
  defineCase({
    id: `claims/${name}`,
    ...rest,
    kind: 'probe',
    probe: ({ mint, user, issuer }) => [claims(issuer.audience, issuer.issuer)].flat().map((changed) => ({ token: mint(user.a, changed), ...(headers && { headers }) })),
    expect: expect ?? rejected(),
  }),
)
