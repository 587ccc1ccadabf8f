import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Cleanup } from '../../harness/environment/cleanup.ts'
import { CONTROL_KEY_HEADER } from '../../harness/core/protocol/control.ts'
import { conformanceControl } from '../../harness/environment/control-plugin.ts'
import { startIssuer, type StartedIssuer } from '../../harness/environment/issuer.ts'
import { startPostgres } from '../../harness/environment/postgres.ts'
import { signUpPrincipals } from '../../harness/principals/index.ts'
import { REFERENCE_ROUTES } from '../../fixtures/targets/_shared/routes.ts'
import type { ResultDocument } from '../../harness/report/document.ts'
import { REPO, runCli, type CliRun } from '../support/cli.ts'
import { closedPort, lastLine } from '../support/cli-output.ts'
import { writeConfig } from '../support/config-file.ts'
import { boundSockets, processesMarked, type BoundSocket } from '../support/sockets.ts'

/**
 * The harness is a security tool, so it must not open holes of its own: nothing it starts
 * listens beyond loopback, its back door into the issuer opens only with the per-run key, and
 * no secret it holds (BETTER_AUTH_SECRET, the control key, the users' passwords and sessions)
 * reaches a report.
 */
const NODE_GOOD = path.join(REPO, 'fixtures/targets/node-good')
const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-security-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const routes = () => JSON.parse(JSON.stringify(REFERENCE_ROUTES)) as typeof REFERENCE_ROUTES

describe('every server of a run binds loopback only', () => {
  test('the socket reader sees a wildcard listener for what it is', async () => {
    // The check below is only as good as this reader: it must flag 0.0.0.0 and [::].
    const servers = await Promise.all(['0.0.0.0', '::', '127.0.0.1'].map((host) => listening(host)))
    try {
      const mine = boundSockets([process.pid]).filter((s) => s.protocol.startsWith('tcp'))
      const ports = new Map(servers.map((server) => [(server.address() as net.AddressInfo).port, server]))
      const seen = mine.filter((s) => ports.has(s.port)).map((s) => `${s.host} ${s.loopback ? 'loopback' : 'exposed'}`)
      expect(seen.sort()).toEqual(['0.0.0.0 exposed', '127.0.0.1 loopback', '[::] exposed'])
    } finally {
      for (const server of servers) server.close()
    }
  })

  test('Postgres, issuers, targets, attacker, page servers and Chromium, all up at once', async () => {
    // Every page-server kind: a name (plain and https, mapped by Chromium) and a loopback literal.
    const pagePort = await closedPort()
    const origins = ['http://localhost:3000', 'https://localhost:3443', `http://127.0.0.1:${pagePort}`]
    const config = writeConfig({
      target: {
        command: 'node server.mjs',
        cwd: NODE_GOOD,
        env: { CORS_ALLOWED_ORIGINS: origins.join(',') },
        ready: '/health',
        profiles: ['EdDSA'],
        routes: routes(),
        cors: { allowedOrigins: origins },
      },
    })
    // Every process of the run (the CLI, Postgres, both targets, Chromium) inherits the marker.
    const marker = `AUTHCONFORM_SECURITY_PROBE=${randomUUID()}`
    let sockets: BoundSocket[] = []
    let commands: string[] = []
    // The keys suite gives the profile its second (lifecycle) issuer and target; once the
    // baseline suite has finished, everything is up, and the keys suite is still waiting on caches.
    const run = await runCli(['run', '--config', config, '--suite', 'baseline', '--suite', 'cors', '--suite', 'flow', '--suite', 'keys', '--runtime', 'embedded'], {
      env: { [marker.split('=')[0]!]: marker.split('=')[1]! },
      interrupt: {
        when: /^baseline +\d+\/\d+/m,
        signal: 'SIGINT',
        first: async () => {
          const processes = processesMarked(marker)
          sockets = boundSockets(processes)
          commands = processes.map(commandOf)
        },
      },
    })
    expect(run.interruptError).toBeUndefined()
    const shown = sockets.map((s) => `${s.protocol} ${s.host}:${s.port} pid ${s.pid} ${s.command}`).join('\n')
    expect(
      sockets.filter((s) => !s.loopback),
      `listening beyond loopback:\n${shown}`,
    ).toEqual([])

    // Not vacuous: the pieces were found, each with its listener.
    const by = (pattern: RegExp) => sockets.filter((s) => pattern.test(s.command) && s.protocol.startsWith('tcp'))
    expect(by(/\bpostgres\b/).length, shown).toBeGreaterThanOrEqual(1)
    expect(by(/^node server\.mjs/).length, `the main and the keys target\n${shown}`).toBeGreaterThanOrEqual(2)
    // The CLI itself: two issuers, the attacker server, three page servers.
    expect(by(/authconform\.mjs run/).length, shown).toBeGreaterThanOrEqual(6)
    expect(
      sockets.some((s) => s.host === '127.0.0.1' && s.port === pagePort),
      `the page server for 127.0.0.1:${pagePort}\n${shown}`,
    ).toBe(true)
    expect(commands.filter((c) => /\/chromium /.test(c)).length, `Chromium was running\n${commands.join('\n')}`).toBeGreaterThan(0)
    // Playwright drives Chromium over a pipe: its DevTools endpoint is no port at all.
    expect(
      commands.filter((c) => /\/chromium /.test(c) && /--remote-debugging-port/.test(c)),
      'Chromium with a DevTools port',
    ).toEqual([])

    expect(run.code, run.stderr).toBe(130)
    expect(run.leftovers(), 'left behind').toEqual([])
  })
})

