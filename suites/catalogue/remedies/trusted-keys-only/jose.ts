import { createRemoteJWKSet, jwtVerify } from 'jose'

const JWKS = createRemoteJWKSet(new URL(JWKS_URL)) // from config, never from the token

// jose uses a header jwk only through EmbeddedJWK and never fetches jku/x5u: keep it that way
export async function verify(token: string) {
  const { payload } = await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })
  return payload
}
