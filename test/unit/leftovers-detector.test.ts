import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import { newScope } from '../support/leftovers.ts'

/** The orphan detector the integration tests rely on must itself see an orphan. */
test('a detached process and a stray temp file of a scope are reported', async () => {
  const scope = newScope()
  // Not detached, so setsid execs sleep itself in a new session: same pid, no parent group.
  const orphan = spawn('setsid', ['sleep', '30'], { env: { ...process.env, ...scope.env }, stdio: 'ignore' })
  await new Promise((r) => setTimeout(r, 200))
  writeFileSync(path.join(scope.env.TMPDIR!, 'stray'), '')
  const found = scope.leftovers()
  orphan.kill('SIGKILL')
  expect(found.some((f) => /^process \d+: sleep 30$/.test(f))).toBe(true)
  expect(found.some((f) => f.endsWith('/stray'))).toBe(true)
})
