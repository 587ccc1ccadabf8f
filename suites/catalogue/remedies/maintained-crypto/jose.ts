// package.json: "jose": "^6" verifies with WebCrypto (node:crypto); npm audit keeps it current
import { createRemoteJWKSet, jwtVerify } from 'jose'

const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

export async function verify(token: string) {
  const { payload } = await jwtVerify(token, JWKS, { algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE })
  return payload
}
