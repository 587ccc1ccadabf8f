import { createRemoteJWKSet, jwtVerify } from 'jose'

const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

export const verify = async (token: string) =>
  (await jwtVerify(token, JWKS, {
    algorithms: ['EdDSA'],
    issuer: ISSUER, // jose checks iss and aud only when you pass them; iss is compared exactly
    audience: AUDIENCE,
    requiredClaims: ['exp', 'sub'],
  })).payload
