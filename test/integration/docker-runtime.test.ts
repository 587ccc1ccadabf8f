import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ResultDocument } from '../../harness/report/document.ts'
import { REPO, runCli } from '../support/cli.ts'
import { writeConfig } from '../support/config-file.ts'

/**
 * `--runtime docker` for real: a private Docker engine on this machine (docker/ci/local-engine.sh:
 * Debian's docker.io, images built locally from a debootstrap'd Debian, no registry), Postgres
 * and the issuer as Testcontainers containers on the host network, a target given as an image.
 * The verdicts must equal the embedded runtime's. It installs Debian packages and builds images,
 * so it runs in CI (CI=true) or when AUTHCONFORM_DOCKER_TESTS=1.
 */
const enabled = process.env.CI === 'true' || process.env.AUTHCONFORM_DOCKER_TESTS === '1'
const ENGINE = path.join(REPO, 'docker/ci/local-engine.sh')
// Enough to see passes, failures and the ownership flows; the rest of the catalogue does not
// depend on where Postgres and the issuer run.
const SELECTION = ['--profile', 'EdDSA', '--suite', 'baseline', '--suite', 'claims', '--suite', 'ownership']

let env: Record<string, string> = {}
const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-docker-test-'))
const docker = (...args: string[]) => execFileSync('docker', ['--host', env.DOCKER_HOST!, ...args], { encoding: 'utf8' })

async function verdictsOf(args: string[], extraEnv: Record<string, string> = {}) {
  const out = path.join(dir, `r-${Math.random().toString(36).slice(2)}.json`)
  const run = await runCli(['run', ...args, '--json', out], { env: extraEnv, timeoutMs: 600_000 })
  expect(run.leftovers(), 'left behind').toEqual([])
  const document = JSON.parse(readFileSync(out, 'utf8')) as ResultDocument
  return { run, document, verdicts: Object.fromEntries(document.cases.map((c) => [`${c.id} ${c.profile}`, c.verdict])) }
}

describe.skipIf(!enabled)('--runtime docker on a local engine', () => {
  beforeAll(() => {
    const lines = execFileSync('bash', [ENGINE, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    env = Object.fromEntries([...lines.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.replace(/^'(.*)'$/, '$1')]))
    expect(env.DOCKER_HOST).toMatch(/^unix:\/\//)
  }, 900_000)

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
    if (env.DOCKER_HOST) execFileSync('bash', [ENGINE, 'stop'], { stdio: 'inherit' })
  }, 120_000)

  // A flawed target: its failures and passes must come out the same on either runtime.
  test.each(['node-expired-leeway'])(
    '%s: the same verdicts as the embedded runtime, no container left',
    async (target) => {
      const embedded = await verdictsOf(['--example', target, '--runtime', 'embedded', ...SELECTION])
      const containers = await verdictsOf(['--example', target, '--runtime', 'docker', ...SELECTION], env)
      expect(containers.run.stderr).toMatch(/runtime: PostgreSQL container .* on the host network/)
      expect(containers.run.stderr).toMatch(/runtime: issuer: container authconform\/issuer:[0-9a-f]{16} on the host network/)
      expect(containers.document.runtime.postgres).toBe('docker')
      expect(containers.verdicts).toEqual(embedded.verdicts)
      expect(Object.values(containers.verdicts).filter((v) => v === 'fail')).toHaveLength(3)
      expect(docker('ps', '-aq').trim()).toBe('')
    },
    900_000,
  )

  test('target.database: the read-only DATABASE_URL works against the Postgres container too', async () => {
    const selection = ['--example', 'fastapi-db-session-no-expiry', '--profile', 'EdDSA', '--suite', 'baseline', '--suite', 'database']
    const embedded = await verdictsOf([...selection, '--runtime', 'embedded'])
    const containers = await verdictsOf([...selection, '--runtime', 'docker'], env)
    expect(containers.document.runtime.postgres).toBe('docker')
    expect(containers.verdicts).toEqual(embedded.verdicts)
    expect(Object.entries(containers.verdicts).filter(([, verdict]) => verdict !== 'pass')).toEqual([['database/session-expired-refused EdDSA', 'fail']])
    expect(docker('ps', '-aq').trim()).toBe('')
  }, 900_000)

  test('a target given as an image runs the same cases with the same verdicts', async () => {
    const { ensureImage } = await import('../../harness/environment/containers.ts')
    Object.assign(process.env, env)
    const image = await ensureImage({
      repository: 'authconform-test/node-good',
      dockerfile: 'docker/targets/node.Dockerfile',
      context: ['docker/targets/node.Dockerfile', 'fixtures/targets/_node', 'fixtures/targets/node-good'],
      buildArgs: { NODE_IMAGE: env.AUTHCONFORM_NODE_IMAGE! },
    })
    const config = writeConfig({
      target: { image, ready: '/health', profiles: ['EdDSA'], routes: JSON.parse(JSON.stringify((await import('../../fixtures/targets/_shared/routes.ts')).REFERENCE_ROUTES)) },
    })
    const { run, verdicts } = await verdictsOf(['--config', config, '--runtime', 'docker', ...SELECTION], env)
    expect(run.code, run.stdout).toBe(0)
    expect(Object.values(verdicts).filter((v) => v === 'fail' || v === 'error')).toEqual([])
    expect(docker('ps', '-aq').trim()).toBe('')
    expect(docker('network', 'ls', '--format', '{{.Name}}').trim().split('\n').sort()).toEqual(['host', 'none'])
  }, 900_000)

  test('an image that exits at start shows its last log lines; nothing is left running', async () => {
    const { ensureImage } = await import('../../harness/environment/containers.ts')
    Object.assign(process.env, env)
    const image = await ensureImage({
      repository: 'authconform-test/exits-early',
      dockerfile: 'test/fixtures/exits-early.Dockerfile',
      context: ['test/fixtures/exits-early.Dockerfile'],
      buildArgs: { NODE_IMAGE: env.AUTHCONFORM_NODE_IMAGE! },
    })
    const config = writeConfig({ target: { image, ready: '/health', readyTimeoutMs: 20_000, routes: { me: 'GET /api/me' } } })
    const run = await runCli(['run', '--config', config, '--runtime', 'docker', '--suite', 'baseline'], { env, timeoutMs: 600_000 })
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/authconform: target exited \(exit code 3\) before it was ready: image authconform-test\/exits-early:\w+ \[ERR_TARGET_START\]/)
    expect(run.stderr).toContain('  | config error: DATABASE_URL is not set')
    expect(run.leftovers()).toEqual([])
    expect(docker('ps', '-aq').trim()).toBe('')
  }, 900_000)

  test('a Dockerfile that fails to build is one line and its last output lines', async () => {
    const { ensureImage } = await import('../../harness/environment/containers.ts')
    Object.assign(process.env, env)
    const failing = ensureImage({ repository: 'authconform-test/broken', dockerfile: 'test/fixtures/broken.Dockerfile', context: ['test/fixtures/broken.Dockerfile'], buildArgs: { NODE_IMAGE: env.AUTHCONFORM_NODE_IMAGE! } })
    await expect(failing).rejects.toMatchObject({
      code: 'ERR_IMAGE_BUILD',
      message: expect.stringMatching(/broken\.Dockerfile failed: .*returned a non-zero code/),
      details: expect.arrayContaining([expect.stringContaining('the recipe step that breaks')]),
    })
  }, 600_000)
})
