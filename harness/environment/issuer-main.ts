/**
 * The issuer container's entry point (docker/issuer/Dockerfile): the reference issuer of
 * issuer.ts, configured by env only, on 127.0.0.1:$PORT (the container shares the host's
 * network). When it serves, one line on stdout, `authconform issuer ready <baseURL>`, which the
 * harness's wait strategy matches. SIGTERM/SIGINT stop it: exit 0.
 * Exit 2: an env var is missing or malformed (one line naming it). Exit 3: it could not start.
 */
import * as z from 'zod'
import { errorMessage } from '../core/errors.ts'
import { PROFILES } from '../core/profiles.ts'
import { authPathProblem } from '../core/protocol/better-auth.ts'
import { startIssuer, type IssuerOptions, type StartedIssuer } from './issuer.ts'
import { buildAuthClientBundle } from './pages.ts'

const EXIT_ENV = 2
const EXIT_START = 3

const present = z.string().trim().min(1, 'must not be empty')
const seconds = z
  .string()
  .regex(/^[1-9]\d*$/, 'must be a whole number of seconds')
  .transform(Number)

/** Better Auth's basePath (`/` allowed: the root) or the jwt plugin's jwksPath. */
const authPath = (root: boolean) =>
  z.string().superRefine((path, ctx) => {
    const problem = authPathProblem(path, { root })
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

const envSchema = z.object({
  AUTHCONFORM_PROFILE: z.enum(PROFILES, { error: `must be one of ${PROFILES.join(', ')}` }).default('EdDSA'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// connection string'),
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be a port number, 0 for a free one')
    .transform(Number)
    .refine((port) => port <= 65535, 'must be a port number, 0 for a free one')
    .default(4545),
  AUTHCONFORM_EXPIRES_IN: z
    .string()
    .regex(/^\d+\s*[smhd]$/, 'must be a duration like 15m')
    .default('15m'),
  AUTHCONFORM_ISSUER: present.optional(),
  AUTHCONFORM_AUDIENCE: present.optional(),
  AUTHCONFORM_BASE_PATH: authPath(true).optional(),
  AUTHCONFORM_JWKS_PATH: authPath(false).optional(),
  // Any non-empty value: the harness may hand a deliberately weak one to test a target.
  BETTER_AUTH_SECRET: present,
  // Required rather than invented: whoever holds it can sign any claims with the real key.
  AUTHCONFORM_CONTROL_KEY: z.string().min(16, 'must be at least 16 characters: it unlocks signing arbitrary tokens'),
  AUTHCONFORM_TRUSTED_ORIGINS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .optional(),
  AUTHCONFORM_BROWSER_PAGES: z
    .enum(['0', '1', 'false', 'true'], { error: 'must be 1 or 0' })
    .transform((flag) => flag === '1' || flag === 'true')
    .default(false),
  AUTHCONFORM_ROTATION_SECONDS: seconds.optional(),
  AUTHCONFORM_COOKIE_PREFIX: z
    .string()
    .regex(/^[\w-]+$/, 'must be letters, digits, _ or -')
    .optional(),
  AUTHCONFORM_GRACE_PERIOD_SECONDS: seconds.optional(),
})

/** Never echoed back in an error line. */
const SECRET_VARS = new Set(['DATABASE_URL', 'BETTER_AUTH_SECRET', 'AUTHCONFORM_CONTROL_KEY'])

type IssuerEnv = z.output<typeof envSchema>

/** The env as the issuer's options, or one line naming the first variable that is wrong. */
function parseIssuerEnv(env: NodeJS.ProcessEnv): { options: IssuerEnv } | { error: string } {
  const names = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[]
  // `VAR=` in a compose file or `docker run -e VAR=` means unset, not empty.
  const raw = Object.fromEntries(names.map((name) => [name, env[name] === '' ? undefined : env[name]]))
  const result = envSchema.safeParse(raw)
  if (result.success) return { options: result.data }
  const issue = result.error.issues[0]!
  const name = String(issue.path[0])
  const value = raw[name]
  if (value === undefined) return { error: `${name} is not set` }
  return { error: `${name} ${issue.message}${SECRET_VARS.has(name) ? '' : ` (got ${JSON.stringify(value)})`}` }
}

function issuerOptions(env: IssuerEnv, clientScript?: string): IssuerOptions {
  return {
    profile: env.AUTHCONFORM_PROFILE,
    databaseUrl: env.DATABASE_URL,
    port: env.PORT,
    expiresIn: env.AUTHCONFORM_EXPIRES_IN,
    issuer: env.AUTHCONFORM_ISSUER,
    audience: env.AUTHCONFORM_AUDIENCE,
    basePath: env.AUTHCONFORM_BASE_PATH,
    jwksPath: env.AUTHCONFORM_JWKS_PATH,
    secret: env.BETTER_AUTH_SECRET,
    controlKey: env.AUTHCONFORM_CONTROL_KEY,
    trustedOrigins: env.AUTHCONFORM_TRUSTED_ORIGINS,
    rotationSeconds: env.AUTHCONFORM_ROTATION_SECONDS,
    gracePeriodSeconds: env.AUTHCONFORM_GRACE_PERIOD_SECONDS,
    cookiePrefix: env.AUTHCONFORM_COOKIE_PREFIX,
    clientScript,
  }
}

const firstLine = (error: unknown) => errorMessage(error).split('\n')[0]

async function main(): Promise<number> {
  const parsed = parseIssuerEnv(process.env)
  if ('error' in parsed) {
    process.stderr.write(`authconform issuer: ${parsed.error}\n`)
    return EXIT_ENV
  }
  // Handlers before anything slow: as PID 1 a container ignores signals it does not handle,
  // and a stop that arrives mid-start must still end cleanly.
  let stopRequested = false
  const stopped = new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        stopRequested = true
        resolve()
      })
    }
  })
  let issuer: StartedIssuer
  try {
    const clientScript = parsed.options.AUTHCONFORM_BROWSER_PAGES ? await buildAuthClientBundle() : undefined
    issuer = await startIssuer(issuerOptions(parsed.options, clientScript))
  } catch (error) {
    process.stderr.write(`authconform issuer: ${firstLine(error)}\n`)
    return EXIT_START
  }
  if (!stopRequested) process.stdout.write(`authconform issuer ready ${issuer.baseURL}\n`)
  await stopped
  await issuer[Symbol.asyncDispose]()
  return 0
}

process.exitCode = await main()
// pg's pool or a keep-alive socket must not hold a stopped issuer open.
process.exit()
