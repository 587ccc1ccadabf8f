import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { runCli } from '../support/cli.ts'

/** The CLI runs from an esbuild build of itself, remade whenever a source changes. */
const cache = mkdtempSync(path.join(os.tmpdir(), 'authconform-cache-test-'))
afterAll(() => rmSync(cache, { recursive: true, force: true }))
const manifestFile = path.join(cache, 'cli/manifest.json')
const manifest = () => JSON.parse(readFileSync(manifestFile, 'utf8')) as { output: string; inputs: string[]; digest: string }

test('the first run builds the CLI into the cache, listing every source it was made from', async () => {
  const listed = await runCli(['list'], { env: { AUTHCONFORM_CACHE_DIR: cache } })
  expect(listed.code, listed.stderr).toBe(0)
  expect(listed.stdout).toContain('baseline/valid-token')
  const { output, inputs } = manifest()
  expect(existsSync(path.join(cache, 'cli', output, 'cli.js'))).toBe(true)
  expect(inputs).toEqual(expect.arrayContaining(['harness/cli.ts', 'harness/run.ts', 'suites/catalogue/index.ts']))
  expect(inputs.some((file) => file.includes('node_modules'))).toBe(false)
})

test('a changed source (a digest that no longer matches) is rebuilt, not run stale', async () => {
  const before = manifest()
  writeFileSync(path.join(cache, 'cli', before.output, 'cli.js'), 'throw new Error("stale build ran")\n')
  writeFileSync(manifestFile, JSON.stringify({ ...before, digest: 'from-older-sources' }))
  const listed = await runCli(['list'], { env: { AUTHCONFORM_CACHE_DIR: cache } })
  expect(listed.code, listed.stderr).toBe(0)
  expect(manifest().digest).toMatch(/^[0-9a-f]{64}$/)
  expect(listed.stdout).toContain('baseline/valid-token')
  expect(readFileSync(path.join(cache, 'cli', manifest().output, 'cli.js'), 'utf8')).not.toContain('stale build ran')
})

test('an unchanged build is reused as it is', async () => {
  const before = manifest()
  const file = path.join(cache, 'cli', before.output, 'cli.js')
  writeFileSync(file, readFileSync(file, 'utf8') + '\n// reused\n')
  const listed = await runCli(['list'], { env: { AUTHCONFORM_CACHE_DIR: cache } })
  expect(listed.code, listed.stderr).toBe(0)
  expect(readFileSync(file, 'utf8')).toContain('// reused')
})

test('with no writable cache the CLI still runs, through tsx', async () => {
  const unwritable = path.join(cache, 'a-file')
  writeFileSync(unwritable, '')
  const listed = await runCli(['explain', 'claims/exp-missing'], { env: { AUTHCONFORM_CACHE_DIR: unwritable } })
  expect(listed.code, listed.stderr).toBe(0)
  expect(listed.stdout).toContain('claims/exp-missing')
})