describe('conformance control opens only with the per-run key', () => {
  const cleanup = new Cleanup()
  let issuer: StartedIssuer
  let users: Awaited<ReturnType<typeof signUpPrincipals>>
  let kid: string

  // Every endpoint of the plugin, with a body it would accept: only the key is wrong.
  const endpoints = Object.values(conformanceControl({ controlKey: 'unused', secret: 'unused', jwksPathname: '/api/auth/jwks' }).endpoints).map((e) => ({ path: e.path, method: e.options.method }))
  const bodies: Record<string, () => unknown> = {
    '/conformance/sign': () => ({ signingInput: 'eyJhbGciOiJFZERTQSJ9.e30' }),
    '/conformance/rotate': () => ({}),
    '/conformance/remove': () => ({ kid }),
    '/conformance/delete-user': () => ({ userId: users.a.id }),
    '/conformance/expire-session': () => ({ token: users.a.sessionToken }),
    '/conformance/jwks-fault': () => ({ mode: 'fail' }),
  }
  const call = (endpoint: { path: string; method: string }, headers: Record<string, string>, query = '') =>
    fetch(`${issuer.authURL}${endpoint.path}${query}`, {
      method: endpoint.method,
      // The issuer's own origin: Better Auth's CSRF check passes, so a 403 is the key's.
      headers: { 'content-type': 'application/json', origin: issuer.baseURL, ...headers },
      ...(endpoint.method === 'POST' && { body: JSON.stringify(bodies[endpoint.path]!()) }),
    })

  beforeAll(async () => {
    const postgres = cleanup.use('postgres', await startPostgres({ runtime: 'embedded' }))
    issuer = cleanup.use('issuer', await startIssuer({ profile: 'EdDSA', databaseUrl: await postgres.createDatabase('control_key'), port: 0, expiresIn: '15m' }))
    users = await signUpPrincipals(issuer, 'control')
    kid = String(users.a.header.kid)
  })
  afterAll(() => cleanup.dispose())

  test('the plugin has the endpoints this test knows bodies for', () => {
    expect(endpoints.map((e) => e.path).sort()).toEqual([
      '/conformance/delete-user',
      '/conformance/expire-session',
      '/conformance/jwks-fault',
      '/conformance/jwks-requests',
      '/conformance/key',
      '/conformance/keys',
      '/conformance/remove',
      '/conformance/rotate',
      '/conformance/served-kids',
      '/conformance/sign',
    ])
    for (const e of endpoints.filter((e) => e.method === 'POST')) expect(bodies, e.path).toHaveProperty([e.path])
  })

  test('no key, an empty key, a near miss, or the key anywhere but its header: 403 on every endpoint', async () => {
    const key = issuer.controlKey
    const attempts: [string, Record<string, string>, string?][] = [
      ['no key', {}],
      ['an empty key', { [CONTROL_KEY_HEADER]: '' }],
      ['one character changed', { [CONTROL_KEY_HEADER]: key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A') }],
      ['a prefix of the key', { [CONTROL_KEY_HEADER]: key.slice(0, -1) }],
      ['the key and more', { [CONTROL_KEY_HEADER]: `${key}A` }],
      ['the key as a Bearer token', { authorization: `Bearer ${key}` }],
      ['the key as a cookie', { cookie: `${CONTROL_KEY_HEADER}=${key}` }],
      ['the key in the query', {}, `?${CONTROL_KEY_HEADER}=${encodeURIComponent(key)}`],
    ]
    const answers: string[] = []
    for (const endpoint of endpoints) {
      for (const [label, headers, query] of attempts) {
        const response = await call(endpoint, headers, query)
        const body = await response.text()
        answers.push(`${endpoint.method} ${endpoint.path} with ${label}: ${response.status} ${/requires the per-run key/.test(body) ? 'key refused' : body.slice(0, 80)}`)
        expect(body, 'the answer never echoes the key').not.toContain(key)
      }
    }
    expect(answers.filter((a) => !a.endsWith(': 403 key refused'))).toEqual([])
  })

  test('the refused requests changed nothing: same keys, JWKS answering, user A still there', async () => {
    const jwks = await fetch(issuer.jwksURL)
    expect(jwks.status).toBe(200)
    expect(((await jwks.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual([kid])
    const signIn = await fetch(`${issuer.baseURL}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: issuer.baseURL },
      body: JSON.stringify({ email: users.a.email, password: users.a.password }),
    })
    expect(signIn.status).toBe(200)
  })

  test('with the key, every endpoint answers (so each 403 above was the key, not a missing route)', async () => {
    // Last, and in this order: rotate and remove change the keys, expire-session ends A's session, delete-user removes A.
    const order = [
      '/conformance/key',
      '/conformance/keys',
      '/conformance/sign',
      '/conformance/jwks-requests',
      '/conformance/served-kids',
      '/conformance/jwks-fault',
      '/conformance/rotate',
      '/conformance/remove',
      '/conformance/expire-session',
      '/conformance/delete-user',
    ]
    expect([...order].sort()).toEqual(endpoints.map((e) => e.path).sort())
    for (const path of order) {
      const response = await call(endpoints.find((e) => e.path === path)!, { [CONTROL_KEY_HEADER]: issuer.controlKey })
      expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200)
      await response.body?.cancel()
    }
  })
})

describe('no secret reaches a report', () => {
  // 40 characters, distinctive enough that any appearance is a leak.
  const SECRET = 'authconform-secret-9f4c2e7a1b-DONT-LEAK!'
  const files = {
    json: path.join(dir, 'result.json'),
    junit: path.join(dir, 'junit.xml'),
    html: path.join(dir, 'report.html'),
    sarif: path.join(dir, 'result.sarif'),
  }
  const recorded = path.join(dir, 'secrets.jsonl')
  let run: CliRun
  let outputs: Record<string, string>
  let document: ResultDocument

  beforeAll(async () => {
    expect(SECRET).toHaveLength(40)
    const config = writeConfig({
      target: { command: 'node server.mjs', cwd: NODE_GOOD, ready: '/health', profiles: ['HS256', 'EdDSA'], routes: routes() },
      issuer: { secret: SECRET },
    })
    // The hook records the passwords, session tokens and control keys the run holds in memory.
    const hook = pathToFileURL(path.join(REPO, 'test/support/record-secrets.mjs')).href
    run = await runCli(
      ['run', '--config', config, '--profile', 'HS256', '--profile', 'EdDSA', '--skip', 'keys', '--runtime', 'embedded', '--verbose', '--json', files.json, '--junit', files.junit, '--html', files.html, '--sarif', files.sarif],
      { env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${hook}`.trim(), AUTHCONFORM_RECORD_SECRETS: recorded } },
    )
    outputs = { stdout: run.stdout, stderr: run.stderr, ...Object.fromEntries(Object.entries(files).map(([name, file]) => [name, existsSync(file) ? readFileSync(file, 'utf8') : ''])) }
    document = JSON.parse(outputs.json!)
  })

  test('the run itself went through: both profiles, every report written, nothing left behind', () => {
    expect(run.code, run.stderr).toBe(0)
    expect(lastLine(run.stdout)).toMatch(/^\d+ passed, 0 failed, 0 warned, \d+ skipped, 0 errored$/)
    expect(document.profiles).toEqual(['HS256', 'EdDSA'])
    for (const [name, text] of Object.entries(outputs)) if (name !== 'stderr') expect(text.length, name).toBeGreaterThan(1000)
    expect(run.leftovers(), 'left behind').toEqual([])
  })

  test('BETTER_AUTH_SECRET appears nowhere, in no encoding', () => {
    const forms = [SECRET, Buffer.from(SECRET).toString('base64url'), Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET).toString('hex'), encodeURIComponent(SECRET)]
    expect(leaks(outputs, forms)).toEqual([])
    // Reported as what is known about it, never the value.
    const strength = document.cases.find((c) => c.id === 'hs256/secret-strength' && c.profile === 'HS256')!
    expect(strength.reason).toMatch(/40 bytes/)
  })

  test("the control key, the users' passwords and session tokens appear nowhere", () => {
    const secrets = readFileSync(recorded, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; value: string })
    const kinds = (kind: string) => [...new Set(secrets.filter((s) => s.kind === kind).map((s) => s.value))]
    // Two issuers: two control keys; users A, B (and C, whom the deleted-user case signs up) per profile.
    expect(kinds('control key')).toHaveLength(2)
    expect(kinds('password').length).toBeGreaterThanOrEqual(4)
    expect(kinds('session token').length).toBeGreaterThanOrEqual(4)
    expect(leaks(outputs, [...kinds('control key'), ...kinds('password'), ...kinds('session token'), CONTROL_KEY_HEADER])).toEqual([])
    expect(leaks(outputs, ['"password"'])).toEqual([])
  })

  test('the JSON document has no field that could carry a principal or a key', () => {
    const forbidden = /^(password|secret|controlKey|sessionCookie|sessionData|privateKey|privateJwk|email)$/i
    const fields = new Set<string>()
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) {
        value.forEach(walk)
        return
      }
      if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          fields.add(key)
          walk(inner)
        }
      }
    }
    walk(document)
    expect([...fields].filter((f) => forbidden.test(f))).toEqual([])
  })
})

/** Where each needle appears: `output: needle…` for every hit (case-sensitive). */
function leaks(outputs: Record<string, string>, needles: string[]): string[] {
  return Object.entries(outputs).flatMap(([name, text]) => needles.filter((n) => text.includes(n)).map((n) => `${name}: ${n.slice(0, 12)}…`))
}

function listening(host: string): Promise<net.Server> {
  const server = net.createServer()
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve(server))
  })
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim()
  } catch {
    return '(exited)'
  }
}
