import { readFileSync } from 'node:fs'
import path from 'node:path'
import * as z from 'zod'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import { PROFILES } from '../core/profiles.ts'
import { readBaseline } from '../report/baseline.ts'
import { configSchema, describeIssues, expectedFailureSchema, type ExpectedFailure, type ResolvedConfig } from './schema.ts'

/** Settings that can come from the command line; each overrides the config file's value. */
export interface ConfigOverrides {
  targetUrl?: string
  /** target.app: a module spec (`./src/app.mjs#createApp`), from the working directory. */
  targetApp?: string
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
  baseline?: string
  failOnNew?: boolean
  runtime?: string
  databaseUrl?: string
  issuerPort?: number
  /** keys.lanes: the keys suite's scenarios wait for their refetches side by side. */
  lanes?: boolean
}

/** A copy of plain config data; anything else (a function, a class instance) names its key. */
function copyData(value: unknown, key: string): any {
  // The one key that may hold code: the in-process app (or its factory) itself.
  if (key === 'target.app' && value !== null && (typeof value === 'function' || typeof value === 'object')) return value
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
  if (o.targetUrl || o.targetApp) {
    for (const key of ['url', 'command', 'image', 'app']) delete merged.target[key]
    if (o.targetUrl) merged.target.url = o.targetUrl
    else merged.target.app = path.resolve(o.targetApp!)
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
  if (o.baseline) merged.baseline = path.resolve(o.baseline)
  if (o.failOnNew) merged.failOnNew = true
  if (o.runtime) merged.runtime = o.runtime
  if (o.databaseUrl) merged.databaseUrl = o.databaseUrl
  if (o.issuerPort !== undefined) merged.issuer = { ...merged.issuer, port: o.issuerPort }
  if (o.lanes !== undefined) merged.keys = { ...merged.keys, lanes: o.lanes }
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
  const { expectedFailures, baseline, ...data } = parsed.data
  if (data.failOnNew && !baseline) throw new AuthconformError('ERR_CONFIG_INVALID', `failOnNew (--fail-on-new) needs a baseline to say what is new: add --baseline previous.json (the JSON document of an earlier run)`)
  const expectedFailuresFile = typeof expectedFailures === 'string' ? path.resolve(configDir, expectedFailures) : undefined
  const resolved: ResolvedConfig = {
    ...data,
    configPath,
    configDir,
    expectedFailures: expectedFailuresFile ? readExpectedFailures(expectedFailuresFile) : ((expectedFailures as ExpectedFailure[] | undefined) ?? []),
    ...(expectedFailuresFile && { expectedFailuresFile }),
    ...(baseline && { baseline: readBaseline(path.resolve(configDir, baseline)) }),
  }
  resolved.target.cwd = path.resolve(configDir, resolved.target.cwd ?? '.')
  if (typeof resolved.target.app === 'string') resolved.target.app = path.resolve(configDir, resolved.target.app)
  const unsupported = (resolved.profiles ?? []).filter((p) => !resolved.target.profiles.includes(p))
  if (unsupported.length) {
    throw new AuthconformError('ERR_CONFIG_INVALID', `profile ${unsupported.join(', ')} is not in target.profiles (${resolved.target.profiles.join(', ')}): add it there or pick from those`)
  }
  if (resolved.target.url && (selectedProfiles(resolved).length > 1 || resolved.issuer.port === 0)) {
    throw new AuthconformError('ERR_CONFIG_INVALID', 'a running target (target.url) reads JWKS_URL once, so it needs a fixed --issuer-port and one --profile per run (or give target.command and authconform starts it per profile)')
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

/** The profiles this run covers: the CLI/config selection, else all the target supports. */
export function selectedProfiles(config: ResolvedConfig) {
  return config.profiles ?? config.target.profiles
}
