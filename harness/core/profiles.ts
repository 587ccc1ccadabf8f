/** Signing profiles: the algorithm the reference issuer signs with for one column of the report. */
export const PROFILES = ['EdDSA', 'ES256', 'RS256', 'PS256', 'HS256'] as const
export type Profile = (typeof PROFILES)[number]

/** The JWKS profiles: Better Auth's jwt plugin signs with a key pair and publishes the public key. */
export const ASYMMETRIC_PROFILES = ['EdDSA', 'ES256', 'RS256', 'PS256'] as const satisfies readonly Profile[]
export type AsymmetricProfile = (typeof ASYMMETRIC_PROFILES)[number]

export function isAsymmetric(profile: Profile): profile is AsymmetricProfile {
  return profile !== 'HS256'
}

/**
 * Better Auth's `jwks.keyPairConfig` for each JWKS profile. HS256 is not among them: the
 * plugin cannot sign it, so the issuer's HS256 profile is a hand-rolled endpoint, as teams
 * write it (see environment/hs256-plugin.ts).
 */
export const KEY_PAIR_CONFIG: Record<AsymmetricProfile, { alg: AsymmetricProfile; crv?: string; modulusLength?: number }> = {
  EdDSA: { alg: 'EdDSA', crv: 'Ed25519' },
  ES256: { alg: 'ES256' },
  RS256: { alg: 'RS256', modulusLength: 2048 },
  PS256: { alg: 'PS256', modulusLength: 2048 },
}
