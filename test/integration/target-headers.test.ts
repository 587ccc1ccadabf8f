import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'
import type { ResultDocument } from '../../harness/report/document.ts'
import { REPO, runCli as runCliOnce, type CliRun } from '../support/cli.ts'
import { STACK_FRAME } from '../support/cli-output.ts'
import { writeConfig } from '../support/config-file.ts'

/**
 * target.headers against a target behind an API key: node-good's verifier that answers 401 to
 * every /api/* request without `x-api-key: k1`, whatever its token. With the header configured
 * the good verifier passes; the key is in the curl replays and nowhere else in the report.
 */
const FIXTURE = path.join(REPO, 'test/fixtures/faulty-target.mjs')
const KEY = 'k1'
const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-headers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const behindApiKey = (extra: Record<string, unknown> = {}) => ({
  command: `node ${JSON.stringify(FIXTURE)}`,
  env: { FAULT: `require-header=x-api-key:${KEY}` },
  ready: '/health',
  routes: {
    me: 'GET /api/me',
    meId: 'user.id',
    resource: { create: 'POST /api/todos', body: { title: 'authconform' }, id: 'id', list: 'GET /api/todos', items: 'data', read: 'GET /api/todos/{id}', update: 'PATCH /api/todos/{id}', remove: 'DELETE /api/todos/{id}' },
  },
  ...extra,
})

async function runCli(args: string[]): Promise<CliRun> {
  const run = await runCliOnce(args, { timeoutMs: 150_000 })
  expect(run.leftovers(), 'left behind').toEqual([])
  return run
}

/** Every string in the document but the curl replays, with where it is. */
function stringsOutsideCurl(value: unknown, where = ''): [string, string][] {
  if (typeof value === 'string') return [[where, value]]
  if (Array.isArray(value)) return value.flatMap((item, i) => stringsOutsideCurl(item, `${where}[${i}]`))
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => (key === 'curl' ? [] : stringsOutsideCurl(item, `${where}.${key}`)))
  return []
}

/** The key as a word of its own (not two characters inside a token or an id). */
const KEY_IN_CLEAR = new RegExp(`(^|[^A-Za-z0-9_-])${KEY}($|[^A-Za-z0-9_-])`)

test('with target.headers the good verifier behind the key passes; the key is withheld everywhere but the curl', async () => {
  const out = path.join(dir, 'with-key.json')
  const config = writeConfig({ target: behindApiKey({ headers: { 'x-api-key': KEY } }) })
  const run = await runCli(['run', '--config', config, '--suite', 'baseline', '--suite', 'claims', '--suite', 'ownership', '--profile', 'EdDSA', '--runtime', 'embedded', '--json', out])
  expect(run.code, run.stdout + run.stderr).toBe(0)

  const document = JSON.parse(readFileSync(out, 'utf8')) as ResultDocument
  const judged = document.cases.filter((c) => c.verdict !== 'skip')
  expect(judged.length).toBeGreaterThan(20)
  for (const c of judged) expect([c.verdict, c.id], `${c.id}: ${c.reason}`).toEqual(['pass', c.id])

  // Every request carried it (the target refuses any without), and evidence shows only its length.
  const shown = document.cases.flatMap((c) => [c.evidence, ...(c.steps ?? [])]).filter((e) => e !== undefined)
  expect(shown.length).toBeGreaterThan(20)
  for (const evidence of shown) expect(evidence.request.headers['x-api-key']).toBe(`…(${KEY.length} chars)`)
  expect(document.cases.filter((c) => c.curl).every((c) => c.curl!.includes(`-H 'x-api-key: ${KEY}'`))).toBe(true)
  expect(stringsOutsideCurl(document).filter(([, text]) => KEY_IN_CLEAR.test(text))).toEqual([])
  expect(run.stdout + run.stderr).not.toMatch(KEY_IN_CLEAR)
})

test('without them the same target refuses the valid token: the baseline says so and nothing passes', async () => {
  const out = path.join(dir, 'without-key.json')
  const config = writeConfig({ target: behindApiKey() })
  const run = await runCli(['run', '--config', config, '--suite', 'baseline', '--suite', 'claims', '--profile', 'EdDSA', '--runtime', 'embedded', '--json', out])
  expect(run.code, run.stderr).toBe(1)
  expect(run.stderr).not.toMatch(STACK_FRAME)
  const document = JSON.parse(readFileSync(out, 'utf8')) as ResultDocument
  const valid = document.cases.find((c) => c.id === 'baseline/valid-token')
  expect(valid?.verdict).toBe('fail')
  expect(valid?.reason).toMatch(/^the target refused a valid EdDSA token: GET \/api\/me .* answered 401/)
  expect(document.cases.filter((c) => c.verdict === 'pass')).toEqual([])
})
