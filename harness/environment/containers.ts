import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createDebug } from '../debug.ts'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import { PACKAGE_ROOT } from '../paths.ts'

const debug = createDebug('containers')
const LOG_LINES = 20

/**
 * Containers the docker runtime starts. On Linux they use host networking, so every
 * connection stays on 127.0.0.1 and a container listens on a port the harness picked; where
 * host networking is not available (Docker Desktop), `AUTHCONFORM_DOCKER_NETWORK=bridge` keeps
 * the issuer in-process and maps Postgres' port.
 */
export function hostNetworking(): boolean {
  const mode = process.env.AUTHCONFORM_DOCKER_NETWORK ?? (process.platform === 'linux' ? 'host' : 'bridge')
  return mode === 'host'
}

const testcontainersLock = () => path.join(os.tmpdir(), `testcontainers-node-${os.userInfo().uid}.lock`)
let lockWasThere: boolean | undefined

/**
 * Before the first Testcontainers call: with host networking the containers are reached on
 * loopback (without the override Testcontainers, itself inside a VM or container with
 * /.dockerenv, looks for a bridge network's gateway and gives up), and whether its lock file
 * already exists is noted so that a run removes only a lock file it made.
 */
export function prepareTestcontainers(): void {
  if (hostNetworking()) process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1'
  lockWasThere ??= existsSync(testcontainersLock())
}

/**
 * Where Testcontainers looks for a runtime (its strategies: DOCKER_HOST, ~/.testcontainers.properties,
 * the root and rootless Docker sockets, Windows' named pipe). With none of them there, its probe
 * can only fail, and loading it to find out costs about 0.3 s of every embedded run.
 */
function mayHaveContainerRuntime(): boolean {
  if (process.env.DOCKER_HOST || process.platform === 'win32') return true
  const home = os.homedir()
  const places = [
    path.join(home, '.testcontainers.properties'),
    '/var/run/docker.sock',
    process.env.XDG_RUNTIME_DIR && path.join(process.env.XDG_RUNTIME_DIR, 'docker.sock'),
    path.join(home, '.docker/run/docker.sock'),
    path.join(home, '.docker/desktop/docker.sock'),
    `/run/user/${os.userInfo().uid}/docker.sock`,
  ]
  return places.some((place) => place && existsSync(place))
}

/** Whether a container runtime answers, in one line either way. */
export async function probeContainerRuntime(): Promise<{ ok: boolean; description: string }> {
  const where = process.env.DOCKER_HOST ? `DOCKER_HOST=${process.env.DOCKER_HOST}` : 'DOCKER_HOST unset, no /var/run/docker.sock'
  if (!mayHaveContainerRuntime()) return { ok: false, description: `no container runtime found: ${where}` }
  prepareTestcontainers()
  try {
    const { getContainerRuntimeClient } = await import('testcontainers')
    const client = await getContainerRuntimeClient()
    return { ok: true, description: `${client.info.containerRuntime.host} answered` }
  } catch (error) {
    debug('container runtime probe failed', errorMessage(error))
    return { ok: false, description: `no container runtime found: ${where}` }
  }
}

/** Testcontainers leaves its lock file in the temp dir even with the reaper off: ours goes. */
export async function removeTestcontainersLock(): Promise<void> {
  if (lockWasThere === false) await rm(testcontainersLock(), { force: true })
}

/** Every file below `entries` (relative to the package), sorted: the image's build context. */
function contextFiles(entries: string[]): string[] {
  const files: string[] = []
  const walk = (relative: string) => {
    const absolute = path.join(PACKAGE_ROOT, relative)
    if (statSync(absolute).isDirectory()) for (const name of readdirSync(absolute).sort()) walk(path.join(relative, name))
    else files.push(relative)
  }
  for (const entry of entries) walk(entry)
  return files
}

const builds = new Map<string, Promise<string>>()

/**
 * The image for `dockerfile`, built once and cached by content: its tag is a hash of the
 * context files and build args, so an unchanged checkout reuses the image and any change to
 * the issuer's code builds a new one. A failed build is one line plus its last output lines.
 */
export function ensureImage(options: { repository: string; dockerfile: string; context: string[]; buildArgs?: Record<string, string> }): Promise<string> {
  const files = contextFiles(options.context)
  const hash = createHash('sha256')
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(PACKAGE_ROOT, file)))
      .update('\0')
  hash.update(JSON.stringify(options.buildArgs ?? {}))
  const tag = `${options.repository}:${hash.digest('hex').slice(0, 16)}`
  if (!builds.has(tag)) builds.set(tag, build(tag, files, options))
  return builds.get(tag)!
}

