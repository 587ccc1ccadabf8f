import { randomBytes } from 'node:crypto'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { Principal } from '../context.ts'
import { AuthconformError, errorMessage } from '../errors.ts'
import type { Profile } from '../profiles.ts'

/**
 * Better Auth's HTTP API as a browser uses it (email sign-up, then `GET <basePath>/token` for
 * the JWT): how the run's users A and B are made, and the throwaway users some cases delete.
 */
type IssuerAddress = { profile: Profile; baseURL: string; authURL: string; tokenURL: string }

/** The tables Better Auth's migrations create (with the jwt plugin): quoted names, camelCase columns. */
export const BETTER_AUTH_TABLES = ['user', 'session', 'account', 'verification', 'jwks'] as const
/** What a database-backed target reads by default: who the user is, and their sessions. */
export const READABLE_TABLES = ['user', 'session'] as const

/** Better Auth's `basePath` default, and the jwt plugin's `jwks.jwksPath` default (under it). */
export const DEFAULT_BASE_PATH = '/api/auth'
export const DEFAULT_JWKS_PATH = '/jwks'

/**
 * Where Better Auth answers on `origin`: `basePath` appended, `/` meaning the root (Better Auth's
 * withPath). What `createAuthClient({ baseURL })` takes; every endpoint path follows it.
 */
export const authURL = (origin: string, basePath: string) => origin + (basePath === '/' ? '' : basePath)

/**
 * Why `path` cannot be a basePath (`root`: `/` allowed) or a jwksPath, or undefined. Better Auth
 * itself only asks for a leading `/` and no `..`; a trailing `/` is refused too, since the issuer
 * redirects `…/` to the path without it, as Next.js does.
 */
export function authPathProblem(path: string, { root }: { root: boolean }): string | undefined {
  if (root && path === '/') return undefined
  if (!path.startsWith('/')) return `must start with /`
  if (path.endsWith('/')) return root ? 'must not end with / (the root is "/")' : 'must not end with /'
  if (path.includes('..') || !/^(\/[\w.~-]+)+$/.test(path)) return `must be /-separated segments of letters, digits, ".", "_", "~" or "-", without ".."`
  return undefined
}

/** One more real user (a throwaway one, for cases that delete their user). */
export async function signUp(issuer: IssuerAddress, label: Principal['label'], runId: string): Promise<Principal> {
  const email = `user-${label}-${runId}@authconform.test`
  const password = randomBytes(18).toString('base64url')
  try {
    const signUpResponse = await fetch(`${issuer.authURL}/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: issuer.baseURL },
      body: JSON.stringify({ email, password, name: `authconform user ${label.toUpperCase()}` }),
    })
    if (!signUpResponse.ok) throw new Error(`sign-up answered ${signUpResponse.status}: ${(await signUpResponse.text()).slice(0, 200)}`)
    const cookies = signUpResponse.headers.getSetCookie().map((c) => c.split(';')[0]!)
    const cookie = cookies.join('; ')
    const tokenResponse = await fetch(issuer.tokenURL, { headers: { cookie } })
    if (!tokenResponse.ok) throw new Error(`GET ${new URL(issuer.tokenURL).pathname} answered ${tokenResponse.status}`)
    const { token } = (await tokenResponse.json()) as { token: string }
    const claims = decodeJwt(token) as Record<string, unknown>
    const session = { sessionCookie: cookie, sessionData: sessionDataOf(cookies), sessionToken: sessionTokenOf(cookies) }
    return { label, id: String(claims.sub), email, password, token, header: decodeProtectedHeader(token) as Record<string, unknown>, claims, ...session }
  } catch (error) {
    throw new AuthconformError('ERR_PRINCIPALS', `could not sign up user ${label.toUpperCase()} at the ${issuer.profile} issuer: ${errorMessage(error)}`, { cause: error })
  }
}

/** The session cookie's value (`<prefix>.session_token`): `<token>.<signature>`, URL-decoded. */
function sessionTokenOf(cookies: string[]): string | undefined {
  const cookie = cookies.find((c) => /^[\w-]+\.session_token=/.test(c))
  return cookie && decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1))
}

/** Signs the user out as a browser does (`POST <basePath>/sign-out` with the cookie): Better Auth deletes the session. */
export async function signOut(issuer: IssuerAddress, user: Principal): Promise<void> {
  const response = await fetch(`${issuer.authURL}/sign-out`, { method: 'POST', headers: { 'content-type': 'application/json', origin: issuer.baseURL, cookie: user.sessionCookie ?? '' }, body: '{}' })
  if (!response.ok) throw new Error(`sign-out answered ${response.status}: ${(await response.text()).slice(0, 200)}`)
  await response.body?.cancel()
}

/** Better Auth's signed session cache (cookie `<prefix>.session_data`, HS256 with the secret). */
function sessionDataOf(cookies: string[]): string | undefined {
  const parts = cookies.filter((c) => /^[\w-]+\.session_data(\.\d+)?=/.test(c)).map((c) => c.slice(c.indexOf('=') + 1))
  return parts.length ? decodeURIComponent(parts.join('')) : undefined
}
