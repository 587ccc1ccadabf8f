import { spawn } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from '../../harness/environment/ports.ts'
import { REPO, runCli } from '../support/cli.ts'

/**
 * `authconform init` against FastAPI backends the developer already runs: the routes come
 * from their /openapi.json, the env names from their source, and the written config runs as
 * it stands.
 */
let stopBackend: () => void
let targetPort: number
let issuerPort: number
let dir: string

/** A FastAPI app served by uvicorn from `cwd` on a free port, once /health answers. */
async function startUvicorn(cwd: string, env: Record<string, string>): Promise<{ port: number; stop: () => void }> {
  const port = await freePort()
  const child = spawn('/usr/bin/python3', ['-B', '-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(port)], { cwd, env: { ...process.env, ...env }, stdio: 'ignore' })
  const stop = () => child.kill('SIGTERM')
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    )
    if (up) return { port, stop }
    await new Promise((r) => setTimeout(r, 50))
  }
  stop()
  throw new Error(`${cwd} did not start`)
}

beforeAll(async () => {
  issuerPort = await freePort()
  dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-init-'))
  const backend = await startUvicorn(path.join(REPO, 'fixtures/targets/fastapi-good'), { BETTER_AUTH_URL: `http://127.0.0.1:${issuerPort}`, JWT_ALGORITHMS: 'EdDSA' })
  ;[targetPort, stopBackend] = [backend.port, backend.stop]
})

afterAll(() => {
  stopBackend?.()
  rmSync(dir, { recursive: true, force: true })
})

test('guesses me and the resource routes from /openapi.json; the written config runs', async () => {
  const file = path.join(dir, 'authconform.config.ts')
  const init = await runCli(['init', '--target-url', `http://127.0.0.1:${targetPort}`, '--issuer-port', String(issuerPort), '--out', file, '--dir', dir])
  expect(init.code, init.stderr).toBe(0)
  expect(init.stdout).toMatch(/from http:\/\/127\.0\.0\.1:\d+\/openapi\.json: me GET \/api\/me, resource GET \/api\/todos/)
  const written = readFileSync(file, 'utf8')
  for (const line of [
    "me: 'GET /api/me', // answers 2xx for a valid token",
    "meId: 'user.id'",
    "create: 'POST /api/todos', body: { title: 'authconform' }, id: 'id',",
    "list: 'GET /api/todos', items: 'data',",
    "read: 'GET /api/todos/{todo_id}',",
    "update: 'PATCH /api/todos/{todo_id}', updateBody: { title: 'changed by authconform' },",
    "remove: 'DELETE /api/todos/{todo_id}',",
    `issuer: { port: ${issuerPort}, expiresIn: '15m' }`,
  ])
    expect(written).toContain(line)
  // Its CORS layer answered the preflight (without allowing localhost:3000): browsers call it.
  expect(written).toMatch(/^ {4}\/\/ cors: \{ allowedOrigins/m)

  const run = await runCli(['run', '--config', file, '--suite', 'baseline', '--suite', 'ownership'])
  expect(run.code, run.stdout).toBe(0)
  // The two other-users-path cases skip: no route of this API carries {sub}.
  expect(run.stdout.trim().split('\n').pop()).toBe('16 passed, 0 failed, 0 warned, 2 skipped, 0 errored')
  expect(run.leftovers()).toEqual([])
})

test('asks nothing off a terminal, refuses to overwrite, and writes placeholders without OpenAPI', async () => {
  const file = path.join(dir, 'placeholder.config.ts')
  writeFileSync(file, '// mine')
  const refused = await runCli(['init', '--out', file])
  expect(refused.code).toBe(2)
  expect(refused.stderr.trim()).toMatch(/^authconform: .*placeholder\.config\.ts exists: pass --force to overwrite it, or --out <file> \[ERR_USAGE\]$/)
  const nothing = await runCli(['init', '--out', file, '--force', '--dir', dir, '--command', '/usr/bin/python3 -m uvicorn app:app --host 127.0.0.1 --port $PORT'])
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
    const init = await runCli(['init', '--target-url', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, '--out', file, '--dir', dir])
    expect(init.code, init.stderr).toBe(0)
    expect(readFileSync(file, 'utf8')).toMatch(/^ {4}cors: false, \/\/ a preflight from http:\/\/localhost:3000 got no CORS headers/m)
  } finally {
    server.close()
  }
})

/**
 * A backend as teams write it for Better Auth: tasks kept per user in the path
 * (`/api/{user_id}/tasks`, fastapi-path-scoped's routes), no /api/me, and its own names for the
 * issuer's coordinates, read straight from os.environ.
 */
const PATH_SCOPED_APP = `import os, sys
sys.path.insert(0, ${JSON.stringify(path.join(REPO, 'fixtures/targets/_python'))})
from path_tasks import build_path_app
from verifier_app import pinned_settings, pyjwt_verifier

AUTH_SERVER = os.environ["AUTH_SERVER"]
settings = pinned_settings(
    jwks_url=os.environ.get("BETTER_AUTH_JWKS_URL") or f"{AUTH_SERVER}/api/auth/jwks",
    issuer=AUTH_SERVER,
    audience=os.getenv("JWT_AUDIENCE", AUTH_SERVER),
    algorithms=[os.getenv("JWT_ALGORITHM", "EdDSA")],
)
app = build_path_app(pyjwt_verifier(settings))
`

