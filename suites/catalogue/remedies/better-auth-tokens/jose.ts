import { createRemoteJWKSet, jwtVerify } from 'jose'

const JWKS = createRemoteJWKSet(new URL('/api/auth/jwks', BETTER_AUTH_URL))

export const verify = async (token: string) =>
  (await jwtVerify(token, JWKS, {
    algorithms: ['EdDSA'], // Better Auth's default keyPairConfig
    issuer: BETTER_AUTH_URL, // iss is the base URL unless jwt.issuer is set
    audience: API_AUDIENCE, // not the issuer's own URL, Better Auth's default aud
    requiredClaims: ['exp', 'sub'],
  })).payload
