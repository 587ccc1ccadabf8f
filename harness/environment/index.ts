import { randomBytes } from 'node:crypto'
import { createDebug } from '../debug.ts'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import { b64url } from '../core/jws.ts'
import { parseRoute, pathFor, type Route } from '../core/routes.ts'
import { withTargetHeaders } from '../core/target-headers.ts'
import { selectedProfiles } from '../config/resolve.ts'
import { browserCallsTarget, configuredOrigins, type ResolvedConfig } from '../config/schema.ts'
import type { BrowserContext, Identity, ProfileContext, ResourceRoutes, RunContext } from '../core/context.ts'
import { isAsymmetric, type Profile } from '../core/profiles.ts'
import { signUpPrincipals } from '../principals/index.ts'
import { validTokenRefused } from '../core/valid-token.ts'
import { createDatabaseReader } from './database-reader.ts'
import { allStarted, type Cleanup } from './cleanup.ts'
import { startAttacker, type StartedAttacker } from './attacker.ts'
import { startBrowser } from './browser.ts'
import { buildAuthClientBundle } from './pages.ts'
import { hostNetworking } from './containers.ts'
import type { IssuerOptions } from './issuer.ts'
import { assessSecret, parseWordlist } from '../core/secret-strength.ts'
import { PUBLISHED_SECRETS_FILE } from '../paths.ts'
import { readFileSync } from 'node:fs'
import { startPostgres, type PostgresKind, type StartedPostgres } from './postgres.ts'
import { startTarget } from './target.ts'
import { appBuildsInstances } from './app-target.ts'
import { checkKeySets, checkLanes, startKeySetTargets, startLaneTargets } from './jwks-view-targets.ts'
import type { JwksLane, KeySetShape } from '../core/protocol/control.ts'
import type { Case } from '../core/case.ts'

const debug = createDebug('environment')
const publishedSecrets = parseWordlist(readFileSync(PUBLISHED_SECRETS_FILE, 'utf8'))

export interface EnvironmentEvents {
  /** One line for the user: which Postgres runtime was chosen and why. */
  runtime?(kind: PostgresKind, reason: string): void
  phase?(name: string, ms: number): void
}

export interface StartedEnvironment {
  context: RunContext
  runtime: { kind: PostgresKind; reason: string }
}

async function timed<T>(events: EnvironmentEvents, name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now()
  try {
    return await work()
  } finally {
    events.phase?.(name, performance.now() - start)
  }
}

/** What the selected cases need started beside the issuer and the target. */
export function environmentNeeds(config: ResolvedConfig, cases: readonly Case[]): EnvironmentNeeds {
  return {
    lifecycle: cases.some((c) => c.kind === 'scenario'),
    browser: browserCallsTarget(config.target.cors) && cases.some((c) => c.needs?.includes('browser')),
    keySets: [...new Set(cases.flatMap((c) => (c.keySet ? [c.keySet] : [])))],
    lanes: config.keys.lanes ? [...new Set(cases.flatMap((c) => (c.kind === 'scenario' && c.lane ? [c.lane] : [])))] : [],
  }
}

export interface EnvironmentNeeds {
  lifecycle?: boolean
  browser?: boolean
  keySets?: readonly KeySetShape[]
  lanes?: readonly JwksLane[]
}

/**
 * Brings up Postgres, then per profile (in parallel) a fresh database, an issuer, the target
 * and users A and B. Everything started is registered in `cleanup` before an error surfaces.
 */
