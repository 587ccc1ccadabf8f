import type { Baseline } from '../report/baseline.ts'
import * as z from 'zod'
import { PROFILES } from '../core/profiles.ts'
import { SEVERITIES } from '../core/severity.ts'
import { parseRoute, placeholderProblem, ROUTE_SYNTAX } from '../core/routes.ts'
import { HEADER_NAME, RESERVED_HEADERS } from '../core/target-headers.ts'
import { RUNTIMES } from '../core/runtimes.ts'
import { authPathProblem, BETTER_AUTH_TABLES, DEFAULT_BASE_PATH, DEFAULT_JWKS_PATH, READABLE_TABLES } from '../core/protocol/better-auth.ts'
import { envEntryProblem, usesDatabaseUrl } from './target-env.ts'

const route = z.string().refine((text) => parseRoute(text) !== undefined, { message: `must be ${ROUTE_SYNTAX}` })
/** A route about no item (me, create, list) may hold only `{sub}`; an item route one item placeholder too. */
const routeAbout = (about: 'no item' | 'one item') =>
  route.superRefine((text, ctx) => {
    const problem = placeholderProblem(text, about)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
const dottedPath = z.string().regex(/^[\w$-]+(\.[\w$-]+)*$/, 'must be a dotted path like "user.id"')
/** Values may use `${JWKS_URL}` and the other injected names (target-env.ts); checked here, expanded at start. */
const targetEnvSchema = z.record(z.string(), z.string()).superRefine((env, ctx) => {
  for (const [name, value] of Object.entries(env)) {
    const problem = envEntryProblem(name, value)
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [name] })
  }
})
/** Better Auth's basePath (`root`: `/` allowed) or the jwt plugin's jwksPath. */
const authPath = (root: boolean, fallback: string) =>
  z
    .string()
    .superRefine((path, ctx) => {
      const problem = authPathProblem(path, { root })
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
    .default(fallback)
const origin = z.url().refine((u) => new URL(u).origin === u.replace(/\/$/, ''), 'must be an origin (scheme://host[:port])')

const resourceRoutes = z.strictObject({
  create: routeAbout('no item'),
  body: z.record(z.string(), z.unknown()).default({}),
  id: dottedPath.default('id'),
  list: routeAbout('no item'),
  items: dottedPath.optional(),
  /** Optional: without it, cases that need to see one item find it in the list. */
  read: routeAbout('one item').optional(),
  update: routeAbout('one item').optional(),
  updateBody: z.record(z.string(), z.unknown()).optional(),
  remove: routeAbout('one item').optional(),
})

/** Better Auth's tables a database-backed target may read; `jwks` (the issuer's private keys) never. */
const betterAuthTable = z.string().superRefine((table, ctx) => {
  if (table === 'jwks') ctx.addIssue({ code: 'custom', message: "jwks holds the issuer's private keys: a verifier needs JWKS_URL, never this table" })
  else if (!(BETTER_AUTH_TABLES as readonly string[]).includes(table)) ctx.addIssue({ code: 'custom', message: `must be one of Better Auth's tables: ${BETTER_AUTH_TABLES.filter((t) => t !== 'jwks').join(', ')}` })
})

/** `target.headers`: name → value, sent with every request (names are tokens, each once in any case). */
const targetHeaders = z
  .record(z.string(), z.string({ error: 'must be a string (the header value)' }).regex(/^[^\r\n\0]*$/, 'must not contain a line break or NUL'))
  .superRefine((headers, ctx) => {
    const seen = new Map<string, string>()
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase()
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: "is not a header name (letters, digits and !#$%&'*+-.^_`|~)" })
      else if (RESERVED_HEADERS[lower]) ctx.addIssue({ code: 'custom', path: [name], message: `${RESERVED_HEADERS[lower]}: remove it` })
      else if (seen.has(lower)) ctx.addIssue({ code: 'custom', path: [name], message: `is "${seen.get(lower)}" again (header names ignore case): keep one` })
      seen.set(lower, name)
    }
  })
  .default({})

/** `target.app` as a factory: given the issuer's coordinates under the names a started command gets in its env. */
export type AppFactory = (env: Record<string, string>) => unknown
/** A module spec (`./app.mjs#name`), a factory, or an app itself (Express, Koa, Fastify, a node:http listener or server, Hono). */
export type AppSource = string | AppFactory | object

