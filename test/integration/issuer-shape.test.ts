import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { resolveConfig } from '../../harness/config/resolve.ts'
import { controlClient } from '../../harness/core/protocol/control.ts'
import { Cleanup } from '../../harness/environment/cleanup.ts'
import { startIssuer, type StartedIssuer } from '../../harness/environment/issuer.ts'
import { freePort } from '../../harness/environment/ports.ts'
import { startPostgres, type StartedPostgres } from '../../harness/environment/postgres.ts'
import { startTarget } from '../../harness/environment/target.ts'
import { signUpPrincipals } from '../../harness/principals/index.ts'
import { REPO } from '../support/cli.ts'

/**
 * The issuer's shape (issuer.basePath, issuer.jwksPath) and target.env's mapping, against a real
 * Better Auth issuer and a backend whose env names are its own.
 */
const SHAPE = { basePath: '/auth/v1', jwksPath: '/.well-known/jwks.json' }
const cleanup = new Cleanup()
let postgres: StartedPostgres
let issuer: StartedIssuer

beforeAll(async () => {
  postgres = cleanup.use('postgres', await startPostgres({ runtime: 'embedded' }))
  issuer = cleanup.use('issuer', await startIssuer({ profile: 'EdDSA', databaseUrl: await postgres.createDatabase('issuer_shape'), port: 0, expiresIn: '15m', ...SHAPE }))
})
afterAll(() => cleanup.dispose())

describe('an issuer with basePath /auth/v1 and jwksPath /.well-known/jwks.json', () => {
  test('serves its JWKS, token and sign-up there, and nothing at the defaults', async () => {
    expect(issuer.jwksURL).toBe(`${issuer.baseURL}/auth/v1/.well-known/jwks.json`)
    expect(issuer.tokenURL).toBe(`${issuer.baseURL}/auth/v1/token`)
    const jwks = (await fetch(issuer.jwksURL).then((r) => r.json())) as { keys: { kid: string; alg: string }[] }
    expect(jwks.keys[0]).toMatchObject({ alg: 'EdDSA' })
    expect((await fetch(`${issuer.baseURL}/api/auth/jwks`)).status).toBe(404)
    const { a } = await signUpPrincipals(issuer, 'shape')
    expect(a.claims).toMatchObject({ iss: issuer.baseURL, aud: issuer.baseURL })
  })

  test('answers the JWKS URL with a trailing slash as Next.js does: 308 to the canonical path', async () => {
    const manual = await fetch(`${issuer.jwksURL}/`, { redirect: 'manual' })
    expect(manual.status).toBe(308)
    expect(manual.headers.get('location')).toBe('/auth/v1/.well-known/jwks.json')
    await manual.body?.cancel()
    const followed = await fetch(`${issuer.jwksURL}/`, { redirect: 'follow' })
    expect(followed.redirected).toBe(true)
    expect(((await followed.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0)
  })

  test('its control endpoints live under the base path and count requests to the moved JWKS', async () => {
    const control = controlClient(issuer as never)
    expect(issuer.controlURL).toBe(`${issuer.baseURL}/auth/v1/conformance`)
    const since = Date.now()
    expect(await control.currentKid()).toBeTruthy()
    await fetch(issuer.jwksURL).then((r) => r.body?.cancel())
    await fetch(`${issuer.baseURL}/auth/v1/jwks`).then((r) => r.body?.cancel()) // the default path: not the JWKS here
    expect(await control.jwksRequests(since)).toBe(1)
  })
})

test('target.env maps the injected variables onto a backend’s own names, which then verifies real tokens', async () => {
  const config = resolveConfig(
    {
      target: {
        command: 'node env-mapped-target.mjs',
        ready: '/health',
        routes: { me: 'GET /api/me' },
        env: { MY_JWKS: '${JWKS_URL}', MY_ISSUER: '${JWT_ISSUER}', MY_AUDIENCE: '${API_AUDIENCE}', MY_ALGORITHMS: '${JWT_ALGORITHMS}', HTTP_PORT: '${PORT}' },
      },
    },
    {},
    path.join(REPO, 'test/fixtures/authconform.config.mjs'),
  )
  const target = cleanup.use('target', await startTarget(config.target, issuer))
  const { a } = await signUpPrincipals(issuer, 'mapped')
  const me = (token: string) => fetch(`${target.baseURL}/api/me`, { headers: { authorization: `Bearer ${token}` } })
  const accepted = await me(a.token)
  expect(accepted.status, target.output().join('\n')).toBe(200)
  expect(await accepted.json()).toEqual({ user: { id: a.id } })
  const [header, payload] = a.token.split('.')
  expect((await me(`${header}.${payload}.${'A'.repeat(86)}`)).status).toBe(401)
})

test('the issuer image’s entry point takes the shape from AUTHCONFORM_BASE_PATH / AUTHCONFORM_JWKS_PATH', async () => {
  const port = await freePort()
  const env = {
    ...process.env,
    DATABASE_URL: await postgres.createDatabase('issuer_shape_main'),
    PORT: String(port),
    BETTER_AUTH_SECRET: 'a-secret-for-the-issuer-entry-point',
    AUTHCONFORM_CONTROL_KEY: 'control-key-of-this-test',
    AUTHCONFORM_BASE_PATH: '/',
    AUTHCONFORM_JWKS_PATH: '/keys.json',
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'harness/environment/issuer-main.ts'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  try {
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('authconform issuer ready')) resolve()
      }
      child.stdout.on('data', read)
      child.stderr.on('data', read)
      void exited.then((code) => reject(new Error(`the issuer exited (${code}): ${output}`)))
    })
    const jwks = (await fetch(`http://127.0.0.1:${port}/keys.json/`).then((r) => r.json())) as { keys: unknown[] }
    expect(jwks.keys.length).toBeGreaterThan(0)
  } finally {
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  }
})

test('the entry point refuses a malformed path with exit 2 and one line naming the variable', async () => {
  const env = { ...process.env, DATABASE_URL: 'postgres://u@127.0.0.1:1/db', BETTER_AUTH_SECRET: 'x', AUTHCONFORM_CONTROL_KEY: 'control-key-of-this-test', AUTHCONFORM_JWKS_PATH: 'jwks' }
  const child = spawn(process.execPath, ['--import', 'tsx', 'harness/environment/issuer-main.ts'], { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2)
  expect(stderr.trim()).toBe('authconform issuer: AUTHCONFORM_JWKS_PATH must start with / (got "jwks")')
})