async function build(tag: string, files: string[], options: { dockerfile: string; buildArgs?: Record<string, string> }): Promise<string> {
  prepareTestcontainers()
  const [{ getContainerRuntimeClient, ImageName }, tar] = await Promise.all([import('testcontainers'), import('tar-fs')])
  const client = await getContainerRuntimeClient()
  if (await client.image.exists(ImageName.fromString(tag))) {
    debug(`image ${tag} is cached`)
    return tag
  }
  debug(`building ${tag} from ${options.dockerfile}`)
  const output: string[] = []
  let failure: string | undefined
  try {
    // tar-fs' Pack is a streamx stream, which dockerode pipes like any Node readable.
    const context = tar.pack(PACKAGE_ROOT, { entries: files }) as unknown as NodeJS.ReadableStream
    const stream: NodeJS.ReadableStream = await client.container.dockerode.buildImage(context, {
      t: tag,
      dockerfile: options.dockerfile,
      buildargs: options.buildArgs,
      // The build's own downloads (npm ci) go through the host's network, like its containers.
      networkmode: hostNetworking() ? 'host' : undefined,
      rm: true,
      forcerm: true,
    })
    await new Promise<void>((resolve, reject) => {
      let pending = ''
      stream.on('data', (chunk: Buffer) => {
        pending += chunk.toString()
        const lines = pending.split('\n')
        pending = lines.pop()!
        for (const line of lines) {
          if (!line.trim()) continue
          try {
            const event = JSON.parse(line) as { stream?: string; error?: string }
            if (event.error) failure = event.error.trim()
            for (const text of (event.stream ?? '').split('\n')) if (text.trim()) output.push(text.trimEnd())
            output.splice(0, Math.max(0, output.length - LOG_LINES))
          } catch {
            output.push(line)
          }
        }
      })
      stream.on('end', resolve)
      stream.on('error', reject)
    })
  } catch (error) {
    failure = errorMessage(error)
  }
  if (failure) {
    builds.delete(tag)
    throw new AuthconformError('ERR_IMAGE_BUILD', `building ${tag} from ${options.dockerfile} failed: ${failure.split('\n')[0]}`, { details: output })
  }
  return tag
}

export interface StartedContainer extends AsyncDisposable {
  id: string
  logs(): string[]
  /** Undefined while it runs; how it ended otherwise. */
  exitStatus(): Promise<string | undefined>
}

/**
 * A container on the host's network, waited on by a log line; if it exits or never logs the
 * line, the error carries its last log lines. Stopped by the run's cleanup.
 */
export async function startHostContainer(options: {
  image: string
  name: string
  env: Record<string, string>
  /** A log line that means ready; without one the caller waits its own way (an HTTP probe). */
  ready?: RegExp
  readyTimes?: number
  timeoutMs: number
  command?: string[]
  errorCode: 'ERR_POSTGRES_START' | 'ERR_ISSUER_START' | 'ERR_TARGET_START'
}): Promise<StartedContainer> {
  const { GenericContainer, Wait } = await import('testcontainers')
  const lines: string[] = []
  let container: Awaited<ReturnType<InstanceType<typeof GenericContainer>['start']>>
  try {
    let definition = new GenericContainer(options.image)
      .withNetworkMode('host')
      .withEnvironment(options.env)
      .withLabels({ 'org.authconform.role': options.name })
      .withStartupTimeout(options.timeoutMs)
      .withLogConsumer((stream) =>
        stream.on('data', (chunk: Buffer | string) => {
          for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(line.trimEnd())
          lines.splice(0, Math.max(0, lines.length - LOG_LINES))
        }),
      )
    if (options.command) definition = definition.withCommand(options.command)
    // Without a log line the default strategy (exposed ports: none on the host network) returns at once.
    if (options.ready) definition = definition.withWaitStrategy(Wait.forLogMessage(options.ready, options.readyTimes ?? 1))
    container = await definition.start()
  } catch (error) {
    throw new AuthconformError(options.errorCode, `${options.name} container (${options.image}) did not become ready: ${errorMessage(error).split('\n')[0]}`, { details: [...lines], cause: error })
  }
  return {
    id: container.getId(),
    logs: () => [...lines],
    async exitStatus() {
      const { getContainerRuntimeClient } = await import('testcontainers')
      const client = await getContainerRuntimeClient()
      const state = (await client.container.inspect(client.container.getById(container.getId())).catch(() => undefined))?.State
      if (!state || state.Running) return undefined
      return `exit code ${state.ExitCode}`
    },
    async [Symbol.asyncDispose]() {
      await container.stop({ timeout: 5_000, remove: true }).catch((error: unknown) => debug(`stopping ${options.name} failed: ${errorMessage(error)}`))
    },
  }
}
