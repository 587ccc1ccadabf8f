import { ago, fromNow } from '../support/time.ts'
import type { ProbingCase } from '../../harness/core/case.ts'
import { defineCase, type CatalogueCaseSpec } from './define-case.ts'
import { rejected, rejectedPreferably } from './expect.ts'

/**
 * Every token here is signed with the issuer's REAL key and differs from user A's real token
 * in one claim: a pass proves the verifier checks that claim, not just the signature.
 */
type ClaimCase = Pick<CatalogueCaseSpec, 'title' | 'severity' | 'refs' | 'fix' | 'remedy'> & {
  name: string
  claims: (audience: string, issuer: string) => Record<string, unknown>
  expect?: ProbingCase['expect']
}

const FOREIGN_AUDIENCE = 'https://attacker.example/api'
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
]

export const claimsCases = claimCases.map(({ name, claims, expect, ...rest }) =>
  defineCase({
    id: `claims/${name}`,
    ...rest,
    kind: 'probe',
    probe: ({ mint, user, issuer }) => ({ token: mint(user.a, claims(issuer.audience, issuer.issuer)) }),
    expect: expect ?? rejected(),
  }),
)
