import type { JwksLane, KeySetShape } from './protocol/control.ts'
import type { Route } from './routes.ts'
import type { Profile } from './profiles.ts'
import type { SecretAssessment } from './secret-strength.ts'
import type { CaseResult } from './verdict.ts'
// The augmentations below need vitest's declarations loaded into whatever program reads this file.
import type {} from 'vitest'

/**
 * What the environment hands the suites (via vitest `provide`/`inject`). Plain data only:
 * it crosses into vitest workers with structuredClone.
 */
export interface Principal {
  label: 'a' | 'b' | 'c'
  id: string
  email: string
  /** A real JWT from the issuer's `GET <basePath>/token` (default `/api/auth/token`). */
  token: string
  /** For the browser sign-in flow; never put into evidence. */
  password: string
  /** The Better Auth session cookie header, to mint fresh tokens (`authconform issuer`); never put into evidence. */
  sessionCookie?: string
  header: Record<string, unknown>
  claims: Record<string, unknown>
  /** The `better-auth.session_data` cookie-cache JWT, a token that must never work as a Bearer. */
  sessionData?: string
  /** The session cookie's value, `<token>.<signature>` (URL-decoded): the raw token is the part before the dot. */
  sessionToken?: string
}

export interface ProfileContext {
  profile: Profile
  issuer: {
    baseURL: string
    /** Better Auth's base URL: baseURL + `issuer.basePath` (default /api/auth), what its client is given. */
    authURL: string
    /** authURL + `issuer.jwksPath` (default /jwks). */
    jwksURL: string
    issuer: string
    audience: string
    controlURL: string
    /** Where a signed-in user gets this profile's JWT. */
    tokenURL: string
    /** Pages the issuer serves for the browser suites (a blank page, the sign-in flow). */
    pagesURL: string
    /** Per-run key for conformance control; secret, never put into evidence. */
    controlKey: string
    /** What is known about BETTER_AUTH_SECRET, without the secret itself. */
    secret: SecretAssessment
  }
  target: {
    baseURL: string
    /**
     * The route probes call: routes.me, or resource.list when the target has no me route. Routes
     * may hold `{sub}` (the caller's id) and, for an item, one `{name}`: requests use pathFor.
     */
    probeRoute: Route
    /** The config key that names probeRoute, for messages: `target.routes.me` or `target.routes.resource.list`. */
    probeRouteKey: string
    /** How the harness learns whom the target took the caller for; undefined when nothing says. */
    identity?: Identity
    resource?: ResourceRoutes
    /**
     * `target.headers`: sent with every request a case makes unless the case sets that header
     * itself (withTargetHeaders). Secret: evidence withholds the values, the curl replay has them.
     */
    headers: Record<string, string>
    /** `target.database`: the target reads Better Auth's database (DATABASE_URL, read-only). */
    database: boolean
    /** `target.sessionTokens`: the target accepts Better Auth's opaque session token as a Bearer. */
    sessionTokens: boolean
    /**
     * Origins the target should let read its answers; default the issuer's (the Next.js app).
     * `browserCalls` false: no browser calls this backend (`target.cors: false`).
     */
    cors: { allowedOrigins: string[]; configured: boolean; browserCalls: boolean }
  }
  users: { a: Principal; b: Principal }
  /** Whether the valid token was accepted: if not, every other case is an error, not a verdict. */
  baseline: { ok: boolean; reason?: string }
  /**
   * A second issuer and target instance of this profile for the keys suite, whose rotations,
   * removals and JWKS faults must not disturb the cases running concurrently on the first.
   */
  lifecycle?: ProfileContext
  /**
   * More instances of the target, each given the JWKS URL of one key-set shape, for the key-set
   * cases. They trust this profile's issuer and take its users' tokens.
   */
  keySets?: Partial<Record<KeySetShape, JwksViewInstance>>
  /**
   * On the lifecycle stack: more instances of the target, one per lane of the keys suite, each
   * given the lifecycle issuer's JWKS URL of its lane, so scenarios can wait for refetches side by side.
   */
  lanes?: Partial<Record<JwksLane, JwksViewInstance>>
}

/** A target instance reading its own view of the JWKS: a key-set shape or a lane (core/protocol/control.ts). */
export interface JwksViewInstance {
  /** Where it listens; undefined when it did not start (`failure` says why). */
  baseURL?: string
  /** The view's JWKS URL it was given as JWKS_URL. */
  jwksURL: string
  /** Whether it took a valid token. */
  baseline: { ok: boolean; reason?: string }
  /** Whether it fetched the shaped URL at all (a target that builds its own JWKS URL never does). */
  fetched: boolean
  failure?: string
}

/**
 * Where the target says who the caller is: the field `idPath` of `route`'s answer — the me
 * route's, or (with no me route) resource.create's, whose answer names the new item's owner.
 */
export interface Identity {
  route: Route
  idPath: string
  /** The create route's body; an item made this way is deleted after the request. */
  body?: Record<string, unknown>
  from: 'me' | 'create'
}

/** `target.routes.resource` with its routes parsed. */
export interface ResourceRoutes {
  create: Route
  body: Record<string, unknown>
  /** Dotted path to the new item's id in the create answer. */
  id: string
  list: Route
  /** Dotted path to the array in the list answer; the body itself when absent. */
  items?: string
  read?: Route
  update?: Route
  updateBody?: Record<string, unknown>
  remove?: Route
}

/**
 * One Chromium for the run, shared by the browser suites over its WebSocket endpoint, or why
 * it could not start (those cases then error with that line).
 */
export interface BrowserContext {
  /** The BroadcastChannel on which the main thread loads pages in Chromium for the suites. */
  channel?: string
  error?: string
  /** An origin no target allows, served by authconform's page server. */
  disallowedOrigin: string
  /** Origin → URL of a blank page at that origin (configured origins come from the page server). */
  pages: Record<string, { url?: string; error?: string }>
  /** Which browser ran: AUTHCONFORM_CHROMIUM, the first Chromium or Chrome on PATH, or /usr/bin/chromium. */
  chromium?: { executable?: string; version?: string }
}

export interface KeySettings {
  windowSeconds: number
  stormTokens: number
  stormSeconds: number
  stormBudget: number
}

export interface RunContext {
  profiles: ProfileContext[]
  /** The attacker's loopback server (jku/x5u targets) and the key to read its fetch log. */
  attacker: { baseURL: string; logKey: string }
  selection: { suites: string[]; only: string[]; skip: string[] }
  requestTimeoutMs: number
  keys: KeySettings
  /** The published example secrets (fixtures/wordlists): forged HS256 tokens are signed with each. */
  publishedSecrets: string[]
  /** Present when a selected case needs a browser. */
  browser?: BrowserContext
}

/** What the engine hands the suites (provide/inject), and each case's verdict on its way back (task.meta). */
declare module 'vitest' {
  export interface ProvidedContext {
    authconform: RunContext
  }
  export interface TaskMeta {
    authconform?: CaseResult
  }
}
