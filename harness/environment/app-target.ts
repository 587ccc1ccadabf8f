import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { createDebug } from '../debug.ts'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import type { AppFactory, AppSource } from '../config/schema.ts'
import type { StartedTarget } from './target.ts'
import { listen, stopServer } from './ports.ts'

const debug = createDebug('target')

/**
 * `target.app`: a Node app built in this process, no child process and no port to configure.
 * Each instance is served the way supertest's `request(app)` serves one (an http server on an
 * ephemeral port), but bound to 127.0.0.1 and kept for the run: the cases, the environment's
 * checks and Chromium then reach it exactly as they reach a started command, which is what
 * keeps its verdicts those of the same app run as a `command`.
 */
export async function startAppTarget(source: AppSource, env: Record<string, string>, described: string): Promise<StartedTarget> {
  const exported = await loadExport(source)
  const factory = isFactory(exported)
  if (!factory && instancesServed.has(exported as object)) {
    throw new AuthconformError('ERR_TARGET_START', `${described} exports an app, not a factory (env) => app, and this run needs another instance of it: export a function that builds the app from the env it is given`)
  }
  const app = factory ? await buildWith(exported, env, described) : exported
  const { server, stop } = await serve(app, described)
  instancesServed.add(exported as object)
  const { port } = server.address() as AddressInfo
  debug(`serving ${described} in process on 127.0.0.1:${port}`)
  return { baseURL: `http://127.0.0.1:${port}`, output: () => [], exitStatus: () => undefined, [Symbol.asyncDispose]: stop }
}

/** Exported apps already served: an app is one instance; only a factory builds more. */
const instancesServed = new WeakSet<object>()

/**
 * Whether `target.app` is a factory, so each profile, the keys suite's lifecycle stack and
 * the key-set cases get an instance of their own built for their issuer.
 */
export async function appBuildsInstances(source: AppSource): Promise<boolean> {
  return isFactory(await loadExport(source))
}

const modules = new Map<string, Promise<unknown>>()

/** What `target.app` names: the function or object itself, or a module's export (`./app.mjs#name`, default `default`). */
function loadExport(source: AppSource): Promise<unknown> {
  if (typeof source !== 'string') return Promise.resolve(source)
  if (!modules.has(source)) modules.set(source, importExport(source))
  return modules.get(source)!
}

async function importExport(source: string): Promise<unknown> {
  const [file, name = 'default'] = splitSpec(source)
  let module: Record<string, unknown>
  try {
    module = /\.[cm]?ts$/.test(file) ? await (await import('tsx/esm/api')).tsImport(pathToFileURL(file).href, import.meta.url) : await import(pathToFileURL(file).href)
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && errorMessage(error).includes(file)
    throw new AuthconformError(
      'ERR_TARGET_START',
      missing ? `target.app: ${file} does not exist: fix target.app (relative paths are from the config file)` : `target.app: ${file} could not be imported: ${errorMessage(error).split('\n')[0]}`,
      { cause: error },
    )
  }
  // A CommonJS module's exports arrive as the ES module's default.
  const exported = name in module ? module[name] : (module.default as Record<string, unknown> | undefined)?.[name]
  if (exported === undefined) {
    const names = Object.keys(module).join(', ') || 'none'
    throw new AuthconformError('ERR_TARGET_START', `target.app: ${file} has no export "${name}" (its exports: ${names}): write ${path.basename(file)}#<name>`)
  }
  return exported
}

function splitSpec(spec: string): [string, string | undefined] {
  const hash = spec.lastIndexOf('#')
  return hash > 0 ? [spec.slice(0, hash), spec.slice(hash + 1) || undefined] : [spec, undefined]
}

/**
 * A factory takes the env (or nothing) and returns the app; an app does not look like one: a
 * request listener takes (req, res), an Express or Koa app carries `handle`/`callback`/`listen`.
 */
function isFactory(value: unknown): value is AppFactory {
  if (typeof value !== 'function' || value.length > 1) return false
  const app = value as unknown as Record<string, unknown>
  return !['handle', 'callback', 'listen', 'fetch'].some((key) => typeof app[key] === 'function') && !/^class\b/.test(Function.prototype.toString.call(value))
}