export async function startEnvironment(config: ResolvedConfig, cleanup: Cleanup, events: EnvironmentEvents = {}, options: EnvironmentNeeds = {}): Promise<StartedEnvironment> {
  const profiles = selectedProfiles(config)
  const runId = randomBytes(4).toString('hex')
  // An in-process app's module first: a wrong path or export is a line before anything starts.
  const moreInstances = !config.target.url && (await appInstancesPossible(config))
  // Postgres first: its processes (a copy, the server) get going before this thread is busy
  // loading modules. Chromium and the attacker server need nothing from it and start meanwhile,
  // as do Better Auth's modules and the browser client bundle (built by esbuild, asked for by
  // pages much later). The page servers' proxy learns the issuer ports later.
  const postgresStarting = timed(events, 'postgres', async () => cleanup.use('postgres', await startPostgres({ runtime: config.runtime, databaseUrl: config.databaseUrl })))
  const clientScript = options.browser ? timed(events, 'client bundle', buildAuthClientBundle) : undefined
  const issuerPorts = new Set<number>()
  const [postgres, attacker, browser] = (await allStarted<unknown>([
    postgresStarting,
    startAttacker().then((started) => cleanup.use('attacker server', started, { independent: true })),
    options.browser ? timed(events, 'chromium', () => startBrowser(configuredOrigins(config.target.cors), cleanup, { clientScript, ports: issuerPorts })) : Promise.resolve(undefined),
    import('./issuer.ts').then(({ preloadIssuerModules }) => preloadIssuerModules()),
    clientScript ?? Promise.resolve(),
  ])) as [StartedPostgres, StartedAttacker, BrowserContext | undefined]
  events.runtime?.(postgres.kind, postgres.reason)

  // The docker runtime runs the issuer as a container too, where containers share the host's network.
  const issuerRuntime = postgres.kind === 'docker' && hostNetworking() ? 'container' : 'in-process'
  if (issuerRuntime === 'container') {
    const { issuerImage } = await import('./issuer-container.ts')
    const image = await timed(events, 'issuer image', issuerImage)
    events.runtime?.('docker', `issuer: container ${image} on the host network`)
  }
  // Key-set instances read the main issuer's JWKS in another shape: only JWKS profiles have one,
  // and only a target authconform starts can be given another URL.
  const keySetsOf = (profile: Profile) => (isAsymmetric(profile) && moreInstances ? (options.keySets ?? []) : [])
  const stack = (profile: Profile, role: StackRole) =>
    startStack(config, profile, role, runId, postgres.createDatabase, cleanup, events, { clientScript, issuerRuntime, keySets: role === 'main' ? keySetsOf(profile) : [], lanes: role === 'keys' ? (options.lanes ?? []) : [] })
  const contexts = await allStarted(
    profiles.map(async (profile) => {
      // The keys suite rotates keys and breaks the JWKS: it gets its own issuer and target
      // instance, so the rest of the catalogue can run at the same time.
      const lifecycle = options.lifecycle && isAsymmetric(profile) && moreInstances
      const [main, keys] = await allStarted([stack(profile, 'main'), lifecycle ? stack(profile, 'keys') : Promise.resolve(undefined)])
      return { ...main!, ...(keys && { lifecycle: keys }) }
    }),
  )
  for (const c of contexts.flatMap((c) => [c, ...(c.lifecycle ? [c.lifecycle] : [])])) issuerPorts.add(Number(new URL(c.issuer.baseURL).port))
  return {
    runtime: { kind: postgres.kind, reason: postgres.reason },
    context: {
      ...(browser && { browser }),
      profiles: contexts,
      attacker: { baseURL: attacker.baseURL, logKey: attacker.logKey },
      selection: { suites: config.suites, only: config.only, skip: config.skip },
      requestTimeoutMs: config.requestTimeoutMs,
      keys: config.keys,
      publishedSecrets,
    },
  }
}

/**
 * Whether the target can be given more instances: always for a command or image, for
 * `target.app` only when it is a factory. An exported app was built before any issuer ran,
 * so like a running `url` target it must be pointed at a fixed issuer port, one profile a run.
 */
async function appInstancesPossible(config: ResolvedConfig): Promise<boolean> {
  if (!config.target.app || (await appBuildsInstances(config.target.app))) return true
  if (selectedProfiles(config).length > 1 || config.issuer.port === 0) {
    throw new AuthconformError(
      'ERR_CONFIG_INVALID',
      'target.app exports an app, not a factory (env) => app: it was built before the issuer started, so it cannot be given JWKS_URL; export a factory (recommended), or give a fixed --issuer-port and one --profile and set its env yourself',
    )
  }
  return false
}

type StackRole = 'main' | 'keys'

