import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createRequire, register } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { randomUUID } from 'node:crypto'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import { PACKAGE_ROOT } from '../paths.ts'
import { compiledIndex, importCompiledConfig } from './compile-config.ts'
import { PROFILES } from '../core/profiles.ts'
import * as z from 'zod'
import { configSchema, describeIssues, expectedFailureSchema, type ExpectedFailure, type ResolvedConfig, type UserConfig } from './schema.ts'

export const CONFIG_FILE_NAMES = ['authconform.config.ts', 'authconform.config.mts', 'authconform.config.js', 'authconform.config.mjs']

/** Settings that can come from the command line; each overrides the config file's value. */
export interface ConfigOverrides {
  targetUrl?: string
  meRoute?: string
  profiles?: string[]
  suites?: string[]
  only?: string[]
  skip?: string[]
  json?: string
  junit?: string
  html?: string
  sarif?: string
  expectedFailures?: string
  failOn?: string
  runtime?: string
  databaseUrl?: string
  issuerPort?: number
}

export function findConfigFile(cwd: string): string | undefined {
  return CONFIG_FILE_NAMES.map((name) => path.join(cwd, name)).find((file) => existsSync(file))
}

/**
 * A config file imports `defineConfig` from 'authconform'; run through npx (or from a checkout),
 * the project holding the file may not have the package installed. While the config loads, a
 * resolve hook points the bare name at this very package, so the import works wherever the
 * file lives. Module hooks cannot be removed, only switched off: one left on would slow every
 * later import of the run (vitest, Better Auth, Playwright) for nothing.
 */
let selfResolveSwitch: Int32Array | undefined

function resolveAuthconformToSelf(): () => void {
  // The running CLI's own entry (an installed package's dist/index.js), so the config shares its modules.
  const running = compiledIndex()
  const entry = running ? fileURLToPath(running) : path.join(PACKAGE_ROOT, 'harness/index.ts')
  if (!selfResolveSwitch) {
    // The switch is shared memory: the hooks thread sees it flip at once, with no message to race.
    const hooks = `let entry, on
    export function initialize(data) { entry = data.entry; on = data.on }
    export async function resolve(specifier, context, next) { return next(Atomics.load(on, 0) && specifier === 'authconform' ? entry : specifier, context) }`
    selfResolveSwitch = new Int32Array(new SharedArrayBuffer(4))
    register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { entry: pathToFileURL(entry).href, on: selfResolveSwitch } })
    // tsx compiles a .ts config outside an ESM package to CommonJS, whose require() the hook
    // above does not see: map the name there too.
    const Module = createRequire(import.meta.url)('node:module') as { _resolveFilename(request: string, ...rest: unknown[]): string }
    const resolveFilename = Module._resolveFilename
    Module._resolveFilename = function (request: string, ...rest: unknown[]) {
      return resolveFilename.call(this, request === 'authconform' ? entry : request, ...rest)
    }
  }
  Atomics.store(selfResolveSwitch, 0, 1)
  return () => Atomics.store(selfResolveSwitch!, 0, 0)
}

export async function importConfigFile(file: string): Promise<UserConfig> {
  if (!existsSync(file)) {
    throw new AuthconformError('ERR_CONFIG_NOT_FOUND', `config file ${file} does not exist: pass --config <path> or create authconform.config.ts (see README)`)
  }
  try {
    // Run from its build, the CLI compiles the config with esbuild; otherwise tsx loads it.
    const index = compiledIndex()
    const mod = (index && (await importCompiledConfig(file, index))) || (await importWithTsx(file))
    let config = mod.default as { default?: unknown } | undefined
    // A CommonJS-style default may come wrapped once more.
    if (config && typeof config === 'object' && 'default' in config && !('target' in config)) config = config.default as typeof config
    if (config === undefined) {
      throw new AuthconformError('ERR_CONFIG_INVALID', `config file ${file} has no default export: write \`export default defineConfig({ target: … })\``)
    }
    return config as UserConfig
  } catch (error) {
    if (error instanceof AuthconformError) throw error
    // An install without optional dependencies (npm --omit=optional) lacks esbuild's binary:
    // the install is at fault, not the config.
    const platformPackage = /The package "(@esbuild\/[^"]+)" could not be found/.exec(errorMessage(error))?.[1]
    if (platformPackage) {
      throw new AuthconformError('ERR_DEPENDENCY_MISSING', `esbuild's binary package ${platformPackage} is not installed (optional dependencies omitted?): reinstall authconform without --omit=optional`, { cause: error })
    }
    throw new AuthconformError('ERR_CONFIG_INVALID', `config file ${file} could not be loaded: ${errorMessage(error).split('\n')[0]}`, { cause: error })
  }
}

/** tsx compiles the user's TypeScript config without a build step; its hooks are scoped to this import and switched off after it. */
async function importWithTsx(file: string): Promise<{ default?: unknown }> {
  const selfResolveOff = resolveAuthconformToSelf()
  const { register: registerTsx } = await import('tsx/esm/api')
  const tsx = registerTsx({ namespace: `authconform-config-${randomUUID()}` })
  try {
    return await tsx.import(pathToFileURL(file).href, import.meta.url)
  } finally {
    selfResolveOff()
    await tsx.unregister()
  }
}

/** A copy of plain config data; anything else (a function, a class instance) names its key. */
function copyData(value: unknown, key: string): any {
  if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) return value
  if (Array.isArray(value)) return value.map((item, i) => copyData(item, `${key}.${i}`))
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyData(v, key ? `${key}.${k}` : k)]))
  }
  throw new AuthconformError('ERR_CONFIG_INVALID', `invalid config: ${key || '(root)'} must be plain data (string, number, boolean, array, object), not ${typeof value === 'function' ? 'a function' : 'an object of another kind'}`)
}