async function buildWith(factory: AppFactory, env: Record<string, string>, described: string): Promise<unknown> {
  try {
    return await factory({ ...env })
  } catch (error) {
    throw new AuthconformError('ERR_TARGET_START', `${described}: the factory threw while building the app: ${errorMessage(error).split('\n')[0]}`, { cause: error })
  }
}

interface Served {
  server: http.Server
  stop(): Promise<void>
}

/** Any of the app shapes Node frameworks hand out, served on 127.0.0.1 on a free port. */
async function serve(app: unknown, described: string): Promise<Served> {
  const candidate = app as Record<string, any>
  if (app instanceof http.Server) return served(app, async () => {})
  // Fastify: its own server, after its plugins are ready (what its docs do before supertest).
  if (candidate && typeof candidate.ready === 'function' && candidate.server instanceof http.Server) {
    await candidate.ready()
    return served(candidate.server, () => candidate.close())
  }
  if (typeof app === 'function') return served(http.createServer(app as RequestListener), async () => {})
  // Koa
  if (candidate && typeof candidate.callback === 'function') return served(http.createServer(candidate.callback()), async () => {})
  // Hono and any app with a Fetch API handler
  if (candidate && typeof candidate.fetch === 'function') return served(http.createServer(fetchListener(candidate.fetch.bind(candidate))), async () => {})
  const kind = app === null ? 'null' : typeof app === 'object' ? `an object (keys: ${Object.keys(candidate).slice(0, 6).join(', ') || 'none'})` : typeof app
  throw new AuthconformError('ERR_TARGET_START', `${described} gave ${kind}, not an app: give an Express/Koa/Fastify app, a node:http request listener or server, an object with fetch(request) (Hono), or a factory (env) => app`)
}

/** Every instance being served, so that an app that crashed can be stopped as a crashed process would be. */
const live = new Set<Served>()

async function served(server: http.Server, close: () => Promise<void> | void): Promise<Served> {
  try {
    await listen(server, 0)
  } catch (error) {
    throw new AuthconformError('ERR_TARGET_START', `target.app could not be served on 127.0.0.1: ${errorMessage(error)}`, { cause: error })
  }
  const instance: Served = {
    server,
    async stop() {
      if (!live.delete(instance)) return
      await stopServer(server)
      await close()
    },
  }
  live.add(instance)
  return instance
}

/**
 * While `target.app` runs in this process, an exception or rejection nothing caught is the app
 * crashing (a request handler's own errors are its framework's to answer). A command target
 * that crashes is gone and the cases after it say so; the app's instances are stopped the same
 * way, instead of taking authconform down with a stack trace. `report` gets one line, once.
 */
export function onAppCrash(report: (line: string) => void): () => void {
  let reported = false
  const crashed = (error: unknown) => {
    debug('uncaught in process while target.app runs', error)
    if (!reported) report(`target.app crashed: it threw outside any request handler (${errorMessage(error).split('\n')[0]}); its instances were stopped, so the cases after it could not reach it`)
    reported = true
    for (const instance of live) void instance.stop().catch(() => {})
  }
  process.on('uncaughtException', crashed)
  process.on('unhandledRejection', crashed)
  return () => {
    process.off('uncaughtException', crashed)
    process.off('unhandledRejection', crashed)
  }
}

/** A Fetch API handler (Request → Response) as a node:http listener. */
function fetchListener(handle: (request: Request) => Response | Promise<Response>): RequestListener {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const headers = new Headers()
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, {
        method: req.method,
        headers,
        ...(hasBody && { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' }),
      } as RequestInit)
      const response = await handle(request)
      const outgoing: Record<string, string | string[]> = {}
      response.headers.forEach((value, name) => {
        if (name !== 'set-cookie') outgoing[name] = value
      })
      const cookies = response.headers.getSetCookie()
      if (cookies.length) outgoing['set-cookie'] = cookies
      res.writeHead(response.status, outgoing)
      if (response.body && req.method !== 'HEAD') for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk)
      res.end()
    } catch (error) {
      debug(`the app's fetch handler threw: ${errorMessage(error)}`)
      if (!res.headersSent) res.writeHead(500)
      res.end()
    }
  }
}
