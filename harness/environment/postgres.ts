import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { StartedPostgreSqlContainer } from '@testcontainers/postgresql'
import { createDebug } from '../debug.ts'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import type { Runtime } from '../core/runtimes.ts'
import { hostNetworking, probeContainerRuntime, removeTestcontainersLock, startHostContainer } from './containers.ts'
import { runAdmin, startEmbeddedServer } from './embedded-postgres.ts'
import { freePort } from './ports.ts'

const debug = createDebug('postgres')

/** What `auto` settled on, or a server the user runs (--database-url). */
export type PostgresKind = Exclude<Runtime, 'auto'> | 'url'

/** A PostgreSQL server for this run; each issuer profile gets its own fresh database on it. */
export interface StartedPostgres extends AsyncDisposable {
  kind: PostgresKind
  /** One line: what was chosen and why (printed by `auto`). */
  reason: string
  /** Creates an empty database for one issuer and returns its connection string. */
  createDatabase(name: string): Promise<string>
}

export interface PostgresOptions {
  runtime: Runtime
  databaseUrl?: string
  /** Official image by default; CI points this at a locally built one. */
  image?: string
}

export async function startPostgres(options: PostgresOptions): Promise<StartedPostgres> {
  if (options.databaseUrl) return useExistingServer(options.databaseUrl)
  if (options.runtime === 'embedded') return startEmbedded('--runtime embedded')
  const runtime = await probeContainerRuntime()
  if (runtime.ok) return startContainer(options.image ?? process.env.AUTHCONFORM_POSTGRES_IMAGE ?? 'postgres:17-alpine', runtime.description)
  if (options.runtime === 'docker') {
    throw new AuthconformError('ERR_NO_CONTAINER_RUNTIME', `--runtime docker: no container runtime answered (${runtime.description}): start Docker or set DOCKER_HOST, or use --runtime embedded`)
  }
  return startEmbedded(`no container runtime answered (${runtime.description})`)
}

async function startEmbedded(why: string): Promise<StartedPostgres> {
  const server = await startEmbeddedServer()
  return {
    kind: 'embedded',
    reason: `embedded PostgreSQL on 127.0.0.1:${server.port} (${why})`,
    // FILE_COPY: on a fresh cluster the default (WAL_LOG) writes each new database's 7 MB into
    // WAL segments made for it, about 4x slower; a checkpoint costs nothing with fsync off.
    createDatabase: (name) => createDatabaseOn(server.adminUrl, name, 'FILE_COPY'),
    [Symbol.asyncDispose]: () => server[Symbol.asyncDispose](),
  }
}

async function startContainer(image: string, runtimeDescription: string): Promise<StartedPostgres> {
  if (hostNetworking()) return startHostNetworkContainer(image, runtimeDescription)
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql')
  let container: StartedPostgreSqlContainer
  try {
    // Not the module's well-known test/test: a target given DATABASE_URL (target.database) must not guess its way to the superuser.
    container = await new PostgreSqlContainer(image).withDatabase('postgres').withUsername('postgres').withPassword(randomBytes(12).toString('hex')).start()
  } catch (error) {
    throw new AuthconformError('ERR_POSTGRES_START', `PostgreSQL container (${image}) failed to start: ${errorMessage(error).split('\n')[0]} (set AUTHCONFORM_POSTGRES_IMAGE or use --runtime embedded)`, { cause: error })
  }
  const adminUrl = container.getConnectionUri()
  return {
    kind: 'docker',
    reason: `PostgreSQL container ${image} via Testcontainers (${runtimeDescription})`,
    createDatabase: (name) => createDatabaseOn(adminUrl, name),
    async [Symbol.asyncDispose]() {
      await container.stop().catch((error: unknown) => debug('container stop failed', errorMessage(error)))
      await removeTestcontainersLock()
    },
  }
}

/**
 * Postgres on the host's network, on a port picked here (PGPORT, which the official image's
 * server honours): connections stay on 127.0.0.1 and the issuer container reaches it there.
 * Ready when the server says so the second time (the image's init server, then the real one).
 */
async function startHostNetworkContainer(image: string, runtimeDescription: string): Promise<StartedPostgres> {
  const port = await freePort()
  const password = randomBytes(12).toString('hex')
  const container = await startHostContainer({
    image,
    name: 'postgres',
    // On the host's network every local user can reach it: listen on 127.0.0.1 only, and ask
    // for the password there too (the official image's initdb trusts 127.0.0.1).
    env: { POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: password, POSTGRES_DB: 'postgres', PGPORT: String(port), POSTGRES_INITDB_ARGS: '--auth-host=scram-sha-256' },
    command: ['-c', 'listen_addresses=127.0.0.1'],
    ready: /database system is ready to accept connections/,
    readyTimes: 2,
    timeoutMs: 120_000,
    errorCode: 'ERR_POSTGRES_START',
  })
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`
  return {
    kind: 'docker',
    reason: `PostgreSQL container ${image} on the host network, 127.0.0.1:${port}, via Testcontainers (${runtimeDescription})`,
    createDatabase: (name) => createDatabaseOn(adminUrl, name),
    async [Symbol.asyncDispose]() {
      await container[Symbol.asyncDispose]()
      await removeTestcontainersLock()
    },
  }
}

/** A server the user runs (a CI service): one database per issuer, dropped at the end. */
async function useExistingServer(databaseUrl: string): Promise<StartedPostgres> {
  const created: string[] = []
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } catch (error) {
    throw new AuthconformError('ERR_DATABASE_URL', `cannot connect to --database-url ${redact(databaseUrl)}: ${errorMessage(error)}`, { cause: error })
  } finally {
    await client.end().catch(() => {})
  }
  const url = new URL(databaseUrl)
  return {
    kind: 'url',
    reason: `PostgreSQL at ${url.host} (--database-url)`,
    async createDatabase(name) {
      const connection = await createDatabaseOn(databaseUrl, name)
      created.push(name)
      return connection
    },
    async [Symbol.asyncDispose]() {
      for (const name of created) {
        await runAdmin(databaseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch((error) => debug('drop failed', name, errorMessage(error)))
      }
    },
  }
}

async function createDatabaseOn(adminUrl: string, name: string, strategy?: 'FILE_COPY'): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`)
  try {
    await runAdmin(adminUrl, `CREATE DATABASE "${name}"${strategy ? ` STRATEGY ${strategy}` : ''}`)
  } catch (error) {
    throw new AuthconformError('ERR_DATABASE_URL', `cannot create database ${name} on ${redact(adminUrl)}: ${errorMessage(error)} (the user needs CREATEDB)`, { cause: error })
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export function redact(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl)
    if (url.password) url.password = '***'
    return url.toString()
  } catch {
    return '(unparseable URL)'
  }
}