export const targetSchema = z
  .strictObject({
    url: z.url().optional(),
    /** An in-process Node app (config/app-target.ts): a module spec, or (from a TypeScript config or the API) the factory or app itself. */
    app: z
      .custom<AppSource>(
        (value) => (typeof value === 'string' && value.length > 0) || typeof value === 'function' || (typeof value === 'object' && value !== null),
        'must be a module path (./app.mjs#name), a factory (env) => app, or an app',
      )
      .optional(),
    command: z.string().min(1).optional(),
    /** A container image the harness starts (docker runtime), on the host's network, listening on $PORT. */
    image: z.string().min(1).optional(),
    cwd: z.string().optional(),
    env: targetEnvSchema.default({}),
    ready: z.string().startsWith('/').default('/'),
    readyTimeoutMs: z.number().int().positive().default(20_000),
    profiles: z.array(z.enum(PROFILES)).min(1).default(['EdDSA']),
    audience: z.string().min(1).optional(),
    issuer: z.string().min(1).optional(),
    /** Sent with every request to the target unless the case sets that header itself. */
    headers: targetHeaders,
    /**
     * The target reads Better Auth's database: it gets DATABASE_URL for a role that can only
     * SELECT `tables` (default user and session); the database cases run.
     */
    database: z
      .union([
        z.boolean(),
        z.strictObject({
          tables: z
            .array(betterAuthTable)
            .min(1)
            .default([...READABLE_TABLES]),
        }),
      ])
      .default(false)
      .transform((database) => (database === false ? undefined : database === true ? { tables: [...READABLE_TABLES] } : database)),
    /** The target accepts Better Auth's opaque session token as a Bearer: the session cases run. */
    sessionTokens: z.boolean().default(false),
    routes: z
      .strictObject({
        /** A route any valid token may call; without it, probes call resource.list. */
        me: routeAbout('no item').optional(),
        /** Where the caller's id is in me's answer; with no me route, the owner field in resource.create's answer. */
        meId: dottedPath.optional(),
        resource: resourceRoutes.optional(),
      })
      .refine((routes) => routes.me !== undefined || routes.resource !== undefined, {
        message: 'give routes.me (a route any valid token may call, e.g. "GET /api/me") or routes.resource (its list route is then called instead)',
        path: ['me'],
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
  .superRefine((t, ctx) => {
    if (t.database) return
    for (const [name, value] of Object.entries(t.env)) {
      if (usesDatabaseUrl(value)) ctx.addIssue({ code: 'custom', path: ['env', name], message: "${DATABASE_URL} has a value only with target.database: true (Better Auth's database, read-only): set it, or remove the reference" })
    }
  })
  .refine((t) => [t.url, t.command, t.image, t.app].filter(Boolean).length === 1, {
    message: 'give exactly one of target.url (a running backend), target.command (a backend to start), target.image (a container to start) or target.app (a Node app to build in process)',
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
      /** Better Auth's `basePath`: where its routes (token, sign-in, the control endpoints) live; `/` is the root. */
      basePath: authPath(true, DEFAULT_BASE_PATH),
      /** The jwt plugin's `jwks.jwksPath`, under basePath: JWKS_URL = BETTER_AUTH_URL + basePath + jwksPath. */
      jwksPath: authPath(false, DEFAULT_JWKS_PATH),
    })
    .default({ port: 0, expiresIn: '15m', basePath: DEFAULT_BASE_PATH, jwksPath: DEFAULT_JWKS_PATH }),
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
      /**
       * Lanes: a removal and each JWKS fault wait for their refetch on a target instance of their
       * own, side by side (four more instances per JWKS profile). Off: they take turns.
       */
      lanes: z.boolean().default(false),
    })
    .default({ windowSeconds: 30, stormTokens: 200, stormSeconds: 10, stormBudget: 5, lanes: false }),
  requestTimeoutMs: z.number().int().positive().default(5_000),
  /** A previous run's JSON result document (relative to the config): each result is marked new, fixed or unchanged. */
  baseline: z.string().min(1).optional(),
  /** With a baseline: only failures new since it fail the run (a backend adopting authconform with known findings). */
  failOnNew: z.boolean().default(false),
  /** Known failures: a JSON file (relative to the config) or the entries themselves. */
  expectedFailures: z.union([z.string().min(1), z.array(expectedFailureSchema)]).optional(),
  reports: z.strictObject({ json: z.string().optional(), junit: z.string().optional(), html: z.string().optional(), sarif: z.string().optional() }).default({}),
})

export type UserConfig = z.input<typeof configSchema>
export type ResolvedConfig = Omit<z.output<typeof configSchema>, 'expectedFailures' | 'baseline'> & {
  /** The baseline's results, read from its file. */
  baseline?: Baseline
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
