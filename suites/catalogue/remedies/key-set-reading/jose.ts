import { createRemoteJWKSet, jwtVerify } from 'jose'

// Skips keys of another kty or alg, and use other than "sig"; a key without alg stays
// limited to what `algorithms` allows.
const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

export async function verify(token: string) {
  const { payload } = await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })
  return payload
}
