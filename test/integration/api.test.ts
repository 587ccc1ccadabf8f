import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'
import { REPO } from '../support/cli.ts'

/**
 * `import { run } from 'authconform'` returns the result document; the CLI is a layer over it.
 * A checkout has no dist/: the authconform-source export condition points the name at the sources
 * (the packed package's dist/ is test/integration/package.test.ts's).
 */
const exec = promisify(execFile)

async function consume(target: string) {
  const { stdout } = await exec(process.execPath, ['--conditions=authconform-source', '--import', 'tsx', path.join(REPO, 'test/support/api-consumer.mts'), path.join(REPO, 'fixtures/targets', target)], { cwd: REPO, timeout: 120_000 })
  return JSON.parse(stdout) as { exitCode: number; summary: { total: number; failed: number }; failed: string[] }
}

test('run() against a good and a flawed target returns their documents', async () => {
  const good = await consume('node-good')
  expect(good.exitCode).toBe(0)
  expect(good.summary.failed).toBe(0)
  expect(good.summary.total).toBeGreaterThan(15)
  const flawed = await consume('node-expired-leeway')
  expect(flawed.exitCode).toBe(1)
  expect(flawed.failed.sort()).toEqual(['claims/exp-past', 'claims/exp-past-beyond-leeway', 'claims/nbf-future'])
})
