import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from '../../harness/environment/ports.ts'
import { REPO, runCli } from '../support/cli.ts'

/**
 * A backend the user already runs (`--target-url`): it was configured by hand with the
 * issuer's fixed port, exactly as the README tells a developer to do.
 */
let backend: ChildProcess
let targetPort: number
let issuerPort: number

beforeAll(async () => {
  ;[targetPort, issuerPort] = [await freePort(), await freePort()]
  const issuer = `http://127.0.0.1:${issuerPort}`
  backend = spawn(process.execPath, ['server.mjs'], {
    cwd: path.join(REPO, 'fixtures/targets/node-good'),
    env: { ...process.env, PORT: String(targetPort), BETTER_AUTH_URL: issuer, JWKS_URL: `${issuer}/api/auth/jwks`, JWT_ISSUER: issuer, API_AUDIENCE: issuer, JWT_ALGORITHMS: 'ES256' },
    stdio: 'ignore',
  })
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`http://127.0.0.1:${targetPort}/health`).then(
      (r) => r.ok,
      () => false,
    )
    if (up) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('node-good did not start')
})

afterAll(() => {
  backend?.kill('SIGTERM')
})

test('runs every suite against a running backend with no config file', async () => {
  const run = await runCli(['run', '--target-url', `http://127.0.0.1:${targetPort}`, '--me-route', 'GET /api/me', '--issuer-port', String(issuerPort), '--profile', 'ES256'])
  expect(run.stderr).not.toMatch(/authconform: /)
  expect(run.code).toBe(0)
  // No meId without a config file: the identity cases skip with a reason; so do the cases of
  // other profiles and the keys scenarios (a running target cannot get a second issuer).
  expect(run.stdout.trim().split('\n').pop()).toMatch(/^\d{3} passed, 0 failed, 0 warned, \d+ skipped, 0 errored$/)
  expect(run.stdout).toMatch(/SKIP +\w+ +baseline\/second-user /)
  expect(run.stdout).toMatch(/SKIP +\w+ +keys\/rotation-new-kid /)
})

test('a running backend cannot take several profiles in one run', async () => {
  const run = await runCli(['run', '--target-url', `http://127.0.0.1:${targetPort}`, '--issuer-port', String(issuerPort), '--profile', 'ES256,EdDSA'])
  expect(run.code).toBe(2)
  expect(run.stderr).toMatch(/needs a fixed --issuer-port and one --profile per run/)
})
