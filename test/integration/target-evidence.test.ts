import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ResultDocument } from '../../harness/report/document.ts'
import { REPO, runCli as runCliOnce, type CliRun } from '../support/cli.ts'
import { lastLine, STACK_FRAME } from '../support/cli-output.ts'
import { writeConfig } from '../support/config-file.ts'

/**
 * A real target that refuses every token, the valid one too: the run says what the target
 * answered to the valid token, what was sent, the likely fix, and where the target's log is.
 */
const FIXTURE = path.join(REPO, 'test/fixtures/faulty-target.mjs')
const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-target-evidence-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function runRefusing(status: number, env: Record<string, string> = {}): Promise<{ run: CliRun; document: ResultDocument }> {
  const out = path.join(dir, `refuse-${status}.json`)
  const config = writeConfig({ target: { command: `node ${JSON.stringify(FIXTURE)}`, env: { FAULT: `refuse=${status}` }, ready: '/health', routes: { me: 'GET /api/me' } } })
  const run = await runCliOnce(['run', '--config', config, '--suite', 'baseline', '--profile', 'EdDSA', '--runtime', 'embedded', '--json', out], { env })
  expect(run.leftovers(), 'left behind').toEqual([])
  return { run, document: JSON.parse(readFileSync(out, 'utf8')) as ResultDocument }
}

describe('a target that answers 401 to the valid token', () => {
  let run: CliRun
  let document: ResultDocument
  beforeAll(async () => {
    ;({ run, document } = await runRefusing(401, { DEBUG: 'authconform:target' }))
  })

  test('the run ends with the valid-token case failed and the others errored, no stack trace', () => {
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).not.toMatch(STACK_FRAME)
    expect(lastLine(run.stdout)).toBe('0 passed, 1 failed, 0 warned, 2 skipped, 4 errored')
  })

  test('the valid-token case says what was sent and what came back, and the fix names the issuer values', () => {
    const lines = run.stdout.split('\n')
    const at = lines.findIndex((line) => line.startsWith('FAIL [high] baseline/valid-token (EdDSA)'))
    expect(at, run.stdout).toBeGreaterThanOrEqual(0)
    const [reason, request, response, fix] = lines.slice(at + 1, at + 5)
    expect(reason).toBe('    reason:   the target refused a valid EdDSA token: GET /api/me (token in the Authorization header) answered 401 — likely an audience, issuer or JWKS URL mismatch')
    expect(request).toMatch(/^ {4}request: {2}GET http:\/\/127\.0\.0\.1:\d+\/api\/me {2}Authorization: Bearer eyJ\S+…\(\d+ chars\)$/)
    expect(response).toMatch(/^ {4}response: 401 faulty-target refuses every token second line /)
    expect(fix).toMatch(
      /^ {4}fix: {6}the verifier must use what the issuer signs with: JWKS_URL=http:\/\/127\.0\.0\.1:(\d+)\/api\/auth\/jwks, JWT_ISSUER=http:\/\/127\.0\.0\.1:\1, API_AUDIENCE=http:\/\/127\.0\.0\.1:\1, JWT_ALGORITHMS=EdDSA .*; DEBUG=authconform:target prints a started target's output$/,
    )
  })

  test('the report keeps the first 200 bytes of the answer and a replay of the request', () => {
    const valid = document.cases.find((c) => c.id === 'baseline/valid-token')!
    expect(valid.evidence?.status).toBe(401)
    expect(valid.evidence?.bodyHead).toMatch(/^faulty-target refuses every token\n\tsecond line \x1b\[31mred\x1b\[0m x+$/)
    expect(Buffer.byteLength(valid.evidence!.bodyHead!)).toBe(200)
    expect(valid.curl).toMatch(/^curl -sS -i 'http:\/\/127\.0\.0\.1:\d+\/api\/me' -H 'Authorization: Bearer eyJ[\w.-]+'$/)
  })

  test('every other case is an error with the same one-line cause', () => {
    const others = document.cases.filter((c) => c.verdict === 'error')
    expect(others.length).toBe(4)
    for (const c of others) {
      expect(c.reason, c.id).toBe('baseline failed, so a rejection would prove nothing: the target refused a valid EdDSA token: GET /api/me (token in the Authorization header) answered 401 — likely an audience, issuer or JWKS URL mismatch')
    }
  })

  test('DEBUG=authconform:target, where the message points, shows the target refusing it', () => {
    expect(run.stderr).toMatch(/authconform:target faulty-target: refusing GET \/api\/me with 401/)
  })
})

test('a target that answers 404 to the valid token: the fix names target.routes.me', async () => {
  const { run, document } = await runRefusing(404)
  expect(run.code, run.stderr).toBe(1)
  const valid = document.cases.find((c) => c.id === 'baseline/valid-token')!
  expect(valid.reason).toBe('the target refused a valid EdDSA token: GET /api/me (token in the Authorization header) answered 404 — no such route: check target.routes.me ("GET /api/me")')
  expect(valid.fix).toMatch(/^set target\.routes\.me to the target's authenticated route that answers 2xx for a valid token; DEBUG=authconform:target/)
})
