import { createRemoteJWKSet, jwtVerify } from 'jose'

const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

export const verify = async (token: string) =>
  (await jwtVerify(token, JWKS, {
    algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE,
    requiredClaims: ['exp'], // jose accepts a token without exp unless told
    clockTolerance: 30, // seconds; exp, nbf and iat must be numbers
    maxTokenAge: '15m', // Better Auth's expirationTime; also refuses an iat in the future
  })).payload