test('a path-scoped backend with its own env names: {sub} routes, no me, target.env from its source; the config runs', async () => {
  const backendDir = path.join(dir, 'backend')
  mkdirSync(path.join(backendDir, 'node_modules/left-pad'), { recursive: true })
  writeFileSync(path.join(backendDir, 'app.py'), PATH_SCOPED_APP)
  writeFileSync(path.join(backendDir, '.env.example'), 'AUTH_SERVER=http://localhost:3000\nBETTER_AUTH_JWKS_URL=http://localhost:3000/api/auth/jwks\nDATABASE_URL=postgresql://localhost/tasks\n')
  writeFileSync(path.join(backendDir, '.env'), 'SECRET_FROM_DOTENV=never-read\n')
  writeFileSync(path.join(backendDir, 'node_modules/left-pad/index.js'), 'module.exports = process.env.FROM_NODE_MODULES\n')
  symlinkSync(path.join(backendDir, 'gone'), path.join(backendDir, 'dangling.py'))
  symlinkSync(backendDir, path.join(backendDir, 'loop'))

  const file = path.join(dir, 'path-scoped.config.ts')
  const running = await startUvicorn(backendDir, { AUTH_SERVER: 'http://127.0.0.1:9' })
  try {
    const command = '/usr/bin/python3 -B -m uvicorn app:app --host 127.0.0.1 --port $PORT'
    const init = await runCli(['init', '--target-url', `http://127.0.0.1:${running.port}`, '--command', command, '--dir', backendDir, '--out', file])
    expect(init.code, init.stderr).toBe(0)
    expect(init.stdout).toContain('resource GET /api/{sub}/tasks')
    expect(init.stdout).toContain('env: AUTH_SERVER ← ${BETTER_AUTH_URL} (app.py:6), BETTER_AUTH_JWKS_URL ← ${JWKS_URL} (app.py:8), JWT_AUDIENCE ← ${API_AUDIENCE} (app.py:10), JWT_ALGORITHM ← ${JWT_ALGORITHMS} (app.py:11)\n')
  } finally {
    running.stop()
  }
  const written = readFileSync(file, 'utf8')
  expect(written).not.toMatch(/^\s*me:/m)
  for (const line of [
    "      meId: 'user_id',\n",
    "create: 'POST /api/{sub}/tasks', body: { title: 'authconform' }, id: 'id',",
    "list: 'GET /api/{sub}/tasks',",
    "read: 'GET /api/{sub}/tasks/{task_id}',",
    "update: 'PUT /api/{sub}/tasks/{task_id}', updateBody: { title: 'changed by authconform' },",
    "remove: 'DELETE /api/{sub}/tasks/{task_id}',",
    "    cwd: './backend',",
    "      AUTH_SERVER: '${BETTER_AUTH_URL}', // app.py:6\n",
    '    //   DATABASE_URL (.env.example:3)\n',
  ])
    expect(written).toContain(line)
  expect(written).not.toMatch(/SECRET_FROM_DOTENV|FROM_NODE_MODULES/)

  // As written, no edits: the backend starts with its own names and the ownership suite runs on {sub} routes.
  const run = await runCli(['run', '--config', file, '--suite', 'baseline', '--suite', 'ownership'])
  expect(run.code, run.stdout + run.stderr).toBe(0)
  expect(run.stdout.trim().split('\n').pop()).toMatch(/^\d+ passed, 0 failed, 0 warned, \d+ skipped, 0 errored$/)
  expect(run.leftovers()).toEqual([])
})

test('fastapi-own-env-names: names read through a helper, no me and no read route; the config runs', async () => {
  const fixture = path.join(REPO, 'fixtures/targets/fastapi-own-env-names')
  const file = path.join(dir, 'own-env-names.config.ts')
  const running = await startUvicorn(fixture, { AUTH_SERVER: 'http://127.0.0.1:9', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks', TOKEN_AUDIENCE: 'x', TOKEN_ALGORITHMS: 'EdDSA' })
  try {
    const command = '/usr/bin/python3 -B -m uvicorn app:app --host 127.0.0.1 --port $PORT'
    const init = await runCli(['init', '--target-url', `http://127.0.0.1:${running.port}`, '--command', command, '--dir', fixture, '--out', file])
    expect(init.code, init.stderr).toBe(0)
  } finally {
    running.stop()
  }
  const written = readFileSync(file, 'utf8')
  // `required("AUTH_SERVER")` and `secret_env="AUTH_SECRET"`: the backend's own names, mapped.
  for (const [name, value] of Object.entries({ AUTH_SERVER: 'BETTER_AUTH_URL', AUTH_JWKS_URL: 'JWKS_URL', TOKEN_AUDIENCE: 'API_AUDIENCE', TOKEN_ALGORITHMS: 'JWT_ALGORITHMS', AUTH_SECRET: 'BETTER_AUTH_SECRET' })) {
    expect(written).toMatch(new RegExp(`^ {6}${name}: '\\$\\{${value}\\}', // app\\.py:\\d+$`, 'm'))
  }
  expect(written).not.toMatch(/^\s*(me|read):/m)
  for (const line of ["      meId: 'owner',\n", "list: 'GET /api/notes', items: 'notes',", "update: 'PATCH /api/notes/{note_id}', updateBody: { text: 'changed by authconform' },"]) expect(written).toContain(line)

  const run = await runCli(['run', '--config', file, '--suite', 'baseline', '--suite', 'ownership'])
  expect(run.code, run.stdout + run.stderr).toBe(0)
  expect(run.stdout.trim().split('\n').pop()).toMatch(/^\d+ passed, 0 failed, 0 warned, \d+ skipped, 0 errored$/)
  expect(run.leftovers()).toEqual([])
})
