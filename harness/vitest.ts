/**
 * `import { conformance } from 'authconform/vitest'`: the catalogue as a team's own vitest
 * tests, against its app built in the test process (coverage, reporters, --shard and the CI
 * job it already has). Suites are describes, cases are tests; a failing case fails its test
 * with the evidence and the curl replay in the message.
 */
import { afterAll, beforeAll, describe } from 'vitest'
import { selectCases, validateSelection } from './core/catalogue.ts'
import type { Profile } from './core/profiles.ts'
import type { RunContext } from './core/context.ts'
import { resolveConfig } from './config/resolve.ts'
import type { AppSource, UserConfig } from './config/schema.ts'
import { Cleanup } from './environment/cleanup.ts'
import { environmentNeeds, startEnvironment } from './environment/index.ts'
import { CATALOGUE } from '../suites/catalogue/index.ts'
import { registerSuite } from '../suites/support/run-suite.ts'

type TargetSettings = Omit<UserConfig['target'], 'url' | 'command' | 'image' | 'cwd' | 'app' | 'routes' | 'profiles' | 'ready' | 'readyTimeoutMs'>

export interface ConformanceOptions {
  /**
   * The app, or (needed for more than one instance: every profile, the keys and key-set cases)
   * a factory `(env) => app` given BETTER_AUTH_URL, JWKS_URL, JWT_ISSUER, API_AUDIENCE,
   * JWT_ALGORITHMS and BETTER_AUTH_SECRET of the reference issuer. An Express, Koa or Fastify
   * app, a node:http listener or server, or an object with fetch(request) (Hono); or a module
   * path (`./app.mjs#createApp`, relative to the working directory).
   */
  app: AppSource
  routes: UserConfig['target']['routes']
  /** Signing profiles to run (default EdDSA, what Better Auth signs with by default). */
  profiles?: Profile[]
  suites?: string[]
  only?: string[]
  skip?: string[]
  /** The rest of `target` as in authconform.config.ts: cors, headers, audience, issuer, env, database… */
  target?: TargetSettings
  /** The rest of the config: keys, issuer, runtime, databaseUrl, requestTimeoutMs. */
  config?: Omit<UserConfig, 'target' | 'profiles' | 'suites' | 'only' | 'skip' | 'reports' | 'baseline' | 'failOnNew' | 'expectedFailures' | 'failOn'>
}

/** Postgres, the issuers, the users and the app's instances take a while on a small machine. */
const SETUP_TIMEOUT_MS = 180_000
const CASE_TIMEOUT_MS = 60_000

export function conformance(options: ConformanceOptions): void {
  const profiles = options.profiles ?? ['EdDSA']
  const config = resolveConfig({
    ...options.config,
    // Lanes need instances registered before the environment is up; here scenarios take turns.
    keys: { ...options.config?.keys, lanes: false },
    profiles,
    suites: options.suites ?? ['all'],
    only: options.only ?? [],
    skip: options.skip ?? [],
    target: { ...options.target, app: options.app, routes: options.routes, profiles },
  } satisfies UserConfig)
  const selection = { suites: config.suites, only: config.only, skip: config.skip }
  validateSelection(CATALOGUE, selection)
  const cases = selectCases(CATALOGUE.cases, selection)
  const cleanup = new Cleanup()
  let started: Promise<RunContext> | undefined
  const run = () => (started ??= startEnvironment(config, cleanup, {}, environmentNeeds(config, cases)).then((environment) => environment.context))
  beforeAll(async () => {
    await run()
  }, SETUP_TIMEOUT_MS)
  afterAll(() => cleanup.dispose(), SETUP_TIMEOUT_MS)
  for (const suite of CATALOGUE.suites.filter((name) => cases.some((c) => c.suite === name))) {
    describe(suite, () => registerSuite(suite, { selection, keys: config.keys, profiles, onLane: () => false, run, caseTimeoutMs: CASE_TIMEOUT_MS }))
  }
}
