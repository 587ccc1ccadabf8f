import type { Route } from './config/routes.ts'
import type { Profile } from './profiles.ts'
import type { SecretAssessment } from './secret-strength.ts'

/**
 * What the environment hands the suites (via vitest `provide`/`inject`). Plain data only:
 * it crosses into vitest workers with structuredClone.
 */
export interface Principal {
  label: 'a' | 'b'
  id: string
  email: string
  /** A real JWT from the issuer's `GET /api/auth/token`. */
  token: string
  header: Record<string, unknown>
  claims: Record<string, unknown>
  /** The `better-auth.session_data` cookie-cache JWT, a token that must never work as a Bearer. */
  sessionData?: string
}

export interface ProfileContext {
  profile: Profile
  issuer: {
    baseURL: string
    jwksURL: string
    issuer: string
    audience: string
    controlURL: string
    /** Per-run key for conformance control; secret, never put into evidence. */
    controlKey: string
    /** What is known about BETTER_AUTH_SECRET, without the secret itself. */
    secret: SecretAssessment
  }
  target: {
    baseURL: string
    me: Route
    meId?: string
  }
  users: { a: Principal; b: Principal }
  /** Whether the valid token was accepted: if not, every other case is an error, not a verdict. */
  baseline: { ok: boolean; reason?: string }
  /**
   * A second issuer and target instance of this profile for the keys suite, whose rotations,
   * removals and JWKS faults must not disturb the cases running concurrently on the first.
   */
  lifecycle?: ProfileContext
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
}

declare module 'vitest' {
  export interface ProvidedContext {
    authconform: RunContext
  }
}
