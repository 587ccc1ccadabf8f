import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { AuthconformError } from '../../harness/core/errors.ts'
import { importConfigFile } from '../../harness/config/load.ts'
import { resolveConfig, selectedProfiles, type ConfigOverrides } from '../../harness/config/resolve.ts'
import { ROUTE_SYNTAX } from '../../harness/core/routes.ts'
import { browserCallsTarget, configuredOrigins } from '../../harness/config/schema.ts'
import { catchError } from './support.ts'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const URL_TARGET = { url: 'http://127.0.0.1:8000', routes: { me: 'GET /api/me' } }
const COMMAND_TARGET = { command: 'node server.js', cwd: './backend', routes: { me: 'GET /api/me' } }

function configError(config: unknown, overrides?: ConfigOverrides): AuthconformError {
  const error = catchError(() => resolveConfig(config, overrides))
  expect(error).toBeInstanceOf(AuthconformError)
  expect((error as AuthconformError).code).toBe('ERR_CONFIG_INVALID')
  return error as AuthconformError
}

describe('resolveConfig', () => {
  test('a minimal config gets the documented defaults', () => {
    const resolved = resolveConfig({ target: { command: 'node server.js', routes: { me: 'GET /api/me' } } }, {}, '/projects/api/authconform.config.ts')
    expect(resolved.target.profiles).toEqual(['EdDSA'])
    expect(resolved.profiles).toBeUndefined()
    expect(selectedProfiles(resolved)).toEqual(['EdDSA'])
    expect(resolved.issuer).toEqual({ port: 0, expiresIn: '15m', basePath: '/api/auth', jwksPath: '/jwks' })
    expect(resolved.failOn).toBe('low')
    expect(resolved.runtime).toBe('auto')
    expect(resolved.suites).toEqual(['all'])
    expect(resolved.only).toEqual([])
    expect(resolved.skip).toEqual([])
    expect(resolved.target.ready).toBe('/')
    expect(resolved.target.env).toEqual({})
    expect(resolved.target.cwd).toBe('/projects/api')
    expect(resolved.configDir).toBe('/projects/api')
  })

  test("target.cwd is resolved against the config file's folder, not the process cwd", () => {
    const resolved = resolveConfig({ target: COMMAND_TARGET }, {}, '/projects/api/authconform.config.ts')
    expect(resolved.target.cwd).toBe('/projects/api/backend')
  })

  test('target.app: a module spec is resolved against the config folder keeping its #export; a function stays itself', () => {
    const routes = { me: 'GET /api/me' }
    expect(resolveConfig({ target: { app: './src/app.mjs#createApp', routes } }, {}, '/projects/api/authconform.config.ts').target.app).toBe('/projects/api/src/app.mjs#createApp')
    const createApp = (env: Record<string, string>) => env
    expect(resolveConfig({ target: { app: createApp, routes } }).target.app).toBe(createApp)
    expect(configError({ target: { app: createApp, command: 'node server.js', routes } }).message).toMatch(/give exactly one of target\.url .* or target\.app \(a Node app to build in process\)/)
    expect(configError({ target: { app: 42, routes } }).message).toMatch(/target\.app: must be a module path \(\.\/app\.mjs#name\), a factory \(env\) => app, or an app/)
    // Code anywhere else in a config is still refused.
    expect(configError({ target: { app: createApp, routes, env: { X: () => 1 } } }).message).toMatch(/target\.env\.X must be plain data/)
    expect(resolveConfig({ target: { app: createApp, routes } }, { targetUrl: 'http://127.0.0.1:9', issuerPort: 4545 }).target.app).toBeUndefined()
  })

  test('target.cors: false says no browser calls the backend (same as { enabled: false })', () => {
    for (const cors of [false, { enabled: false }] as const) {
      const resolved = resolveConfig({ target: { ...COMMAND_TARGET, cors } })
      expect(browserCallsTarget(resolved.target.cors)).toBe(false)
      expect(configuredOrigins(resolved.target.cors)).toEqual([])
    }
    const listed = resolveConfig({ target: { ...COMMAND_TARGET, cors: { allowedOrigins: ['http://localhost:3000'] } } })
    expect(browserCallsTarget(listed.target.cors)).toBe(true)
    expect(configuredOrigins(listed.target.cors)).toEqual(['http://localhost:3000'])
    expect(browserCallsTarget(resolveConfig({ target: COMMAND_TARGET }).target.cors)).toBe(true)
  })

  test('disabling CORS while listing allowed origins is an error naming both keys', () => {
    const { message } = configError({ target: { ...URL_TARGET, cors: { enabled: false, allowedOrigins: ['http://localhost:3000'] } } })
    expect(message).toContain('target.cors.enabled')
    expect(message).toContain('target.cors.allowedOrigins')
  })

  test('an unknown top-level key is named', () => {
    expect(configError({ target: URL_TARGET, suits: ['claims'] }).message).toContain('unknown key "suits"')
  })

  test('an unknown nested key is named with its full path', () => {
    const routes = { ...URL_TARGET.routes, mee: 'GET /x' }
    expect(configError({ target: { ...URL_TARGET, routes } }).message).toContain('unknown key "target.routes.mee"')
  })

  test('an unknown nested key lists the valid keys at that level', () => {
    const routes = { ...URL_TARGET.routes, mee: 'GET /x' }
    const { message } = configError({ target: { ...URL_TARGET, routes } })
    expect(message).toContain('meId')
    expect(message).toContain('resource')
  })

  test('the valid keys are listed through optional and defaulted objects, and at the top', () => {
    const resource = { create: 'POST /items', list: 'GET /items', read: 'GET /items/:id', lst: 'GET /x' }
    expect(configError({ target: { ...URL_TARGET, routes: { ...URL_TARGET.routes, resource } } }).message).toContain('unknown key "target.routes.resource.lst" (valid: create, body, id, list, items, read, update, updateBody, remove)')
    expect(configError({ target: URL_TARGET, issuer: { prot: 4545 } }).message).toContain('unknown key "issuer.prot" (valid: port, expiresIn, secret, rotationSeconds, gracePeriodSeconds, basePath, jwksPath)')
    expect(configError({ target: URL_TARGET, suits: ['claims'] }).message).toContain(
      '(valid: target, issuer, profiles, suites, only, skip, runtime, databaseUrl, failOn, keys, requestTimeoutMs, baseline, failOnNew, expectedFailures, reports)',
    )
  })

  test('a value that is not data is a config error naming the key', () => {
    const { message } = configError({ target: { ...URL_TARGET, env: { TOKEN: () => 'x' } } })
    expect(message).toContain('target.env.TOKEN')
  })

  test.each(['FETCH /x', 'GET api/me'])('the malformed route %j names target.routes.me and the syntax', (me) => {
    const { message } = configError({ target: { ...URL_TARGET, routes: { me } } })
    expect(message).toContain(`target.routes.me: must be ${ROUTE_SYNTAX}`)
  })

  test('url and command together are refused', () => {
    const { message } = configError({ target: { ...COMMAND_TARGET, url: 'http://127.0.0.1:8000' } })
    expect(message).toContain('give exactly one of target.url')
  })

  test('neither url nor command is refused', () => {
    const { message } = configError({ target: { routes: URL_TARGET.routes } })
    expect(message).toContain('give exactly one of target.url')
  })

  test('a --profile the target does not support names the profile and the supported ones', () => {
    const target = { ...URL_TARGET, profiles: ['EdDSA', 'ES256'] }
    expect(configError({ target }, { profiles: ['RS256'] }).message).toBe('profile RS256 is not in target.profiles (EdDSA, ES256): add it there or pick from those')
  })

  test('a --profile the target supports narrows the run to it', () => {
    const resolved = resolveConfig({ target: { ...URL_TARGET, profiles: ['EdDSA', 'ES256'] } }, { profiles: ['ES256'], issuerPort: 4545 })
    expect(selectedProfiles(resolved)).toEqual(['ES256'])
  })

  test('command-line overrides replace the file values', () => {
    const file = { target: COMMAND_TARGET, suites: ['baseline'], failOn: 'medium' as const }
    const resolved = resolveConfig(file, { targetUrl: 'http://127.0.0.1:9999', suites: ['claims'], only: ['claims/exp-past'], skip: ['signature'], failOn: 'high', issuerPort: 4545 })
    expect(resolved.target.url).toBe('http://127.0.0.1:9999')
    expect(resolved.target.command).toBeUndefined()
    expect(resolved.suites).toEqual(['claims'])
    expect(resolved.only).toEqual(['claims/exp-past'])
    expect(resolved.skip).toEqual(['signature'])
    expect(resolved.failOn).toBe('high')
  })

  test('flags alone (no file) make a config', () => {
    const resolved = resolveConfig(undefined, { targetUrl: 'http://127.0.0.1:9999', meRoute: 'GET /v1/me', issuerPort: 4545 })
    expect(resolved.target.url).toBe('http://127.0.0.1:9999')
    expect(resolved.target.routes.me).toBe('GET /v1/me')
  })

  test('a running target needs a fixed issuer port and one profile', () => {
    expect(configError({ target: URL_TARGET }).message).toMatch(/needs a fixed --issuer-port and one --profile/)
    const several = { target: { ...URL_TARGET, profiles: ['EdDSA', 'ES256'] as const } }
    expect(configError(several, { issuerPort: 4545 }).message).toMatch(/one --profile per run/)
    expect(selectedProfiles(resolveConfig({ target: URL_TARGET }, { issuerPort: 4545 }))).toEqual(['EdDSA'])
  })
})

describe('importConfigFile', () => {
  const dirs: string[] = []
  const tempDir = (parent: string) => {
    mkdirSync(parent, { recursive: true })
    const dir = mkdtempSync(path.join(parent, 'authconform-unit-'))
    dirs.push(dir)
    return dir
  }
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  test("loads a .ts config that imports defineConfig from 'authconform' (package self-reference)", async () => {
    // Self-reference resolves only inside the package, so this file lives under the repo's ignored .tmp/.
    const file = path.join(tempDir(path.join(REPO, '.tmp')), 'authconform.config.ts')
    writeFileSync(
      file,
      ["import { defineConfig } from 'authconform'", 'const port: number = 0', "export default defineConfig({ target: { command: 'node app.js', cwd: './backend', routes: { me: 'GET /api/me' } }, issuer: { port } })"].join('\n'),
    )
    const config = await importConfigFile(file)
    expect(config).toEqual({ target: { command: 'node app.js', cwd: './backend', routes: { me: 'GET /api/me' } }, issuer: { port: 0 } })
    expect(resolveConfig(config, {}, file).target.cwd).toBe(path.join(path.dirname(file), 'backend'))
  })

  test('loads a plain object exported from a .mjs file', async () => {
    const file = path.join(tempDir(os.tmpdir()), 'authconform.config.mjs')
    writeFileSync(file, `export default ${JSON.stringify({ target: URL_TARGET, suites: ['claims'] })}\n`)
    expect(await importConfigFile(file)).toEqual({ target: URL_TARGET, suites: ['claims'] })
  })

  test('a missing file is ERR_CONFIG_NOT_FOUND naming the file', async () => {
    const file = path.join(tempDir(os.tmpdir()), 'nope.config.ts')
    const error = await importConfigFile(file).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthconformError)
    expect((error as AuthconformError).code).toBe('ERR_CONFIG_NOT_FOUND')
    expect((error as AuthconformError).message).toContain(file)
  })
})
