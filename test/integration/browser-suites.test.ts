import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ResultDocument } from '../../harness/report/document.ts'
import { REPO, runCli as runCliOnce, type CliRun } from '../support/cli.ts'
import { writeConfig } from '../support/config-file.ts'
import { readFileSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'

/**
 * The browser suites against frontend origins the user configures: a name (localhost:3000,
 * served through Chromium's resolver rules), an https origin (a self-signed page server), a
 * loopback literal whose port is taken, and a machine without Chromium.
 */
const NODE_GOOD = path.join(REPO, 'fixtures/targets/node-good/server.mjs')
const FRONTENDS = ['http://localhost:3000', 'https://app.authconform.test']

let scratch: string
beforeAll(() => void (scratch = mkdtempSync(path.join(os.tmpdir(), 'authconform-browser-'))))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

async function runCors(target: { allowedByTarget: string[]; configured: string[] }, env: Record<string, string> = {}) {
  const config = writeConfig({
    target: {
      command: `node ${NODE_GOOD}`,
      ready: '/health',
      env: { CORS_ALLOWED_ORIGINS: target.allowedByTarget.join(',') },
      profiles: ['EdDSA'],
      routes: { me: 'GET /api/me', meId: 'user.id' },
      cors: { allowedOrigins: target.configured },
    },
    suites: ['cors', 'flow'],
  })
  const out = path.join(scratch, `result-${Math.random().toString(36).slice(2)}.json`)
  const run: CliRun = await runCliOnce(['run', '--config', config, '--json', out], { env })
  expect(run.leftovers(), 'left behind').toEqual([])
  const document = JSON.parse(readFileSync(out, 'utf8')) as ResultDocument
  const verdicts = Object.fromEntries(document.cases.map((c) => [c.id, c.verdict]))
  return { run, document, verdicts }
}

test("Better Auth served at its origin's root (basePath '/'): the client in the page signs in there", async () => {
  const config = writeConfig({
    target: { command: `node ${NODE_GOOD}`, ready: '/health', profiles: ['EdDSA'], routes: { me: 'GET /api/me', meId: 'user.id' } },
    issuer: { basePath: '/', jwksPath: '/keys' },
    suites: ['flow'],
  })
  const run = await runCliOnce(['run', '--config', config])
  expect(run.code, run.stdout + run.stderr).toBe(0)
  expect(run.stdout.trim().split('\n').pop()).toBe('2 passed, 0 failed, 0 warned, 0 skipped, 0 errored')
  expect(run.leftovers(), 'left behind').toEqual([])
})

describe('configured frontend origins', () => {
  test('a target that allows them passes; the sign-in flow runs on the first one through the proxy', async () => {
    const { run, verdicts, document } = await runCors({ allowedByTarget: FRONTENDS, configured: FRONTENDS })
    expect(run.code, run.stdout).toBe(0)
    expect(verdicts).toEqual({
      'cors/allowed-origin-reads': 'pass',
      'cors/preflight-not-401': 'pass',
      'cors/disallowed-origin-blocked': 'pass',
      'cors/credentials-with-any-origin': 'pass',
      'flow/browser-sign-in': 'pass',
      'flow/session-jwt-header': 'pass',
    })
    const flow = document.cases.find((c) => c.id === 'flow/browser-sign-in')!
    expect(flow.steps?.[0]?.browser).toMatch(/a page at http:\/\/localhost:3000 signed A in/)
  })

  test('an origin the target does not allow fails cors/allowed-origin-reads, naming it', async () => {
    const { run, document, verdicts } = await runCors({ allowedByTarget: [FRONTENDS[0]!], configured: FRONTENDS })
    expect(run.code).toBe(1)
    expect(Object.entries(verdicts).filter(([, v]) => v !== 'pass')).toEqual([['cors/allowed-origin-reads', 'fail']])
    const failed = document.cases.find((c) => c.id === 'cors/allowed-origin-reads')!
    expect(failed.reason).toMatch(/^a page at https:\/\/app\.authconform\.test cannot read the answer/)
    expect(failed.steps!.map((s) => s.label)).toEqual(['Chromium page at http://localhost:3000 calls GET /api/me', 'Chromium page at https://app.authconform.test calls GET /api/me', 'preflight from https://app.authconform.test'])
  })
})

test('a loopback origin whose port is taken is an error naming the port, not a verdict', async () => {
  const busy = net.createServer().listen(0, '127.0.0.1')
  await new Promise((r) => busy.once('listening', r))
  try {
    const origin = `http://127.0.0.1:${(busy.address() as net.AddressInfo).port}`
    const { verdicts, document } = await runCors({ allowedByTarget: [origin], configured: [origin] })
    expect(verdicts['cors/allowed-origin-reads']).toBe('error')
    expect(document.cases.find((c) => c.id === 'cors/allowed-origin-reads')!.reason).toMatch(new RegExp(`cannot serve a page from ${origin}: .*EADDRINUSE.*free that port`))
    // The preflight needs no page: it is still judged.
    expect(verdicts['cors/preflight-not-401']).toBe('pass')
  } finally {
    busy.close()
  }
})

test('without Chromium the browser cases are errors naming apt-get install chromium; the rest still run', async () => {
  const { run, verdicts, document } = await runCors({ allowedByTarget: [], configured: ['http://localhost:3000'] }, { AUTHCONFORM_CHROMIUM: '/nonexistent/chromium' })
  expect(run.code).toBe(1)
  const errored = document.cases.filter((c) => c.verdict === 'error')
  expect(errored.map((c) => c.id).sort()).toEqual(['cors/allowed-origin-reads', 'cors/disallowed-origin-blocked', 'flow/browser-sign-in', 'flow/session-jwt-header'])
  for (const c of errored) expect(c.reason).toBe('Chromium not found at /nonexistent/chromium: apt-get install chromium (or set AUTHCONFORM_CHROMIUM to its path)')
  expect(verdicts['cors/credentials-with-any-origin']).toBe('pass')
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
})
