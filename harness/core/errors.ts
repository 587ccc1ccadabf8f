/**
 * Errors the user can act on. Each has a stable code (like panva/jose's `ERR_*`), a one-line
 * message that names the problem and the fix, and the process exit code it maps to.
 * Anything that is not an AuthconformError is a harness bug and is printed with its stack.
 */
export const EXIT = {
  ok: 0,
  failures: 1,
  usage: 2,
  environment: 3,
  /** A bug in authconform, not a finding: CI can tell "the tool broke" from "the backend failed". */
  internal: 4,
  sigint: 130,
  sigterm: 143,
} as const

const EXIT_BY_CODE = {
  ERR_CONFIG_INVALID: EXIT.usage,
  ERR_CONFIG_NOT_FOUND: EXIT.usage,
  ERR_USAGE: EXIT.usage,
  ERR_UNKNOWN_CASE: EXIT.usage,
  ERR_NO_CONTAINER_RUNTIME: EXIT.environment,
  ERR_POSTGRES_START: EXIT.environment,
  ERR_DATABASE_URL: EXIT.environment,
  ERR_ISSUER_START: EXIT.environment,
  ERR_TARGET_UNREACHABLE: EXIT.environment,
  ERR_TARGET_START: EXIT.environment,
  ERR_TARGET_NOT_READY: EXIT.environment,
  ERR_PRINCIPALS: EXIT.environment,
  ERR_IMAGE_BUILD: EXIT.environment,
  ERR_DEPENDENCY_MISSING: EXIT.environment,
} as const

export type ErrorCode = keyof typeof EXIT_BY_CODE

export class AuthconformError extends Error {
  readonly code: ErrorCode
  /** Extra lines shown under the one-line message (e.g. a target's last output lines). */
  readonly details: string[]

  constructor(code: ErrorCode, message: string, options: { details?: string[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'AuthconformError'
    this.code = code
    this.details = options.details ?? []
  }

  get exitCode(): number {
    return EXIT_BY_CODE[this.code]
  }

  /** Survives structuredClone / worker boundaries, where the class is lost. */
  toJSON() {
    return { name: this.name, code: this.code, message: this.message, details: this.details }
  }

  static revive(value: unknown): AuthconformError | undefined {
    if (value instanceof AuthconformError) return value
    const v = value as { code?: string; message?: string; details?: string[] } | undefined
    if (v && typeof v.code === 'string' && v.code in EXIT_BY_CODE && typeof v.message === 'string') {
      return new AuthconformError(v.code as ErrorCode, v.message, { details: v.details })
    }
    return undefined
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
