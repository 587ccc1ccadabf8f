import { jwtVerify, type JWTVerifyGetKey } from 'jose'

// jose itself refuses unknown crit, b64: false, non-JSON headers and non-object payloads
export async function claimsOr401(token: string, keys: JWTVerifyGetKey) {
  if (token.length > 8192) return null
  try {
    return (await jwtVerify(token, keys, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })).payload
  } catch {
    return null // every verification error is a 401 for the caller, never a 500
  }
}
