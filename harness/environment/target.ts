import { availableParallelism } from 'node:os'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { createDebug } from '../debug.ts'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import { sleep } from '../core/time.ts'
import type { ResolvedConfig } from '../config/schema.ts'
import type { IssuerCoordinates } from './issuer.ts'
import { hostNetworking, startHostContainer } from './containers.ts'
import { freePort, listenerInGroup } from './ports.ts'
import { startedTargetEnv, type InjectedName } from '../config/target-env.ts'
import { startAppTarget } from './app-target.ts'

const debug = createDebug('target')
const OUTPUT_LINES = 20

export interface StartedTarget extends AsyncDisposable {
  baseURL: string
  /** Last lines the target printed (empty for a `url` target). */
  output(): string[]
  /** A started process that has exited since; undefined while it runs (or for a url target). */
  exitStatus(): string | undefined
}

type TargetConfig = ResolvedConfig['target']

/**
 * The issuer's coordinates as the env a backend reads (DESIGN §3). BETTER_AUTH_SECRET goes to
 * every profile, as in the shared .env most teams have: a JWKS backend must not fall back to it.
 * Each name is also a `${NAME}` that `target.env` values may use (config/target-env.ts).
 */
export function targetEnv(issuer: IssuerCoordinates, port?: number, databaseUrl?: string): Partial<Record<InjectedName, string>> {
  return {
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    BETTER_AUTH_SECRET: issuer.secret,
    ...(port !== undefined && { PORT: String(port) }),
    BETTER_AUTH_URL: issuer.baseURL,
    JWKS_URL: issuer.jwksURL,
    JWT_ISSUER: issuer.issuer,
    API_AUDIENCE: issuer.audience,
    JWT_ALGORITHMS: issuer.profile,
  }
}

/**
 * Last resort if the harness itself dies abruptly: never leave a backend running. One exit
 * listener for every target (a run starts dozens: key-set instances, lifecycle stacks).
 */
const killedOnExit = new Set<() => void>()
function killOnExit(kill: () => void): () => void {
  if (killedOnExit.size === 0) process.on('exit', killAll)
  killedOnExit.add(kill)
  return () => {
    killedOnExit.delete(kill)
    if (killedOnExit.size === 0) process.off('exit', killAll)
  }
}
function killAll() {
  for (const kill of killedOnExit) kill()
}

/** `databaseUrl`: the read-only DATABASE_URL a `target.database` target gets. */
export async function startTarget(target: TargetConfig, issuer: IssuerCoordinates, databaseUrl?: string): Promise<StartedTarget> {
  if (target.url) return useRunningTarget(target)
  if (target.app) {
    // Built and served in this process: it is ready when its factory's promise settles.
    const described = typeof target.app === 'string' ? `target.app ${path.relative(process.cwd(), target.app) || target.app}` : 'target.app'
    return startAppTarget(target.app, startedTargetEnv(target.env, targetEnv(issuer, undefined, databaseUrl)), described)
  }
  if (target.image) return inStartSlot(() => onAFreePort((port) => startImageTarget(target, issuer, port, databaseUrl)))
  return inStartSlot(() => onAFreePort((port) => startCommandTarget(target, issuer, port, databaseUrl)))
}

/**
 * A run starts up to ten instances of the target per JWKS profile (the main one, the lifecycle
 * one, one per key-set shape and keys-suite lane). Started all at once on a small machine they
 * share the CPU, and each one's ready timeout runs out while it waits for it. As many start at
 * once as there are cores, so an instance's ready timeout counts from its own start; the run
 * takes no longer, since those starts were CPU-bound anyway.
 */
export const START_SLOTS = Math.max(2, availableParallelism())
let startsUnderWay = 0
const waitingToStart: (() => void)[] = []

