import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from '../../harness/environment/ports.ts'
import { REPO, runCli } from '../support/cli.ts'

/**
 * `authconform init` against a FastAPI backend the developer already runs: the routes come
 * from its /openapi.json, and the written config runs as it stands.
 */
let backend: ChildProcess
let targetPort: number
let issuerPort: number
let dir: string

beforeAll(async () => {
  ;[targetPort, issuerPort] = [await freePort(), await freePort()]
  dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-init-'))
  backend = spawn('/usr/bin/python3', ['-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(targetPort)], {
    cwd: path.join(REPO, 'fixtures/targets/fastapi-good'),
    env: { ...process.env, BETTER_AUTH_URL: `http://127.0.0.1:${issuerPort}`, JWT_ALGORITHMS: 'EdDSA' },
    stdio: 'ignore',
  })
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`http://127.0.0.1:${targetPort}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('fastapi-good did not start')
})

afterAll(() => {
  backend?.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
})

test('guesses me and the resource routes from /openapi.json; the written config runs', async () => {
  const file = path.join(dir, 'authconform.config.ts')
  const init = await runCli(['init', '--target-url', `http://127.0.0.1:${targetPort}`, '--issuer-port', String(issuerPort), '--out', file])
  expect(init.code, init.stderr).toBe(0)
  expect(init.stdout).toMatch(/from http:\/\/127\.0\.0\.1:\d+\/openapi\.json: me GET \/api\/me, resource GET \/api\/todos/)
  const written = readFileSync(file, 'utf8')
  expect(written).toContain("me: 'GET /api/me', // answers 2xx for a valid token")
  expect(written).toContain("meId: 'user.id'")
  expect(written).toContain("create: 'POST /api/todos', body: { title: 'authconform' }, id: 'id',")
  expect(written).toContain("list: 'GET /api/todos', items: 'data',")
  expect(written).toContain("read: 'GET /api/todos/{todo_id}',")
  expect(written).toContain("update: 'PATCH /api/todos/{todo_id}', updateBody: { title: 'changed by authconform' },")
  expect(written).toContain("remove: 'DELETE /api/todos/{todo_id}',")
  expect(written).toContain(`issuer: { port: ${issuerPort}, expiresIn: '15m' }`)
  // Its CORS layer answered the preflight (without allowing localhost:3000): browsers call it.
  expect(written).toMatch(/^ {4}\/\/ cors: \{ allowedOrigins/m)

  const run = await runCli(['run', '--config', file, '--suite', 'baseline', '--suite', 'ownership'])
  expect(run.code, run.stdout).toBe(0)
  expect(run.stdout.trim().split('\n').pop()).toBe('15 passed, 0 failed, 0 warned, 0 skipped, 0 errored')
  expect(run.leftovers()).toEqual([])
})

test('asks nothing off a terminal, refuses to overwrite, and writes placeholders without OpenAPI', async () => {
  const file = path.join(dir, 'placeholder.config.ts')
  writeFileSync(file, '// mine')
  const refused = await runCli(['init', '--out', file])
  expect(refused.code).toBe(2)
  expect(refused.stderr.trim()).toMatch(/^authconform: .*placeholder\.config\.ts exists: pass --force to overwrite it, or --out <file> \[ERR_USAGE\]$/)
  const nothing = await runCli(['init', '--out', file, '--force', '--command', '/usr/bin/python3 -m uvicorn app:app --host 127.0.0.1 --port $PORT'])
  expect(nothing.code).toBe(0)
  const written = readFileSync(file, 'utf8')
  expect(written).toContain("command: '/usr/bin/python3 -m uvicorn app:app --host 127.0.0.1 --port $PORT'")
  expect(written).toContain("me: 'GET /api/me'")
  // It still loads: `list` runs through the config loader without starting anything.
  const check = await runCli(['run', '--config', file, '--only', 'nope/nope'])
  expect(check.stderr).toMatch(/unknown case id "nope\/nope"/)
})

test('a backend with no CORS layer at all is written as one no browser calls (cors: false)', async () => {
  const server = http.createServer((_req, res) => res.writeHead(404).end())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const file = path.join(dir, 'no-cors.config.ts')
    const init = await runCli(['init', '--target-url', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, '--out', file])
    expect(init.code, init.stderr).toBe(0)
    expect(readFileSync(file, 'utf8')).toMatch(/^ {4}cors: false, \/\/ a preflight from http:\/\/localhost:3000 got no CORS headers/m)
  } finally {
    server.close()
  }
})
