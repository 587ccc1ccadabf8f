import { randomBytes } from 'node:crypto'
import { encodeSegment } from '../../harness/core/jws.ts'
import { flipSignatureBit, segments, signAsAttacker, signatureOf, unsigned, withChanges } from '../support/tokens.ts'
import { defineCase } from './define-case.ts'
import { rejected } from './expect.ts'

const FIX_NONE = 'pin the accepted algorithms in the verifier (never read alg from the token) and never allow "none"'

/** alg "none" in the spellings that slipped past case-sensitive blocklists (CVE-2015-9235 family). */
const NONE_SPELLINGS = [
  ['lower', 'none'],
  ['capitalized', 'None'],
  ['upper', 'NONE'],
  ['mixed', 'nOnE'],
] as const

export const algNoneCases = NONE_SPELLINGS.flatMap(([name, alg]) => [
  defineCase({
    id: `signature/alg-none-${name}`,
    title: `rejects alg "${alg}" with an empty signature`,
    severity: 'critical',
    refs: ['RFC8725-3.1', 'RFC7518-3.6', 'RFC7515-4.1.1'],
    kind: 'probe',
    probe: ({ user }) => ({ token: unsigned(withChanges(user.a.header, { alg }), user.a.claims) }),
    expect: rejected(),
    fix: FIX_NONE,
    remedy: 'pin-algorithms',
  }),
  defineCase({
    id: `signature/alg-none-${name}-with-signature`,
    title: `rejects alg "${alg}" carrying the original signature`,
    severity: 'critical',
    refs: ['RFC8725-3.1', 'RFC7518-3.6'],
    kind: 'probe',
    probe: ({ user }) => ({ token: unsigned(withChanges(user.a.header, { alg }), user.a.claims, signatureOf(user.a.token)) }),
    expect: rejected(),
    fix: FIX_NONE,
    remedy: 'pin-algorithms',
  }),
])

export const signatureCases = [
  ...algNoneCases,
  defineCase({
    id: 'signature/stripped',
    title: 'rejects the real token with its signature removed (h.p.)',
    severity: 'critical',
    refs: ['RFC7515-5.2', 'RFC8725-3.1'],
    kind: 'probe',
    probe: ({ user }) => ({ token: user.a.token.slice(0, user.a.token.lastIndexOf('.') + 1) }),
    expect: rejected(),
    fix: 'verify the signature (jwt.decode/jwt.get_unverified_claims do not); require a non-empty signature',
    remedy: 'verify-signature',
  }),
  defineCase({
    id: 'signature/bit-flipped',
    title: 'rejects the real token with one signature bit flipped',
    severity: 'critical',
    refs: ['RFC7515-5.2'],
    kind: 'probe',
    probe: ({ user }) => ({ token: flipSignatureBit(user.a.token) }),
    expect: rejected(),
    fix: 'verify the signature with the issuer key on every request',
    remedy: 'verify-signature',
  }),
  defineCase({
    id: 'signature/payload-tampered',
    title: "rejects A's signature over a payload changed to user B",
    severity: 'critical',
    refs: ['RFC7515-5.2', 'RFC8725-2.1'],
    kind: 'probe',
    probe: ({ user }) => {
      const claims = withChanges(user.a.claims, { sub: user.b.id, id: user.b.id, email: user.b.email })
      const [realHeader] = segments(user.a.token)
      return { token: `${realHeader}.${encodeSegment(claims)}.${signatureOf(user.a.token)}` }
    },
    expect: rejected(),
    fix: 'verify the signature over the exact header.payload bytes received',
    remedy: 'verify-signature',
  }),
  defineCase({
    id: 'signature/attacker-key-issuer-kid',
    title: "rejects a token signed by an attacker's key that claims the issuer's kid",
    severity: 'critical',
    refs: ['RFC7515-4.1.4', 'RFC8725-3.1'],
    kind: 'probe',
    probe: ({ user, profile }) => ({ token: signAsAttacker(profile, user.a.header, user.a.claims) }),
    expect: rejected(),
    fix: 'take keys only from the configured JWKS URL; the kid selects among them, it never brings a key',
    remedy: 'trusted-keys-only',
  }),
  defineCase({
    id: 'signature/unknown-kid',
    title: 'rejects a token whose kid is not in the JWKS',
    severity: 'high',
    refs: ['RFC7515-4.1.4', 'RFC7517-4.5'],
    kind: 'probe',
    probe: ({ user, profile }) => ({
      token: signAsAttacker(profile, withChanges(user.a.header, { kid: randomBytes(16).toString('base64url') }), user.a.claims),
    }),
    expect: rejected(),
    fix: 'reject tokens whose kid is not in the issuer JWKS (after at most one rate-limited refetch)',
    remedy: 'kid-lookup',
  }),
]
