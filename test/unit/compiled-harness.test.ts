import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { importCompiledConfig } from '../../harness/config/compile-config.ts'
import { CACHE_DIR } from '../../harness/paths.ts'
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

describe('a config file, compiled by esbuild when the CLI runs from its build', () => {
  const configs = mkdtempSync(path.join(os.tmpdir(), 'authconform-config-'))
  afterAll(() => rmSync(configs, { recursive: true, force: true }))
  const index = async () => {
    const { compiledHarness } = await import('../../bin/compiled-harness.mjs')
    return pathToFileURL(path.join(path.dirname((await compiledHarness())!), 'index.js')).href
  }

  test("outside the package: imports 'authconform' and local TypeScript, and knows where it lives", async () => {
    writeFileSync(path.join(configs, 'routes.ts'), "export const me: string = 'GET /api/whoami'\n")
    const file = path.join(configs, 'authconform.config.ts')
    writeFileSync(
      file,
      ["import { defineConfig } from 'authconform'", "import { me } from './routes.ts'", "export default defineConfig({ target: { url: 'http://127.0.0.1:1', routes: { me } }, here: __dirname, url: import.meta.url } as never)"].join('\n'),
    )
    const loaded = await importCompiledConfig(file, await index())
    expect(loaded?.default).toEqual({ target: { url: 'http://127.0.0.1:1', routes: { me: 'GET /api/whoami' } }, here: configs, url: pathToFileURL(file).href })
    // Imported and deleted: nothing piles up in the cache.
    expect(readdirSync(path.join(CACHE_DIR, 'configs'))).toEqual([])
  })

  test('a syntax error names the file, line and column', async () => {
    const file = path.join(configs, 'broken.config.ts')
    writeFileSync(file, 'export default { target: \n')
    await expect(importCompiledConfig(file, await index())).rejects.toThrow(/^broken\.config\.ts:2:1: Unexpected end of file/)
  })
})
