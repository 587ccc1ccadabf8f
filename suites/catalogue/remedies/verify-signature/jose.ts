import { createRemoteJWKSet, jwtVerify } from 'jose'

const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

// decodeJwt() only base64-decodes: fine for logging, never for deciding who the caller is
export async function verify(token: string) {
  const { payload } = await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })
  return payload
}