/** One issuer (own database) + one target instance + users A and B, for one profile. */
async function startStack(
  config: ResolvedConfig,
  profile: Profile,
  role: StackRole,
  runId: string,
  createDatabase: (name: string) => Promise<string>,
  cleanup: Cleanup,
  events: EnvironmentEvents,
  { clientScript, issuerRuntime, keySets, lanes }: { clientScript?: Promise<string>; issuerRuntime: 'container' | 'in-process'; keySets: readonly KeySetShape[]; lanes: readonly JwksLane[] },
): Promise<ProfileContext> {
  const label = role === 'main' ? profile : `${profile} (keys)`
  const databaseUrl = await createDatabase(`authconform_${runId}_${profile.toLowerCase()}${role === 'main' ? '' : '_keys'}`)
  // Loaded on first use: Better Auth's modules (or the container client) only when a run needs them.
  const startIssuer = async (options: IssuerOptions) =>
    issuerRuntime === 'container' ? (await import('./issuer-container.ts')).startIssuerContainer({ ...options, browserPages: Boolean(clientScript) }) : (await import('./issuer.ts')).startIssuer(options)
  const issuer = cleanup.use(
    `issuer ${label}`,
    await timed(events, `issuer ${label}`, () =>
      startIssuer({
        profile,
        databaseUrl,
        // Only the main issuer can live on a fixed port a running target was configured with.
        port: role === 'main' ? config.issuer.port : 0,
        expiresIn: config.issuer.expiresIn,
        basePath: config.issuer.basePath,
        jwksPath: config.issuer.jwksPath,
        issuer: config.target.issuer,
        audience: config.target.audience,
        secret: config.issuer.secret,
        rotationSeconds: config.issuer.rotationSeconds,
        gracePeriodSeconds: config.issuer.gracePeriodSeconds,
        clientScript,
        // Its own cookie names: the browser's sign-ins to every issuer share one context.
        cookiePrefix: `better-auth-${profile.toLowerCase()}${role === 'main' ? '' : '-keys'}`,
        // A configured frontend origin signs users in through the page server's proxy.
        trustedOrigins: configuredOrigins(config.target.cors),
      }),
    ),
  )
  // Better Auth's migrations have run: the tables a database-backed target reads exist.
  const reader = config.target.database && cleanup.use(`database reader ${label}`, await createDatabaseReader(databaseUrl, config.target.database.tables))
  const targetStarting = timed(events, `target ${label}`, async () => cleanup.use(`target ${label}`, await startTarget(config.target, issuer, reader ? reader.url : undefined)))
  const keySetTargets = startKeySetTargets(config.target, issuer, keySets, cleanup, label, reader ? reader.url : undefined)
  const laneTargets = startLaneTargets(config.target, issuer, lanes, cleanup, label, reader ? reader.url : undefined)
  const usersSigningUp = timed(events, `principals ${label}`, () => signUpPrincipals(issuer, runId))
  await allStarted<unknown>([targetStarting, usersSigningUp, ...[...keySetTargets, ...laneTargets].map((k) => k.started)])
  const [target, users] = [await targetStarting, await usersSigningUp]
  const routes = config.target.routes
  const resource = resourceRoutes(routes.resource)
  const probeRoute = routes.me ? parseRoute(routes.me)! : resource!.list
  const probeRouteKey = routes.me ? 'target.routes.me' : 'target.routes.resource.list'
  const baselineAt = (baseURL: string, jwksURL: string) => checkBaseline(baseURL, { route: probeRoute, routeKey: probeRouteKey }, { ...issuer, jwksURL }, profile, users.a, config.requestTimeoutMs, config.target.headers)
  const context: ProfileContext = {
    profile,
    issuer: {
      baseURL: issuer.baseURL,
      authURL: issuer.authURL,
      jwksURL: issuer.jwksURL,
      issuer: issuer.issuer,
      audience: issuer.audience,
      controlURL: issuer.controlURL,
      tokenURL: issuer.tokenURL,
      pagesURL: issuer.pagesURL,
      controlKey: issuer.controlKey,
      secret: assessSecret(issuer.secret, publishedSecrets),
    },
    target: {
      baseURL: target.baseURL,
      probeRoute,
      probeRouteKey,
      identity: identityOf(routes.me === undefined ? undefined : probeRoute, routes.meId, resource),
      resource,
      headers: config.target.headers,
      database: Boolean(config.target.database),
      sessionTokens: config.target.sessionTokens,
      cors: corsOf(config.target.cors, issuer.baseURL),
    },
    users,
    baseline: await baselineAt(target.baseURL, issuer.jwksURL),
  }
  const [keySetInstances, laneInstances] = await Promise.all([
    keySetTargets.length && checkKeySets(keySetTargets, context.issuer, baselineAt),
    laneTargets.length && checkLanes(laneTargets, context.issuer, baselineAt, (baseURL) => sendUnknownKid(baseURL, probeRoute, users.a, config.requestTimeoutMs, config.target.headers)),
  ])
  if (keySetInstances) context.keySets = keySetInstances
  if (laneInstances) context.lanes = laneInstances
  debug(`${label} ready: issuer ${issuer.baseURL}, target ${target.baseURL}, baseline ${context.baseline.ok}`)
  return context
}

