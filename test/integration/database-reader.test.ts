import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Cleanup } from '../../harness/environment/cleanup.ts'
import { createDatabaseReader, type DatabaseReader } from '../../harness/environment/database-reader.ts'
import { startIssuer } from '../../harness/environment/issuer.ts'
import { startPostgres } from '../../harness/environment/postgres.ts'
import { signUpPrincipals } from '../../harness/principals/index.ts'

/**
 * target.database hands a backend DATABASE_URL for a role that can read Better Auth's user and
 * session tables and nothing else. Everything a compromised or careless backend might try with it
 * is tried here, on the tables Better Auth's own migrations made.
 */
const cleanup = new Cleanup()
let reader: DatabaseReader
let userId: string
let databaseUrl: string

beforeAll(async () => {
  const postgres = cleanup.use('postgres', await startPostgres({ runtime: 'embedded' }))
  databaseUrl = await postgres.createDatabase('reader_rights')
  const issuer = cleanup.use('issuer', await startIssuer({ profile: 'EdDSA', databaseUrl, port: 0, expiresIn: '15m' }))
  userId = (await signUpPrincipals(issuer, 'reader')).a.id
  reader = cleanup.use('reader', await createDatabaseReader(databaseUrl, ['user', 'session']))
})
afterAll(() => cleanup.dispose())

/** Runs `sql` as the reader: the rows, or the error's message. */
async function asReader(sql: string, url = reader.url): Promise<{ rows?: unknown[]; error?: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    return { rows: (await client.query(sql)).rows }
  } catch (error) {
    return { error: (error as Error).message }
  } finally {
    await client.end().catch(() => {})
  }
}

describe('the role DATABASE_URL names', () => {
  test('is not the harness’s own connection', () => {
    expect(new URL(reader.url).username).toBe(reader.role)
    expect(new URL(reader.url).username).not.toBe(new URL(databaseUrl).username)
    expect(new URL(reader.url).pathname).toBe(new URL(databaseUrl).pathname)
  })

  test('reads the user and session tables', async () => {
    expect((await asReader(`SELECT id FROM "user" WHERE id = '${userId}'`)).rows).toEqual([{ id: userId }])
    expect((await asReader(`SELECT "userId" FROM "session" WHERE "userId" = '${userId}'`)).rows?.length).toBeGreaterThan(0)
  })

  test.each([
    ['insert a user', `INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt") VALUES ('x', 'x', 'x@x', false, now(), now())`],
    ['update a session', `UPDATE "session" SET "expiresAt" = now() + interval '1 year'`],
    ['delete a user', `DELETE FROM "user"`],
    ['truncate sessions', 'TRUNCATE "session"'],
    ['drop a table', 'DROP TABLE "session"'],
    ['alter a table', 'ALTER TABLE "user" ADD COLUMN pwned text'],
    ['create a table', 'CREATE TABLE pwned (id int)'],
    ['create a temporary table', 'CREATE TEMP TABLE pwned (id int)'],
    ['create a schema', 'CREATE SCHEMA pwned'],
    ['read the private keys', 'SELECT * FROM "jwks"'],
    ['read password hashes', 'SELECT password FROM "account"'],
    ['read verification tokens', 'SELECT * FROM "verification"'],
  ])('cannot %s', async (_what, sql) => {
    expect((await asReader(sql)).error).toMatch(/permission denied|must be owner/)
  })

  test('is gone once disposed: DATABASE_URL stops working with the run', async () => {
    const other = await createDatabaseReader(databaseUrl, ['user'])
    expect((await asReader('SELECT 1 AS one', other.url)).rows).toEqual([{ one: 1 }])
    await other[Symbol.asyncDispose]()
    expect((await asReader('SELECT 1', other.url)).error).toMatch(/password authentication failed|does not exist/)
  })
})
