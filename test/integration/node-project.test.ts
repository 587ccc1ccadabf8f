import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { REPO, runCli } from '../support/cli.ts'
import { newScope } from '../support/leftovers.ts'
import { exec, packCheckout } from '../support/pack.ts'

/**
 * `authconform/vitest` as a Node team uses it: fixtures/node-project is a project of its own (its
 * package.json, the packed tarball as its dependency) whose `vitest run` holds the catalogue
 * beside its other tests, against its jose Express app built in the test process. Its
 * decode-only twin must fail exactly the cases listed in expected/decode-only.json.
 */
const work = mkdtempSync(path.join(os.tmpdir(), 'authconform-node-project-'))
const project = path.join(work, 'node-project')
afterAll(() => rmSync(work, { recursive: true, force: true }))

beforeAll(async () => {
  const tarball = await packCheckout(work)
  cpSync(path.join(REPO, 'fixtures/node-project'), project, { recursive: true })
  cpSync(tarball, path.join(project, 'authconform.tgz'))
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: project, maxBuffer: 16 << 20 })
}, 600_000)

interface VitestJson {
  numFailedTests: number
  numPassedTests: number
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[]
}

/** The project's own `vitest run` (its config, its reporters), with what it wrote through --reporter=json. */
async function vitestRun(name: string, env: Record<string, string> = {}) {
  const output = path.join(work, `${name}.json`)
  const scope = newScope()
  const run = await exec('npx', ['--no-install', 'vitest', 'run', '--reporter=json', `--outputFile=${output}`], { cwd: project, env: { ...process.env, ...scope.env, ...env, CI: 'true' }, maxBuffer: 64 << 20 }).then(
    () => ({ code: 0 }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  )
  const report = JSON.parse(readFileSync(output, 'utf8')) as VitestJson
  const results = report.testResults.flatMap((file) => file.assertionResults)
  return { ...run, report, failed: results.filter((r) => r.status === 'failed'), leftovers: scope.leftovers() }
}

describe('a Node project runs the catalogue in its own vitest (authconform/vitest)', () => {
  test('npx authconform run builds its app in process from target.app, nothing left behind', async () => {
    const run = await runCli(['run', '--profile', 'EdDSA', '--suite', 'baseline', '--suite', 'signature', '--quiet'], { bin: path.join(project, 'node_modules/.bin/authconform'), cwd: project, timeoutMs: 300_000 })
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toMatch(/\d+ passed, 0 failed/)
    expect(run.leftovers()).toEqual([])
  }, 300_000)

  test('the jose Express app passes every case', async () => {
    const run = await vitestRun('good')
    expect(run.failed.map((r) => r.failureMessages[0]?.split('\n')[0])).toEqual([])
    expect(run.code).toBe(0)
    expect(run.report.numPassedTests).toBeGreaterThan(150)
    expect(run.leftovers).toEqual([])
  }, 900_000)

  test('its decode-only twin fails with the expected case ids, each with its evidence and replay', async () => {
    const expected = JSON.parse(readFileSync(path.join(REPO, 'fixtures/node-project/expected/decode-only.json'), 'utf8')) as { EdDSA: string[] }
    const run = await vitestRun('decode-only', { TARGET_APP: 'decode-only' })
    expect(run.code).toBe(1)
    expect(run.failed.map((r) => r.title).sort()).toEqual([...expected.EdDSA].sort())
    const message = run.failed.find((r) => r.title === 'signature/alg-none-lower')!.failureMessages[0]!
    expect(message).toMatch(/^Error: fail: signature\/alg-none-lower \[EdDSA\] \(critical\): accepted/)
    expect(message).toMatch(/\n {2}sent: GET http:\/\/127\.0\.0\.1:\d+\/api\/me → 200/)
    expect(message).toMatch(/\n {2}replay: curl -sS -i 'http:\/\/127\.0\.0\.1:\d+\/api\/me' -H 'Authorization: Bearer /)
    expect(run.leftovers).toEqual([])
  }, 900_000)
})