export async function inStartSlot<T>(start: () => Promise<T>): Promise<T> {
  if (startsUnderWay >= START_SLOTS) await new Promise<void>((resolve) => waitingToStart.push(resolve))
  else startsUnderWay++
  try {
    return await start()
  } finally {
    const next = waitingToStart.shift()
    if (next) next()
    else startsUnderWay--
  }
}

const PORT_TAKEN = /address already in use|EADDRINUSE/i

/**
 * The port is free when picked, but another process may bind it before the target does (CI
 * runners run many things at once). A target that exits saying so gets another port; twice more.
 */
async function onAFreePort(start: (port: number) => Promise<StartedTarget>): Promise<StartedTarget> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort())
    } catch (error) {
      const details = error instanceof AuthconformError ? error.details : undefined
      const portTaken = error instanceof AuthconformError && error.code === 'ERR_TARGET_START' && details?.some((line) => PORT_TAKEN.test(line))
      if (!portTaken || attempt === 3) throw error
      debug(`the target's port was taken before it could bind; trying another (attempt ${attempt + 1})`)
    }
  }
}

/**
 * A backend shipped as an image: started on the host's network with the issuer's env and a
 * PORT it must listen on, probed like a command target, its logs shown if it never gets ready.
 */
async function startImageTarget(target: TargetConfig, issuer: IssuerCoordinates, port: number, databaseUrl?: string): Promise<StartedTarget> {
  if (!hostNetworking()) {
    throw new AuthconformError('ERR_TARGET_START', `target.image needs host networking (Linux Docker); set AUTHCONFORM_DOCKER_NETWORK=host or run the image yourself and give target.url`)
  }
  const container = await startHostContainer({
    image: target.image!,
    name: `target ${issuer.profile}`,
    env: startedTargetEnv(target.env, targetEnv(issuer, port, databaseUrl)),
    timeoutMs: target.readyTimeoutMs,
    errorCode: 'ERR_TARGET_START',
  })
  let exited: string | undefined
  const started: StartedTarget = {
    baseURL: `http://127.0.0.1:${port}`,
    output: () => container.logs(),
    exitStatus: () => exited,
    [Symbol.asyncDispose]: () => container[Symbol.asyncDispose](),
  }
  // The probe loop asks synchronously; the container's state is refreshed beside it.
  const watch = setInterval(() => void container.exitStatus().then((status) => (exited = status)), 500)
  try {
    await waitUntilReady(started, target, `image ${target.image}`)
  } catch (error) {
    await container[Symbol.asyncDispose]()
    throw error
  } finally {
    clearInterval(watch)
  }
  return started
}

/** GET `url` with target.headers (a gateway may refuse even /health without its API key): the status, or why none came. */
async function probe(url: string, timeoutMs: number, headers: Record<string, string>): Promise<{ status: number } | { error: string }> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' })
    await response.body?.cancel()
    return { status: response.status }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    return { error: cause?.code ?? errorMessage(error) }
  }
}

async function useRunningTarget(target: TargetConfig): Promise<StartedTarget> {
  const baseURL = target.url!.replace(/\/$/, '')
  const answer = await probe(baseURL + target.ready, 5000, target.headers)
  if ('error' in answer) {
    // A server that answers with something other than HTTP (an SSH or database port) is a
    // wrong port, not a stopped backend.
    if (/^HPE_|UND_ERR_SOCKET|other side closed/.test(answer.error)) {
      throw new AuthconformError('ERR_TARGET_UNREACHABLE', `target ${baseURL} does not speak HTTP (${answer.error}): is target.url / --target-url the backend's HTTP port?`)
    }
    throw new AuthconformError('ERR_TARGET_UNREACHABLE', `target ${baseURL} is unreachable (${answer.error}): start it, or fix target.url / --target-url`)
  }
  return { baseURL, output: () => [], exitStatus: () => undefined, async [Symbol.asyncDispose]() {} }
}

