import { ASYMMETRIC_PROFILES } from '../../harness/core/profiles.ts'
import { signWithHmacKey } from '../support/tokens.ts'
import { defineCase } from './define-case.ts'
import { rejected } from './expect.ts'

/** The shared-secret setup teams hand-roll next to Better Auth, and the JWKS backends that fall back to it. */
const HS_HEADER = { alg: 'HS256', typ: 'JWT' }

/**
 * The claims a forged token carries: the issuer's, then the same without aud. An HS256 path that
 * passes PyJWT or python-jose no audience refuses every token with an aud and accepts one
 * without: the issuer's claims alone would let that fallback pass. (Its iss is the issuer's, so
 * a path that checks iss but not aud takes the second token too.)
 */
function forgedClaims(claims: Record<string, unknown>): Record<string, unknown>[] {
  const { aud: _aud, ...withoutAudience } = claims
  return [claims, withoutAudience]
}

export const hs256Cases = [
  defineCase({
    id: 'hs256/secret-strength',
    title: 'the shared secret is at least 32 random bytes and not a published example',
    severity: 'high',
    refs: ['RFC7518-3.2', 'RFC8725-3.5'],
    profiles: ['HS256'],
    profilesReason: 'JWKS profiles share no secret with the backend',
    kind: 'assess',
    assess: ({ issuer }) =>
      issuer.secret.problems.length
        ? { verdict: 'fail', reason: `BETTER_AUTH_SECRET is weak: ${issuer.secret.problems.join('; ')}` }
        : { verdict: 'pass', reason: `BETTER_AUTH_SECRET has ${issuer.secret.bytes} bytes, ${issuer.secret.bitsPerChar} bits per character, not published` },
    fix: 'generate the secret with `openssl rand -base64 32` and keep it out of the repository',
    remedy: 'hmac-secret',
  }),
  defineCase({
    id: 'hs256/published-secret',
    title: 'rejects tokens signed with the example secrets published in guides',
    severity: 'critical',
    refs: ['RFC8725-3.5', 'RFC7518-3.2'],
    kind: 'probe',
    probe: ({ user, publishedSecrets }) => publishedSecrets.flatMap((secret) => forgedClaims(user.a.claims).map((claims) => ({ token: signWithHmacKey('HS256', secret, HS_HEADER, claims) }))),
    expect: rejected(),
    // A PyJWKClient verifier fetches the JWKS again for each of these kid-less tokens.
    budgetMs: 480_000,
    fix: 'never ship a default secret: fail at startup when BETTER_AUTH_SECRET is unset or a known example',
    remedy: 'hmac-secret',
  }),
  defineCase({
    id: 'hs256/blank-secret',
    title: 'rejects a token HMAC-signed with an empty key',
    severity: 'critical',
    refs: ['RFC7518-3.2', 'RFC8725-3.5'],
    kind: 'probe',
    probe: ({ user }) => forgedClaims(user.a.claims).map((claims) => ({ token: signWithHmacKey('HS256', '', HS_HEADER, claims) })),
    expect: rejected(),
    fix: 'refuse to start with an empty secret (os.getenv("…", "") is a blank key)',
    remedy: 'hmac-secret',
  }),
  defineCase({
    id: 'hs256/secret-fallback',
    title: 'a JWKS backend rejects an HS256 token signed with BETTER_AUTH_SECRET (no fallback path)',
    severity: 'high',
    refs: ['RFC8725-3.1', 'RFC8725-2.1'],
    profiles: ASYMMETRIC_PROFILES,
    profilesReason: 'in the HS256 profile this is the valid token',
    kind: 'probe',
    probe: ({ signAsIssuer, user }) => forgedClaims(user.a.claims).map((claims) => ({ token: signAsIssuer(HS_HEADER, claims, 'HS256') })),
    expect: rejected(),
    fix: 'remove the shared-secret fallback: a JWKS verifier pins the asymmetric algorithm',
    remedy: 'pin-algorithms',
  }),
]
