import { createRemoteJWKSet, jwtVerify } from 'jose'

// kid is matched against the fetched set only; an unknown kid refetches at most once per
// cooldownDuration, then fails with ERR_JWKS_NO_MATCHING_KEY: answer 401
const JWKS = createRemoteJWKSet(new URL(JWKS_URL), { cooldownDuration: 10_000 })

export async function verify(token: string) {
  const { payload } = await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })
  return payload
}