function corsOf(cors: ResolvedConfig['target']['cors'], issuerOrigin: string): ProfileContext['target']['cors'] {
  const listed = configuredOrigins(cors)
  const browserCalls = browserCallsTarget(cors)
  if (listed.length) return { allowedOrigins: listed.map((o) => new URL(o).origin), configured: true, browserCalls }
  return { allowedOrigins: browserCalls ? [issuerOrigin] : [], configured: false, browserCalls }
}

/** Whom the target took the caller for: meId in me's answer, or (no me route) the owner field in create's. */
function identityOf(me: Route | undefined, meId: string | undefined, resource: ResourceRoutes | undefined): Identity | undefined {
  if (!meId) return undefined
  if (me) return { route: me, idPath: meId, from: 'me' }
  return resource && { route: resource.create, idPath: meId, body: resource.body, from: 'create' }
}

function resourceRoutes(routes: ResolvedConfig['target']['routes']['resource']): ResourceRoutes | undefined {
  if (!routes) return undefined
  const route = (text: string | undefined) => (text === undefined ? undefined : parseRoute(text)!)
  return { ...routes, create: route(routes.create)!, list: route(routes.list)!, read: route(routes.read), update: route(routes.update), remove: route(routes.remove) }
}

/** User A's request with the token's kid made up (the signature then fails too): any answer will do. */
async function sendUnknownKid(baseURL: string, route: Route, { id, token }: { id: string; token: string }, timeoutMs: number, targetHeaders: Record<string, string>): Promise<void> {
  const [header, ...rest] = token.split('.')
  const madeUp = [b64url(JSON.stringify({ ...JSON.parse(Buffer.from(header!, 'base64url').toString()), kid: randomBytes(12).toString('base64url') })), ...rest].join('.')
  const headers = withTargetHeaders(targetHeaders, { Authorization: `Bearer ${madeUp}` })
  await fetch(baseURL + pathFor(route, { sub: id }), { method: route.method, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) }).then(
    (response) => response.body?.cancel(),
    () => {},
  )
}

/**
 * The oracle every rejection case leans on: a real token must be accepted first. When it is not,
 * the reason every dependent case quotes says what was sent, what came back and the likely cause.
 */
async function checkBaseline(
  baseURL: string,
  { route, routeKey }: { route: Route; routeKey: string },
  issuer: { jwksURL: string; issuer: string; audience: string },
  profile: Profile,
  { id, token }: { id: string; token: string },
  timeoutMs: number,
  targetHeaders: Record<string, string>,
): Promise<ProfileContext['baseline']> {
  // As a case sends it: `{sub}` is the caller's id, target.headers go along.
  const request = { method: route.method, url: baseURL + pathFor(route, { sub: id }), headers: withTargetHeaders(targetHeaders, { Authorization: `Bearer ${token}` }) }
  const answer = { request, token, status: 0, headers: {} as Record<string, string>, body: '', failure: undefined as string | undefined }
  try {
    const response = await fetch(request.url, { method: route.method, headers: request.headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
    if (response.ok) {
      await response.body?.cancel()
      return { ok: true }
    }
    response.headers.forEach((value, name) => (answer.headers[name] = value))
    Object.assign(answer, { status: response.status, body: await response.text() })
  } catch (error) {
    answer.failure = (error as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms without an answer` : errorMessage(error)
  }
  return { ok: false, reason: validTokenRefused(answer, { profile, issuer, route, routeKey }).message }
}
