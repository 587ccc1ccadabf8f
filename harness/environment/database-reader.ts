import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import { createDebug } from '../debug.ts'
import { redact } from './postgres.ts'

const debug = createDebug('postgres')

/** Better Auth's tables as a database-backed target reads them, through DATABASE_URL. */
export interface DatabaseReader extends AsyncDisposable {
  /** postgresql://<role>:<password>@<the issuer database's host>/<its name> */
  url: string
  role: string
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`

/**
 * A login role that may SELECT `tables` in the issuer's database and nothing else: no writes, no
 * DDL, no temporary tables, no other database. The harness's own connection is never handed
 * out. `databaseUrl` is that connection (the database's owner); the role is dropped at the end.
 */
export async function createDatabaseReader(databaseUrl: string, tables: readonly string[]): Promise<DatabaseReader> {
  const role = `authconform_reader_${randomBytes(6).toString('hex')}`
  const password = randomBytes(24).toString('base64url')
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1))
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.query(`CREATE ROLE ${quoteIdent(role)} LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION CONNECTION LIMIT 32`)
    // PostgreSQL before 15 lets PUBLIC create in the public schema; every version lets it make temp tables.
    await client.query(`REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC`)
    await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC')
    await client.query(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role)}`)
    await client.query(`GRANT USAGE ON SCHEMA public TO ${quoteIdent(role)}`)
    await client.query(`GRANT SELECT ON ${tables.map((table) => `public.${quoteIdent(table)}`).join(', ')} TO ${quoteIdent(role)}`)
  } catch (error) {
    await client.end().catch(() => {})
    await dropRole(databaseUrl, role)
    const createRole = /permission denied to create role|must have CREATEROLE/i.test(errorMessage(error))
    const why = createRole ? ' (target.database needs a database user that may CREATE ROLE: give it CREATEROLE, or use the embedded or docker runtime)' : ''
    throw new AuthconformError('ERR_DATABASE_URL', `cannot create the read-only role for target.database on ${redact(databaseUrl)}: ${errorMessage(error)}${why}`, { cause: error })
  }
  await client.end()
  const url = new URL(databaseUrl)
  url.username = role
  url.password = password
  return { url: url.toString(), role, [Symbol.asyncDispose]: () => dropRole(databaseUrl, role) }
}

/** Ends the role's sessions (a target's pool may outlive it by a moment) and drops it. */
async function dropRole(databaseUrl: string, role: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role])
    await client.query(`DROP OWNED BY ${quoteIdent(role)}`).catch(() => {})
    await client.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`)
  } catch (error) {
    debug('dropping role failed', role, errorMessage(error))
  } finally {
    await client.end().catch(() => {})
  }
}
