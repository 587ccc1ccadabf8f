import { createRemoteJWKSet, jwtVerify } from 'jose'

const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

export async function verify(token: string) {
  // jwtVerify never accepts "none"; algorithms refuses every alg you did not list
  const { payload } = await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })
  return payload
}
