import { randomBytes } from 'node:crypto'
import { exportJWK } from 'jose'
import { isAsymmetric } from '../../harness/core/profiles.ts'
import { signWithJwk, signingInput } from '../../harness/core/jws.ts'
import { ownedKeyPair } from '../support/key-pairs.ts'
import { signWithHmacKey, withChanges } from '../support/tokens.ts'
import type { ProbeKit } from '../../harness/core/case.ts'
import { defineCase } from './define-case.ts'
import { rejected, rejectedPreferably } from './expect.ts'

/** Mistakes particular to a Better Auth deployment next to a separate API. */
async function fromOtherDeployment(kit: ProbeKit): Promise<string> {
  const kid = randomBytes(24).toString('base64url').slice(0, 32)
  if (!isAsymmetric(kit.profile)) return signWithHmacKey('HS256', randomBytes(32).toString('hex'), kit.user.a.header, kit.user.a.claims)
  // A key of the same keyPairConfig as the issuer's (what the other deployment's Better Auth
  // generates), made without loading better-auth into every test worker.
  const { privateKey } = await ownedKeyPair('other-deployment', kit.profile)
  const privateWebKey = await exportJWK(privateKey)
  const input = signingInput(withChanges(kit.user.a.header, { kid }), kit.user.a.claims)
  return `${input}.${await signWithJwk(kit.profile, privateWebKey as JsonWebKey, input)}`
}

export const betterAuthCases = [
  defineCase({
    id: 'better-auth/session-data-as-bearer',
    title: "rejects Better Auth's session_data cookie-cache JWT sent as a Bearer token",
    severity: 'high',
    refs: ['RFC8725-3.11', 'RFC8725-2.8', 'RFC9068-4'],
    notApplicable: ({ user }) => (user.a.sessionData ? undefined : 'the issuer set no session_data cookie'),
    kind: 'probe',
    probe: ({ user }) => ({ token: user.a.sessionData! }),
    // The cookie is the user's own (no one else's identity), signed by Better Auth: accepting it
    // lets a signed-out session's cache work as a bearer until its exp. fast-jwt accepts it on
    // its defaults (it has no iss or aud to check): a warn.
    expect: rejectedPreferably('a token of another type (RFC 8725 §3.11): it has no iss, aud or sub, and the verifier checks them only when present'),
    fix: 'accept only the jwt plugin tokens: pin the algorithm and key (JWKS), and require iss, aud and sub',
    remedy: 'better-auth-tokens',
  }),
  defineCase({
    id: 'better-auth/issuer-url-audience',
    title: "rejects a token whose aud is the issuer's own base URL when the API has its own audience",
    severity: 'medium',
    refs: ['RFC7519-4.1.3', 'RFC8725-3.9', 'RFC9068-4'],
    notApplicable: ({ issuer }) => (issuer.audience === issuer.baseURL ? "target.audience is the issuer URL (Better Auth's default): there is no separate API audience to confuse" : undefined),
    kind: 'probe',
    probe: ({ mint, user, issuer }) => ({ token: mint(user.a, { aud: issuer.baseURL }) }),
    expect: rejected(),
    fix: "require this API's own audience; a token minted for the issuer (its default aud) is for another service",
    remedy: 'better-auth-tokens',
  }),
  defineCase({
    id: 'better-auth/other-deployment',
    title: "rejects a token from another Better Auth deployment (same claims, that deployment's key)",
    severity: 'critical',
    refs: ['RFC8725-3.8', 'RFC7515-5.2'],
    kind: 'probe',
    probe: (kit) => ({ token: fromOtherDeployment(kit) }),
    expect: rejected(),
    fix: "verify against this issuer's JWKS (or secret) only; staging and production must not share keys",
    remedy: 'trusted-keys-only',
  }),
]
