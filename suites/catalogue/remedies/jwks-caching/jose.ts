import { createRemoteJWKSet, jwtVerify } from 'jose'

const JWKS = createRemoteJWKSet(new URL(JWKS_URL), {
  cacheMaxAge: 15_000, // a removed (leaked) key stops working within 15 s
  cooldownDuration: 10_000, // unknown kids refetch at most every 10 s
  timeoutDuration: 3_000, // a hung issuer costs 3 s, then ERR_JWKS_TIMEOUT: answer 401
})

export async function verify(token: string) {
  return (await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })).payload
}
