import { createRemoteJWKSet, jwtVerify } from 'jose'

const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

// jose refuses a public key for HS* and algorithms pins the family anyway;
// never pass the public key's PEM or JSON to jwtVerify as a Uint8Array "secret"
export async function verify(token: string) {
  const { payload } = await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })
  return payload
}
