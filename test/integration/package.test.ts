import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ResultDocument } from '../../harness/report/document.ts'
import { REPO, runCli } from '../support/cli.ts'
import { exec, packCheckout } from '../support/pack.ts'

/**
 * authconform the way users get it: `npm pack` (prepack builds dist/), then `npm install` of the
 * tarball into a project outside the checkout — and, as root, once more from a directory only
 * root can enter (a project in /root, npx's cache), where PostgreSQL's server user cannot reach
 * the package's binaries. Packed from a copy of the checkout, so the checkout never holds a dist/.
 */
const work = mkdtempSync(path.join(os.tmpdir(), 'authconform-package-test-'))
const project = path.join(work, 'project')
const privateProject = path.join(work, 'root-only', 'project')
const asRoot = process.getuid?.() === 0
const VERSION = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string
let tarball = ''

const installedBin = (dir: string) => path.join(dir, 'node_modules/.bin/authconform')
const tsc = (dir: string) =>
  exec(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir]).then(
    () => ({ code: 0, out: '' }),
    (error) => ({ code: error.code as number, out: `${error.stdout}${error.stderr}` }),
  )

beforeAll(async () => {
  tarball = await packCheckout(work)
  mkdirSync(project, { recursive: true })
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'a-backend', private: true, type: 'module' }))
  await exec('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: project, maxBuffer: 16 << 20 })
  if (asRoot) {
    mkdirSync(path.dirname(privateProject), { mode: 0o700 })
    chmodSync(path.dirname(privateProject), 0o700)
    cpSync(project, privateProject, { recursive: true, verbatimSymlinks: true })
  }
}, 600_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the packed package', () => {
  test('ships what runs, not the tests, benches or examples built on devDependencies', () => {
    const listed = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.replace(/^package\//, ''))
    expect(listed).toEqual(
      expect.arrayContaining([
        'dist/cli.js',
        'dist/index.js',
        'dist/vitest.js',
        'dist/types/harness/index.d.ts',
        'dist/types/harness/vitest.d.ts',
        'harness/cli.ts',
        'suites/claims.suite.ts',
        'fixtures/targets/node-good/server.mjs',
        'fixtures/wordlists/published-secrets.txt',
        'docker/issuer/Dockerfile',
        'docker/issuer/issuer.package-lock.json',
      ]),
    )
    for (const absent of ['test/', 'bench/', 'fixtures/node-project/', 'fixtures/targets/node-fastify-jwt/', 'fixtures/targets/node-good/manifest.json', 'package-lock.json']) {
      expect(
        listed.filter((file) => file.startsWith(absent)),
        absent,
      ).toEqual([])
    }
  })

  test('npx authconform --version is package.json version; every command has --help', async () => {
    const { stdout } = await exec('npx', ['--no-install', 'authconform', '--version'], { cwd: project })
    expect(stdout.trim()).toBe(VERSION)
    for (const command of ['run', 'list', 'explain', 'issuer', 'init']) {
      const help = await runCli([command, '--help'], { bin: installedBin(project), cwd: project })
      expect(help.code, `${command} --help: ${help.stderr}`).toBe(0)
      expect(help.stdout).toMatch(/Usage: authconform/)
    }
  })

  test('plain node imports run and defineConfig', async () => {
    const script = `import { run, defineConfig, EXIT } from 'authconform'
      const config = defineConfig({ target: { url: 'http://127.0.0.1:1' } })
      console.log(typeof run, config.target.url, EXIT.internal)`
    const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script], { cwd: project })
    expect(stdout.trim()).toBe('function http://127.0.0.1:1 4')
  })

  test("a TypeScript config and an authconform/vitest test file type-check with tsc --strict against the package's declarations, and wrong ones do not", async () => {
    const dir = path.join(project, 'typed')
    mkdirSync(dir, { recursive: true })
    const tsconfig = (file: string) => JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, types: [] }, files: [file] })
    writeFileSync(
      path.join(dir, 'authconform.config.ts'),
      `import { defineConfig, type ResultDocument } from 'authconform'
export default defineConfig({
  target: { command: 'uvicorn app:app --port $PORT', ready: '/health', profiles: ['EdDSA', 'RS256'], routes: { me: 'GET /api/me' } },
})
export const exitCodeOf = (document: ResultDocument): number => document.exitCode
`,
    )
    writeFileSync(
      path.join(dir, 'conformance.ts'),
      `import { conformance } from 'authconform/vitest'
conformance({ app: (env: Record<string, string>) => ({ fetch: async () => new Response(env.JWKS_URL) }), routes: { me: 'GET /api/me' }, profiles: ['EdDSA', 'HS256'] })
`,
    )
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ ...JSON.parse(tsconfig('authconform.config.ts')), files: ['authconform.config.ts', 'conformance.ts'] }))
    const good = await tsc(dir)
    expect(good.out).toBe('')
    expect(good.code).toBe(0)

    writeFileSync(
      path.join(dir, 'wrong.config.ts'),
      `import { defineConfig } from 'authconform'
export default defineConfig({ target: { command: 'x', profiles: ['HS999'] } })
import { conformance } from 'authconform/vitest'
conformance({ app: () => null, routes: { me: 'GET /api/me' }, profiles: ['RS999'] })
`,
    )
    writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig('wrong.config.ts'))
    const wrong = await tsc(dir)
    expect(wrong.code).not.toBe(0)
    expect(wrong.out).toMatch(/wrong\.config\.ts.*HS999/)
    expect(wrong.out).toMatch(/wrong\.config\.ts.*RS999/)
  })
})

