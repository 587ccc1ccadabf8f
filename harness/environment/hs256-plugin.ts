import type { BetterAuthPlugin } from 'better-auth'
import { createAuthEndpoint, sessionMiddleware } from 'better-auth/api'
import { SignJWT } from 'jose'

/**
 * The HS256 profile: Better Auth's jwt plugin cannot sign HS256, so teams hand-roll an
 * endpoint that signs the session's claims with BETTER_AUTH_SECRET. This is that endpoint,
 * written the way a careful team would: same claims as the jwt plugin (user row + sub, iat,
 * exp, iss, aud), `typ: JWT`, no kid.
 */
export const HS256_TOKEN_PATH = '/hs256/token'

export function hs256Tokens(options: { secret: string; issuer: string; audience: string; expiresIn: string }) {
  const key = new TextEncoder().encode(options.secret)
  return {
    id: 'authconform-hs256-tokens',
    endpoints: {
      hs256Token: createAuthEndpoint(HS256_TOKEN_PATH, { method: 'GET', use: [sessionMiddleware], requireHeaders: true }, async (ctx) => {
        const user = ctx.context.session.user
        const token = await new SignJWT({ ...user }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(user.id).setIssuedAt().setExpirationTime(options.expiresIn).setIssuer(options.issuer).setAudience(options.audience).sign(key)
        return ctx.json({ token })
      }),
    },
  } satisfies BetterAuthPlugin
}