function commandNotFoundHint(lines: string[]): string {
  const text = lines.join('\n')
  if (/No module named '?(uvicorn|fastapi|jwt|jose)/.test(text)) {
    return ' — a Python module is missing: apt-get install python3-fastapi python3-uvicorn python3-jwt python3-jose (and run with /usr/bin/python3)'
  }
  const nodePackage = /Cannot find (?:package|module) '((?:@[^/']+\/)?[^/'.][^/']*)/.exec(text)?.[1]
  if (nodePackage) return ` — the npm package ${nodePackage} is missing: npm install ${nodePackage} (some bundled reference targets need authconform's devDependencies, which a checkout installs)`
  if (/not found|No such file/.test(text)) return ' — is the program installed and on PATH?'
  return ''
}

async function startCommandTarget(target: TargetConfig, issuer: IssuerCoordinates, port: number, databaseUrl?: string): Promise<StartedTarget> {
  if (!existsSync(target.cwd!)) {
    throw new AuthconformError('ERR_TARGET_START', `target.cwd ${target.cwd} does not exist: fix target.cwd (relative paths are from the config file)`)
  }
  const baseURL = `http://127.0.0.1:${port}`
  const env = { ...process.env, ...startedTargetEnv(target.env, targetEnv(issuer, port, databaseUrl)) }
  const command = target.command!.replace(/\$\{?PORT\}?/g, String(port))
  debug(`starting (${issuer.profile}) ${command} in ${target.cwd}`)
  // Its own process group, so the whole tree (a shell, uvicorn, its reloader…) stops together.
  const child = spawn('/bin/sh', ['-c', command], { cwd: target.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(line.trimEnd())
    lines.splice(0, Math.max(0, lines.length - OUTPUT_LINES))
    if (debug.enabled) debug(chunk.toString().trimEnd())
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  let exited: string | undefined
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = signal ? `killed by ${signal}` : `exit code ${code}`
      resolve()
    })
  })
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal)
    } catch {}
  }
  const forget = killOnExit(() => killGroup('SIGKILL'))
  const stop = async () => {
    forget()
    if (exited === undefined) {
      killGroup('SIGTERM')
      const timedOut = await Promise.race([exitedPromise.then(() => false), sleep(3000).then(() => true)])
      if (timedOut) killGroup('SIGKILL')
    }
    // Children of the shell may outlive it; the group kill catches them too.
    killGroup('SIGKILL')
  }

  const started: StartedTarget = { baseURL, output: () => [...lines], exitStatus: () => exited, [Symbol.asyncDispose]: stop }
  try {
    await waitUntilReady(started, target, command)
    if ((await listenerInGroup(port, child.pid!)) === false) {
      // onAFreePort retries on another port, as for a child that reported EADDRINUSE itself.
      throw new AuthconformError('ERR_TARGET_START', `port ${port} is answered by another process, not the target: ${command}`, {
        details: [`port ${port} was taken before the target bound it (EADDRINUSE)`, ...started.output()],
      })
    }
  } catch (error) {
    await stop()
    throw error
  }
  return started
}

async function waitUntilReady(started: StartedTarget, target: TargetConfig, command: string): Promise<void> {
  const deadline = Date.now() + target.readyTimeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    const status = started.exitStatus()
    if (status !== undefined) {
      await sleep(50) // let the last output lines arrive
      const output = started.output()
      throw new AuthconformError('ERR_TARGET_START', `target ${command.startsWith('image ') ? '' : 'command '}exited (${status}) before it was ready: ${command}${commandNotFoundHint(output)}`, { details: output })
    }
    const answer = await probe(started.baseURL + target.ready, 1000, target.headers)
    if ('status' in answer && answer.status >= 200 && answer.status < 300) return
    last = 'status' in answer ? `HTTP ${answer.status}` : answer.error
    await sleep(100)
  }
  throw new AuthconformError('ERR_TARGET_NOT_READY', `target never became ready: GET ${target.ready} did not answer 2xx within ${target.readyTimeoutMs} ms (last: ${last}); check target.ready and that it listens on $PORT`, {
    details: started.output(),
  })
}