const installs: [string, string][] = [['a project', project], ...(asRoot ? [['as root, a project under a 0700 directory', privateProject] as [string, string]] : [])]
describe.each(installs)('npx authconform run from %s', (_where, dir) => {
  test('a bundled example passes on the embedded runtime, nothing left behind', async () => {
    const run = await runCli(['run', '--example', 'node-good', '--profile', 'EdDSA', '--suite', 'baseline', '--suite', 'claims', '--runtime', 'embedded', '--quiet'], { bin: installedBin(dir), cwd: dir, timeoutMs: 300_000 })
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toMatch(/\d+ passed, 0 failed/)
    expect(run.leftovers()).toEqual([])
  }, 300_000)
})

test('a run whose failures are all expected exits 0, and its JUnit shows no <failure>', async () => {
  const bin = installedBin(project)
  const first = path.join(work, 'first.json')
  const flawed = ['run', '--example', 'node-expired-leeway', '--profile', 'EdDSA', '--suite', 'claims', '--runtime', 'embedded', '--quiet']
  const failing = await runCli([...flawed, '--json', first], { bin, cwd: project, timeoutMs: 300_000 })
  expect(failing.code, failing.stderr).toBe(1)
  const failed = (JSON.parse(readFileSync(first, 'utf8')) as ResultDocument).cases.filter((c) => c.verdict === 'fail')
  expect(failed.map((c) => c.id).sort()).toEqual(['claims/exp-past', 'claims/exp-past-beyond-leeway', 'claims/nbf-future'])

  const expected = path.join(work, 'expected.json')
  writeFileSync(expected, JSON.stringify(failed.map((c) => ({ id: c.id, reason: 'accepted while the leeway is reviewed' }))))
  const junit = path.join(work, 'expected.xml')
  const known = await runCli([...flawed, '--expected-failures', expected, '--junit', junit], { bin, cwd: project, timeoutMs: 300_000 })
  expect(known.code, known.stderr).toBe(0)
  const xml = readFileSync(junit, 'utf8')
  expect(xml).not.toContain('<failure')
  expect(xml).toMatch(/failures="0"/)
  expect(xml.match(/<skipped message="expected failure/g)).toHaveLength(3)
}, 600_000)

/**
 * On a machine where Docker answers (a GitHub-hosted runner), `auto` picks containers and the
 * issuer image is built from the installed package's files, never from the checkout's lock.
 * Like docker-runtime.test.ts, it needs the local engine: CI=true or AUTHCONFORM_DOCKER_TESTS=1.
 */
const dockerTests = process.env.CI === 'true' || process.env.AUTHCONFORM_DOCKER_TESTS === '1'
describe.skipIf(!dockerTests)('the installed package on the docker runtime', () => {
  const ENGINE = path.join(REPO, 'docker/ci/local-engine.sh')
  let env: Record<string, string> = {}
  beforeAll(() => {
    const lines = execFileSync('bash', [ENGINE, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    env = Object.fromEntries([...lines.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.replace(/^'(.*)'$/, '$1')]))
  }, 900_000)
  afterAll(() => {
    if (env.DOCKER_HOST) execFileSync('bash', [ENGINE, 'stop'], { stdio: 'inherit' })
  }, 120_000)

  test('builds its issuer image from what the package ships and runs the example the same', async () => {
    const docker = (...args: string[]) => execFileSync('docker', ['--host', env.DOCKER_HOST!, ...args], { encoding: 'utf8' })
    // The checkout's harness/ hashes to the same tag: remove it, so this run must build.
    const built = docker('images', '-q', 'authconform/issuer').split('\n').filter(Boolean)
    if (built.length) docker('rmi', '--force', ...new Set(built))
    const json = path.join(work, 'docker.json')
    const run = await runCli(['run', '--example', 'node-good', '--profile', 'EdDSA', '--suite', 'baseline', '--suite', 'claims', '--runtime', 'docker', '--json', json], { bin: installedBin(project), cwd: project, env, timeoutMs: 900_000 })
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stderr).toMatch(/runtime: issuer: container authconform\/issuer:[0-9a-f]{16}/)
    const document = JSON.parse(readFileSync(json, 'utf8')) as ResultDocument
    expect(document.runtime.postgres).toBe('docker')
    expect(document.summary.failed).toBe(0)
    expect(run.leftovers()).toEqual([])
    expect(docker('ps', '-aq').trim()).toBe('')
  }, 900_000)
})
