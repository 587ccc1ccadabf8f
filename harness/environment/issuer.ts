import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import pg from 'pg'
import { createDebug } from '../debug.ts'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import { sleep } from '../core/time.ts'
import { isAsymmetric, KEY_PAIR_CONFIG, type Profile } from '../core/profiles.ts'
import type { ProfileContext } from '../core/context.ts'
import { CONTROL_PATH } from '../core/protocol/control.ts'
import { conformanceControl } from './control-plugin.ts'
import { HS256_TOKEN_PATH, hs256Tokens } from './hs256-plugin.ts'
import { PAGES_PATH } from '../core/protocol/page-channel.ts'
import { authURL, DEFAULT_BASE_PATH, DEFAULT_JWKS_PATH } from '../core/protocol/better-auth.ts'
import { pageHandler } from './pages.ts'
import { listen, stopServer } from './ports.ts'
import { redirectTrailingSlash } from './trailing-slash.ts'

const debug = createDebug('issuer')

export interface IssuerOptions {
  profile: Profile
  /** Connection string of an empty database reserved for this issuer. */
  databaseUrl: string
  /** 0 = a free port. */
  port: number
  expiresIn: string
  /** `iss` to sign; default Better Auth's: the base URL. */
  issuer?: string
  /** `aud` to sign; default Better Auth's: the base URL. */
  audience?: string
  /** Better Auth's `basePath` (default /api/auth); `/` is the root. */
  basePath?: string
  /** The jwt plugin's `jwks.jwksPath` under the base path (default /jwks). */
  jwksPath?: string
  /** Extra origins a browser frontend may POST from (Better Auth's trustedOrigins). */
  trustedOrigins?: string[]
  /** BETTER_AUTH_SECRET; default a fresh random one. */
  secret?: string
  /** The conformance-control key; default a fresh random one (a container is handed the harness's). */
  controlKey?: string
  /** Better Auth's lazy key rotation: a new key on the first sign after this many seconds. */
  rotationSeconds?: number
  /** How long a rotated-out key stays published (Better Auth's default: 30 days). */
  gracePeriodSeconds?: number
  /**
   * Better Auth's cookie name prefix (default `better-auth`). A run gives each issuer its own:
   * cookies on 127.0.0.1 are not kept apart by port, and one Chromium context signs in to all.
   */
  cookiePrefix?: string
  /** The Better Auth client bundle: when given, the issuer serves the browser sign-in page. */
  clientScript?: string | Promise<string>
}

/**
 * Coordinates of a running reference issuer; values here may be shown to the target. What the
 * suites are handed of it (ProfileContext['issuer']), with the secret itself in place of its assessment.
 */
export interface IssuerCoordinates extends Omit<ProfileContext['issuer'], 'secret'> {
  profile: Profile
  /** Better Auth's BETTER_AUTH_SECRET; reserved for the HS256 profile, never reported. */
  secret: string
}

export interface StartedIssuer extends IssuerCoordinates, AsyncDisposable {}

/**
 * Better Auth's own scheme (scrypt, `salt:key` in hex) at a test cost: N = 2^10 instead of its
 * 2^14, about 1 ms instead of 100 ms of CPU. Each run signs users up and in dozens of times
 * (A and B per issuer, the browser flows, throwaway users), and their passwords are random, per
 * run, in a database that is dropped afterwards. Tokens and sessions are untouched by this.
 */
const TEST_USER_PASSWORDS = (() => {
  const cost = { N: 1024, r: 16, p: 1 }
  const derive = (password: string, salt: string) => new Promise<Buffer>((resolve, reject) => scrypt(password.normalize('NFKC'), salt, 64, cost, (error, key) => (error ? reject(error) : resolve(key))))
  return {
    hash: async (password: string) => {
      const salt = randomBytes(16).toString('hex')
      return `${salt}:${(await derive(password, salt)).toString('hex')}`
    },
    verify: async ({ hash, password }: { hash: string; password: string }) => {
      const [salt, key] = hash.split(':')
      if (!salt || !key) return false
      const derived = await derive(password, salt)
      const stored = Buffer.from(key, 'hex')
      return stored.length === derived.length && timingSafeEqual(stored, derived)
    },
  }
})()

/**
 * Starts real Better Auth (jwt + emailAndPassword plugins) on real PostgreSQL, served with
 * `toNodeHandler` on 127.0.0.1 the way a Next.js app serves `/api/auth/*` (or its basePath).
 */
/** Better Auth's modules, imported on first use so commands that never start an issuer stay fast. */
const issuerModules = () => Promise.all([import('better-auth'), import('better-auth/plugins/jwt'), import('better-auth/node'), import('better-auth/db/migration')])

/** Loads Better Auth while something else (Postgres) starts. */
export async function preloadIssuerModules(): Promise<void> {
  await issuerModules()
}

