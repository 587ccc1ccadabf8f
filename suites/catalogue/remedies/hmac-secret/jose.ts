import { jwtVerify } from 'jose'

const secret = new TextEncoder().encode(process.env.JWT_SECRET ?? '')
if (secret.length < 32) throw new Error('JWT_SECRET must be at least 32 random bytes (openssl rand -base64 32)')

export async function verify(token: string) {
  const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE })
  return payload
}
