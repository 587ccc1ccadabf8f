import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'
import { sleep } from '../../harness/core/time.ts'
import { REPO } from '../support/cli.ts'

test('sleep resolves after about the time asked', async () => {
  const started = performance.now()
  await sleep(60)
  expect(performance.now() - started).toBeGreaterThanOrEqual(55)
})

test('an unref sleep keeps no process alive; a plain one does', async () => {
  // A process whose only pending work is the sleeps: it exits when the plain one ends.
  const script = `import('./harness/core/time.ts').then(({ sleep }) => {
    sleep(60_000, { unref: true }).then(() => console.log('unref sleep kept the process'))
    sleep(100).then(() => console.log('plain sleep ended'))
  })`
  const started = performance.now()
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO, timeout: 30_000 })
  expect(stdout.trim()).toBe('plain sleep ended')
  expect(performance.now() - started).toBeLessThan(30_000)
})
