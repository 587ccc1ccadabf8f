import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'
import type { ResultDocument } from '../../harness/report/document.ts'
import { runCli } from '../support/cli.ts'

/**
 * SIGINT / SIGTERM in the middle of a run: the partial report is written, everything started
 * is stopped (no Postgres, target or Chromium left), and the exit code says which signal.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-signals-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s mid-run: partial report, nothing left behind, exit %i', async (signal, code) => {
  const out = path.join(dir, `${signal}.json`)
  // Interrupted once the first suite has finished (its progress line), with the rest still running.
  const run = await runCli(['run', '--example', 'node-good', '--profile', 'EdDSA', '--suite', 'baseline', '--suite', 'claims', '--suite', 'malformed', '--suite', 'cors', '--json', out], {
    interrupt: { when: /^(baseline|claims|malformed|cors) +\d+\/\d+/m, signal },
  })
  expect(run.code, run.stderr).toBe(code)
  expect(run.stderr).toContain(`authconform: ${signal}: stopping everything started…`)
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  expect(existsSync(out)).toBe(true)
  const partial = JSON.parse(readFileSync(out, 'utf8')) as ResultDocument
  expect(partial.interrupted).toBe(signal)
  expect(partial.exitCode).toBe(code)
  expect(partial.cases.length).toBeGreaterThan(0)
  expect(partial.runErrors.at(-1)).toMatch(new RegExp(`^interrupted by ${signal}: \\d+ results before the run was stopped$`))
  expect(run.leftovers(), 'left behind').toEqual([])
})