function applyOverrides(config: Record<string, any>, o: ConfigOverrides): Record<string, any> {
  const merged = copyData(config, '')
  merged.target ??= {}
  if (o.targetUrl) {
    merged.target.url = o.targetUrl
    delete merged.target.command
    delete merged.target.image
  }
  if (o.meRoute) merged.target.routes = { ...merged.target.routes, me: o.meRoute }
  merged.target.routes ??= { me: 'GET /api/me' }
  if (o.profiles?.length) {
    // `all` = every profile the target supports (every profile, when no config says).
    const all = o.profiles.includes('all')
    merged.profiles = all ? (merged.target.profiles ?? [...PROFILES]) : o.profiles
    // With no config file, the flag is also what the target supports.
    merged.target.profiles ??= merged.profiles
  }
  if (o.suites?.length) merged.suites = o.suites
  if (o.only?.length) merged.only = o.only
  if (o.skip?.length) merged.skip = o.skip
  for (const format of ['json', 'junit', 'html', 'sarif'] as const) {
    if (o[format]) merged.reports = { ...merged.reports, [format]: o[format] }
  }
  if (o.expectedFailures) merged.expectedFailures = path.resolve(o.expectedFailures)
  if (o.failOn) merged.failOn = o.failOn
  if (o.runtime) merged.runtime = o.runtime
  if (o.databaseUrl) merged.databaseUrl = o.databaseUrl
  if (o.issuerPort !== undefined) merged.issuer = { ...merged.issuer, port: o.issuerPort }
  return merged
}

/** Validates a config object (from a file, the API or nothing but flags) into its resolved form. */
export function resolveConfig(config: unknown, overrides: ConfigOverrides = {}, configPath?: string): ResolvedConfig {
  if (config !== undefined && (typeof config !== 'object' || config === null || Array.isArray(config))) {
    throw new AuthconformError('ERR_CONFIG_INVALID', `config${configPath ? ` in ${configPath}` : ''} must export an object (use defineConfig({ target: … }))`)
  }
  const parsed = configSchema.safeParse(applyOverrides((config ?? {}) as Record<string, any>, overrides))
  const where = configPath ? ` in ${path.relative(process.cwd(), configPath) || configPath}` : ''
  if (!parsed.success) {
    const problems = describeIssues(parsed.error)
    throw new AuthconformError('ERR_CONFIG_INVALID', `invalid config${where}: ${problems.join('; ')}`, { details: problems.slice(1) })
  }
  const configDir = configPath ? path.dirname(configPath) : process.cwd()
  const { expectedFailures, ...data } = parsed.data
  const expectedFailuresFile = typeof expectedFailures === 'string' ? path.resolve(configDir, expectedFailures) : undefined
  const resolved: ResolvedConfig = {
    ...data,
    configPath,
    configDir,
    expectedFailures: expectedFailuresFile ? readExpectedFailures(expectedFailuresFile) : ((expectedFailures as ExpectedFailure[] | undefined) ?? []),
    ...(expectedFailuresFile && { expectedFailuresFile }),
  }
  resolved.target.cwd = path.resolve(configDir, resolved.target.cwd ?? '.')
  const unsupported = (resolved.profiles ?? []).filter((p) => !resolved.target.profiles.includes(p))
  if (unsupported.length) {
    throw new AuthconformError('ERR_CONFIG_INVALID', `profile ${unsupported.join(', ')} is not in target.profiles (${resolved.target.profiles.join(', ')}): add it there or pick from those`)
  }
  if (resolved.target.url && (selectedProfiles(resolved).length > 1 || resolved.issuer.port === 0)) {
    throw new AuthconformError(
      'ERR_CONFIG_INVALID',
      'a running target (target.url) reads JWKS_URL once, so it needs a fixed --issuer-port and one --profile per run (or give target.command and authconform starts it per profile)',
    )
  }
  return resolved
}

/**
 * The expected-failures file: a JSON array of { id, profile?, reason }, the reason required
 * so that every accepted gap says why.
 */
function readExpectedFailures(file: string): ExpectedFailure[] {
  const shown = path.relative(process.cwd(), file) || file
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    const cause = (error as { code?: string }).code === 'ENOENT' ? 'does not exist' : `is not JSON (${errorMessage(error)})`
    throw new AuthconformError('ERR_CONFIG_INVALID', `expected-failures file ${shown} ${cause}: it holds [{ "id": "claims/exp-past", "profile": "HS256", "reason": "…" }]`)
  }
  const parsed = z.array(expectedFailureSchema).safeParse(data)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `entry ${issue.path.join('.') || '(root)'}: ${issue.message}`)
    throw new AuthconformError('ERR_CONFIG_INVALID', `expected-failures file ${shown}: ${problems.join('; ')}`)
  }
  return parsed.data
}

export async function loadConfig(options: { configPath?: string; cwd?: string; overrides?: ConfigOverrides }): Promise<ResolvedConfig> {
  const cwd = options.cwd ?? process.cwd()
  const file = options.configPath ? path.resolve(cwd, options.configPath) : findConfigFile(cwd)
  if (!file && !options.overrides?.targetUrl) {
    throw new AuthconformError('ERR_CONFIG_NOT_FOUND', `no authconform.config.ts in ${cwd} and no --target-url: pass --config <file>, --target-url <url>, or --example node-good`)
  }
  const config = file ? await importConfigFile(file) : undefined
  return resolveConfig(config, options.overrides, file)
}

/** The profiles this run covers: the CLI/config selection, else all the target supports. */
export function selectedProfiles(config: ResolvedConfig) {
  return config.profiles ?? config.target.profiles
}
