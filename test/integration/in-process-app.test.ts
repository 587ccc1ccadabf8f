import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import type { ResultDocument } from '../../harness/report/document.ts'
import { REPO, runCli } from '../support/cli.ts'

/**
 * `target.app`: the fixture project's jose Express app, built in authconform's own process from
 * its factory, against the same app started as a `command`. Their verdicts must be the same,
 * case by case, keys suite and ownership included: only the transport to the app differs.
 */
const PROJECT = path.join(REPO, 'fixtures/node-project')
const work = mkdtempSync(path.join(os.tmpdir(), 'authconform-app-target-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as ResultDocument
const verdicts = (document: ResultDocument) => document.cases.map((c) => `${c.profile} ${c.id}: ${c.verdict}`)

async function runProject(config: string, name: string, args: string[] = [], env: Record<string, string> = {}) {
  const json = path.join(work, `${name}.json`)
  const run = await runCli(['run', '--config', path.join(PROJECT, config), '--json', json, ...args], { env, timeoutMs: 600_000 })
  return { run, document: run.code !== null && run.code <= 1 ? read(json) : undefined }
}

describe('target.app: an in-process Node app', () => {
  test('gives the verdicts the same app gives as a command target, every case of the catalogue', async () => {
    const profiles = ['--profile', 'EdDSA', '--profile', 'HS256']
    const inProcess = await runProject('authconform.config.mjs', 'app', profiles)
    const asCommand = await runProject('authconform.command.config.mjs', 'command', profiles)
    expect(inProcess.run.code).toBe(0)
    expect(asCommand.run.code).toBe(0)
    expect(inProcess.document!.target).toMatchObject({ app: expect.stringMatching(/fixtures\/node-project\/src\/app\.mjs#createApp$/) })
    expect(inProcess.document!.target.command).toBeUndefined()
    // Every suite ran there, the keys suite's rotations and the ownership cases included.
    const ran = (suite: string) => inProcess.document!.cases.filter((c) => c.suite === suite && c.verdict !== 'skip').length
    for (const suite of ['keys', 'key-set', 'ownership', 'cors', 'flow']) expect(ran(suite), suite).toBeGreaterThan(0)
    expect(verdicts(inProcess.document!)).toEqual(verdicts(asCommand.document!))
    expect(inProcess.run.leftovers()).toEqual([])
  }, 900_000)

  test('the decode-only twin fails, and the diagnosis names the unchecked signature', async () => {
    const twin = path.join(PROJECT, 'src/decode-only.mjs#createApp')
    const { run, document } = await runProject('authconform.config.mjs', 'decode-only', ['--target-app', path.relative(REPO, twin), '--profile', 'EdDSA', '--suite', 'signature'])
    expect(document!.target.app).toBe(path.relative(REPO, twin))
    expect(run.code).toBe(1)
    expect(document!.diagnoses[0]).toMatchObject({ id: 'signature-not-verified' })
    expect(document!.cases.filter((c) => c.verdict === 'fail').map((c) => c.id)).toContain('signature/alg-none-lower')
  }, 300_000)

  test('an app module that is missing, has no such export, or exports no app: one line and exit 3', async () => {
    const config = (app: string) => {
      const file = path.join(work, `bad-${Math.random().toString(36).slice(2)}.config.mjs`)
      writeFileSync(file, `export default { target: { app: ${JSON.stringify(app)}, routes: { me: 'GET /api/me' }, profiles: ['EdDSA', 'ES256'] } }\n`)
      return file
    }
    writeFileSync(path.join(work, 'not-an-app.mjs'), 'export const createApp = () => 42\nexport default { port: 3000 }\n')
    const cases: [string, RegExp][] = [
      ['./nowhere.mjs', /target\.app: .*nowhere\.mjs does not exist: fix target\.app/],
      [`${path.join(REPO, 'fixtures/node-project/src/app.mjs')}#makeApp`, /has no export "makeApp" \(its exports: createApp\)/],
      ['./not-an-app.mjs#createApp', /gave number, not an app: give an Express\/Koa\/Fastify app/],
    ]
    for (const [app, message] of cases) {
      const run = await runCli(['run', '--config', config(app), '--profile', 'EdDSA', '--suite', 'baseline'], { timeoutMs: 120_000 })
      expect(run.code, run.stderr).toBe(3)
      const errors = run.stderr.split('\n').filter((line) => line.startsWith('authconform: '))
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatch(message)
      expect(run.stderr).not.toMatch(/\n\s+at /)
      expect(run.leftovers()).toEqual([])
    }
    // An app that throws where no handler catches it crashed: the run says so and ends cleanly.
    writeFileSync(
      path.join(work, 'crashes.mjs'),
      "export default () => (req, res) => { res.setHeader('content-type', 'application/json'); res.end('{}'); if (req.url.startsWith('/api/me')) setTimeout(() => { throw new Error('boom in a timer') }, 5) }\n",
    )
    const crash = await runCli(['run', '--config', config('./crashes.mjs'), '--profile', 'EdDSA', '--suite', 'signature'], { timeoutMs: 300_000 })
    expect(crash.code, crash.stderr).toBe(1)
    expect(crash.stdout).toMatch(/run error: target\.app crashed: it threw outside any request handler \(boom in a timer\); its instances were stopped/)
    expect(crash.stdout + crash.stderr).not.toMatch(/\n\s+at /)
    expect(crash.leftovers()).toEqual([])
    // An app (not a factory) was built before the issuer existed: two profiles cannot both be pointed at it.
    const plain = await runCli(['run', '--config', config('./not-an-app.mjs'), '--profile', 'all', '--suite', 'baseline'], { timeoutMs: 120_000 })
    expect(plain.code).toBe(2)
    expect(plain.stderr).toMatch(/exports an app, not a factory \(env\) => app/)
  }, 600_000)
})