export async function startIssuer(options: IssuerOptions): Promise<StartedIssuer> {
  const [{ betterAuth }, { jwt }, { toNodeHandler }, { getMigrations }] = await issuerModules()

  // Listen first: the base URL (and so iss/aud) must carry the real port.
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end()
  // The frontend's pages live next to /api/auth, as in the Next.js app the issuer stands for.
  const pages = pageHandler(options.clientScript)
  // Requests in Better Auth's hands when the issuer stops finish first: ending the database
  // pool under them makes Better Auth print its errors (with stacks) to stderr.
  const inFlight = new Set<Promise<unknown>>()
  const server = http.createServer((req, res) => {
    if (redirectTrailingSlash(req, res) || pages(req, res)) return
    const handling: Promise<unknown> = Promise.resolve(handler(req, res) as unknown)
      .catch(() => {})
      .finally(() => inFlight.delete(handling))
    inFlight.add(handling)
  })
  let port: number
  try {
    port = await listen(server, options.port)
  } catch (error) {
    throw new AuthconformError('ERR_ISSUER_START', `issuer cannot listen on 127.0.0.1:${options.port}: ${errorMessage(error)} (pick another --issuer-port, or 0 for a free one)`, { cause: error })
  }
  const baseURL = `http://127.0.0.1:${port}`
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 })
  // An idle client whose server went away emits 'error'; unhandled, that would kill the run.
  pool.on('error', (error) => debug(`idle database client: ${errorMessage(error)}`))
  const stopping = new AbortController()
  const close = async () => {
    stopping.abort()
    await stopServer(server)
    await Promise.race([Promise.allSettled([...inFlight]), sleep(2000, { unref: true })])
    await pool.end().catch(() => {})
  }

  const secret = options.secret ?? randomBytes(32).toString('hex')
  const controlKey = options.controlKey ?? randomBytes(24).toString('base64url')
  const issuer = options.issuer ?? baseURL
  const audience = options.audience ?? baseURL
  const profile = options.profile
  const basePath = options.basePath ?? DEFAULT_BASE_PATH
  const jwksPath = options.jwksPath ?? DEFAULT_JWKS_PATH
  const coordinates = issuerCoordinates({ profile, baseURL, basePath, jwksPath, issuer, audience, secret, controlKey })
  const jwtOptions = isAsymmetric(profile)
    ? {
        jwks: {
          keyPairConfig: KEY_PAIR_CONFIG[profile],
          jwksPath,
          ...(options.rotationSeconds && { rotationInterval: options.rotationSeconds }),
          ...(options.gracePeriodSeconds && { gracePeriod: options.gracePeriodSeconds }),
        },
        jwt: { issuer, audience, expirationTime: options.expiresIn },
      }
    : undefined
  const tokenPlugin = jwtOptions ? jwt(jwtOptions as never) : hs256Tokens({ secret, issuer, audience, expiresIn: options.expiresIn })
  const authOptions = {
    baseURL,
    basePath,
    secret,
    database: pool,
    trustedOrigins: [baseURL, ...(options.trustedOrigins ?? [])],
    emailAndPassword: { enabled: true, autoSignIn: true, password: TEST_USER_PASSWORDS },
    // The signed session_data cookie (HS256 with the secret) exists so attacks can replay it.
    session: { cookieCache: { enabled: true, strategy: 'jwt', maxAge: 300 } },
    telemetry: { enabled: false },
    ...(options.cookiePrefix && { advanced: { cookiePrefix: options.cookiePrefix } }),
    logger: { disabled: !debug.enabled },
    plugins: [tokenPlugin, conformanceControl({ controlKey, jwt: jwtOptions as never, secret, jwksPathname: new URL(coordinates.jwksURL).pathname, stopping: stopping.signal })],
  }
  try {
    const auth = betterAuth(authOptions as never)
    const { runMigrations } = await getMigrations(authOptions as never)
    await runMigrations()
    // Create the signing key now: left lazy, two concurrent first sign-ups each mint one.
    if (jwtOptions) await (auth.api as unknown as { getJwks(): Promise<unknown> }).getJwks()
    handler = toNodeHandler(auth)
  } catch (error) {
    await close()
    throw new AuthconformError('ERR_ISSUER_START', `reference issuer (${options.profile}) failed to start: ${errorMessage(error)}`, { cause: error })
  }
  debug(`${options.profile} issuer at ${coordinates.authURL}`)

  return { ...coordinates, [Symbol.asyncDispose]: close }
}

/**
 * Where everything of an issuer at `baseURL` lives (in-process or in a container): Better Auth's
 * routes, the control endpoints among them, under `basePath`; the JWKS at `jwksPath` under that.
 */
export function issuerCoordinates({ basePath, jwksPath, ...i }: { profile: Profile; baseURL: string; basePath: string; jwksPath: string; issuer: string; audience: string; secret: string; controlKey: string }): IssuerCoordinates {
  const auth = authURL(i.baseURL, basePath)
  return {
    ...i,
    authURL: auth,
    jwksURL: `${auth}${jwksPath}`,
    controlURL: `${auth}${CONTROL_PATH}`,
    pagesURL: `${i.baseURL}${PAGES_PATH}`,
    tokenURL: `${auth}${isAsymmetric(i.profile) ? '/token' : HS256_TOKEN_PATH}`,
  }
}
