import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'
import type { ResultDocument } from '../../harness/report/document.ts'
import { runCli } from '../support/cli.ts'

/**
 * A backend adopting authconform with known findings: the first run's document is the
 * baseline, and a rerun against it reports nothing new and, with --fail-on-new, exits 0 while
 * the same findings without it still exit 1. The flawed target is a real one (node-bola-read).
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-baseline-run-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const ARGS = ['run', '--example', 'node-bola-read', '--profile', 'EdDSA', '--suite', 'ownership', '--suite', 'baseline']
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as ResultDocument

test('a rerun with --baseline of itself: 0 new, the known failure unchanged, and --fail-on-new exits 0', async () => {
  const first = await runCli([...ARGS, '--json', path.join(dir, 'first.json')])
  expect(first.code, first.stderr).toBe(1)
  const before = read(path.join(dir, 'first.json'))
  expect(before.diagnoses.map((d) => d.id)).toEqual(['items-not-scoped-to-owner'])

  const rerun = await runCli([...ARGS, '--baseline', path.join(dir, 'first.json'), '--fail-on-new', '--json', path.join(dir, 'rerun.json')])
  expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0)
  const after = read(path.join(dir, 'rerun.json'))
  expect(after.baseline).toMatchObject({ new: 0, fixed: 0, notInBaseline: [], otherCatalogue: false })
  expect(after.baseline!.unchanged).toBe(after.cases.length)
  expect(after.failOnNew).toBe(true)
  expect(after.cases.find((c) => c.id === 'ownership/read-other-users-item')).toMatchObject({ verdict: 'fail', change: 'unchanged' })
  expect(rerun.stdout).toMatch(/Since the baseline .*first\.json \(authconform [^)]+\): 0 new, 0 fixed, \d+ unchanged — only new failures fail the run/)

  // Without --fail-on-new the known failure still fails the run; with a baseline that lacks it, it is new.
  const gated = await runCli([...ARGS, '--baseline', path.join(dir, 'first.json')])
  expect(gated.code).toBe(1)
  expect(rerun.leftovers()).toEqual([])
}, 240_000)

test('--fail-on-new without a baseline, and a baseline that is no result document: one line each, exit 2, nothing started', async () => {
  const alone = await runCli([...ARGS, '--fail-on-new'])
  expect(alone.code).toBe(2)
  expect(alone.stderr.trim()).toMatch(/^authconform: failOnNew \(--fail-on-new\) needs a baseline to say what is new: add --baseline previous.json .*\[ERR_CONFIG_INVALID\]$/)
  const junk = await runCli([...ARGS, '--baseline', path.join(os.tmpdir())])
  expect(junk.code).toBe(2)
  expect(junk.stderr.trim().split('\n')).toHaveLength(1)
  expect(junk.stderr).toMatch(/is a directory: pass the JSON result document of an earlier run/)
  expect(junk.leftovers()).toEqual([])
})
