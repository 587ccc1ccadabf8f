import * as z from 'zod'
import { PROFILES } from '../core/profiles.ts'
import { SEVERITIES } from '../core/severity.ts'
import { parseRoute, ROUTE_SYNTAX } from '../core/routes.ts'
import { RUNTIMES } from '../core/runtimes.ts'

const route = z.string().refine((text) => parseRoute(text) !== undefined, { message: `must be ${ROUTE_SYNTAX}` })
const dottedPath = z.string().regex(/^[\w$-]+(\.[\w$-]+)*$/, 'must be a dotted path like "user.id"')
const origin = z.url().refine((u) => new URL(u).origin === u.replace(/\/$/, ''), 'must be an origin (scheme://host[:port])')

const resourceRoutes = z.strictObject({
  create: route,
  body: z.record(z.string(), z.unknown()).default({}),
  id: dottedPath.default('id'),
  list: route,
  items: dottedPath.optional(),
  read: route,
  update: route.optional(),
  updateBody: z.record(z.string(), z.unknown()).optional(),
  remove: route.optional(),
})

export const targetSchema = z
  .strictObject({
    url: z.url().optional(),
    command: z.string().min(1).optional(),
    /** A container image the harness starts (docker runtime), on the host's network, listening on $PORT. */
    image: z.string().min(1).optional(),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).default({}),
    ready: z.string().startsWith('/').default('/'),
    readyTimeoutMs: z.number().int().positive().default(20_000),
    profiles: z.array(z.enum(PROFILES)).min(1).default(['EdDSA']),
    audience: z.string().min(1).optional(),
    issuer: z.string().min(1).optional(),
    routes: z.strictObject({
      me: route,
      meId: dottedPath.optional(),
      resource: resourceRoutes.optional(),
    }),
    /**
     * The frontend origins that call this backend from a browser, or `false` (also
     * `{ enabled: false }`) for a backend no browser calls (server to server, or behind a
     * Next.js route handler): the cors and flow suites then skip with that reason.
     */
    cors: z.union([z.literal(false), z.strictObject({ enabled: z.boolean().default(true), allowedOrigins: z.array(origin).min(1).optional() })]).optional(),
  })
  .refine((t) => !(t.cors && t.cors.enabled === false && t.cors.allowedOrigins), {
    message: 'target.cors.enabled is false (no browser calls this backend) but target.cors.allowedOrigins lists browser origins: remove one of the two keys',
    path: ['cors', 'enabled'],
  })
  .refine((t) => [t.url, t.command, t.image].filter(Boolean).length === 1, {
    message: 'give exactly one of target.url (a running backend), target.command (a backend to start) or target.image (a container to start)',
    path: ['url'],
  })

type TargetCors = z.output<typeof targetSchema>['cors']

/** Whether a browser frontend calls the target (the cors and flow suites run), per `target.cors`. */
export const browserCallsTarget = (cors: TargetCors) => cors !== false && cors?.enabled !== false

/** The frontend origins the config lists (none: the issuer's own origin is assumed). */
export const configuredOrigins = (cors: TargetCors): string[] => (cors ? (cors.allowedOrigins ?? []) : [])

/** A known, documented gap a team ships with: the case still runs and reports, but does not gate. */
export const expectedFailureSchema = z.strictObject({
  id: z.string().min(1),
  /** Only in this profile; default every profile. */
  profile: z.enum(PROFILES).optional(),
  reason: z.string().trim().min(1, 'a reason is required: say why this gap is accepted and until when'),
})
export type ExpectedFailure = z.output<typeof expectedFailureSchema>

export const configSchema = z.strictObject({
  target: targetSchema,
  issuer: z
    .strictObject({
      port: z.number().int().min(0).max(65535).default(0),
      expiresIn: z
        .string()
        .regex(/^\d+\s*[smhd]$/, 'must be a duration like "15m"')
        .default('15m'),
      /** BETTER_AUTH_SECRET shared with the target (HS256); default a fresh random one per run. */
      secret: z.string().min(1).optional(),
      /** Better Auth's own lazy rotation (jwks.rotationInterval / gracePeriod), in seconds; default off. */
      rotationSeconds: z.number().int().positive().optional(),
      gracePeriodSeconds: z.number().int().positive().optional(),
    })
    .default({ port: 0, expiresIn: '15m' }),
  profiles: z.array(z.enum(PROFILES)).min(1).optional(),
  suites: z.array(z.string()).default(['all']),
  only: z.array(z.string()).default([]),
  skip: z.array(z.string()).default([]),
  runtime: z.enum(RUNTIMES).default('auto'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  failOn: z.enum(SEVERITIES).default('low'),
  /** Key lifecycle (keys suite): how long caches may take, and the refetch storm's shape. */
  keys: z
    .strictObject({
      windowSeconds: z.number().positive().max(600).default(30),
      stormTokens: z.number().int().positive().max(5000).default(200),
      stormSeconds: z.number().positive().max(120).default(10),
      stormBudget: z.number().int().min(0).default(5),
    })
    .default({ windowSeconds: 30, stormTokens: 200, stormSeconds: 10, stormBudget: 5 }),
  requestTimeoutMs: z.number().int().positive().default(5_000),
  /** Known failures: a JSON file (relative to the config) or the entries themselves. */
  expectedFailures: z.union([z.string().min(1), z.array(expectedFailureSchema)]).optional(),
  reports: z.strictObject({ json: z.string().optional(), junit: z.string().optional(), html: z.string().optional(), sarif: z.string().optional() }).default({}),
})

export type UserConfig = z.input<typeof configSchema>
export type ResolvedConfig = Omit<z.output<typeof configSchema>, 'expectedFailures'> & {
  configPath?: string
  configDir: string
  /** The entries, read from the file when the config named one. */
  expectedFailures: ExpectedFailure[]
  expectedFailuresFile?: string
}

/**
 * The keys the object schema at `path` allows, read from zod's JSON Schema of it: there a
 * default or an optional is no wrapper to see through. Only objects are walked: under a union
 * (`target.cors`, inline expected failures) or an array it names none.
 */
export function allowedKeys(schema: z.ZodType, path: PropertyKey[]): string[] {
  type Node = { properties?: Record<string, Node> }
  let node: Node | undefined = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Node
  for (const step of path) node = node?.properties?.[String(step)]
  return Object.keys(node?.properties ?? {})
}

/** One line per problem, naming the key (`target.routes.me`) and what is allowed. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const key = issue.path.join('.') || '(root)'
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? `${key}.` : ''
      const valid = allowedKeys(configSchema, issue.path)
      return `unknown key ${issue.keys.map((k) => `"${where}${k}"`).join(', ')}${valid.length ? ` (valid: ${valid.join(', ')})` : ''}`
    }
    if (issue.code === 'invalid_value' && 'values' in issue) {
      return `${key}: must be one of ${(issue.values as unknown[]).map(String).join(', ')}`
    }
    return `${key}: ${issue.message}`
  })
}
