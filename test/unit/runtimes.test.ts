import { expect, test } from 'vitest'
import { resolveConfig } from '../../harness/config/resolve.ts'
import { RUNTIMES } from '../../harness/core/runtimes.ts'
import { ISSUER_USAGE, issuerCommand } from '../../harness/issuer-command.ts'
import { runCli } from '../support/cli.ts'
import { catchError } from './support.ts'

/** One list of PostgreSQL runtimes: the config, `authconform issuer` and the usage texts agree on it. */
const TARGET = { command: 'node server.js', routes: { me: 'GET /api/me' } }

test('the config takes every runtime, and names them all for any other', () => {
  for (const runtime of RUNTIMES) expect(resolveConfig({ target: TARGET, runtime }).runtime).toBe(runtime)
  expect(resolveConfig({ target: TARGET }, { runtime: 'embedded' }).runtime).toBe('embedded')
  expect(catchError(() => resolveConfig({ target: TARGET, runtime: 'podman' })).message).toContain('runtime: must be one of auto, docker, embedded')
})

test('authconform issuer refuses another runtime before starting anything, naming the valid ones', async () => {
  await expect(issuerCommand(['--runtime', 'podman'])).rejects.toMatchObject({
    code: 'ERR_USAGE',
    message: '--runtime must be auto, docker or embedded, got "podman"',
  })
  expect(ISSUER_USAGE).toContain('[--profile EdDSA|ES256|RS256|PS256|HS256]')
  expect(ISSUER_USAGE).toContain('[--runtime auto|docker|embedded]')
})

test('authconform run --help lists the runtimes', async () => {
  const help = await runCli(['run', '--help'])
  expect(help.code).toBe(0)
  expect(help.stdout).toContain('--runtime <kind>         auto|docker|embedded: where PostgreSQL runs (default auto)')
})
