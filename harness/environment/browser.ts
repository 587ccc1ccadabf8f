import { randomBytes } from 'node:crypto'
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { BroadcastChannel } from 'node:worker_threads'
import type { Browser, BrowserContext as PlaywrightContext, Page } from 'playwright-core'
import type { BrowserContext } from '../core/context.ts'
import { createDebug } from '../debug.ts'
import { errorMessage } from '../core/errors.ts'
import type { Cleanup } from './cleanup.ts'
import { PAGES_PATH } from '../core/protocol/page-channel.ts'
import { startPageServers } from './pages.ts'
import { isPageRequest, type PageReply } from '../core/protocol/page-channel.ts'

const debug = createDebug('browser')

/** The names distributions install Chromium (or Chrome) under, in the order they are tried on PATH. */
export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'] as const
/** Debian's Chromium, tried last when PATH has none (a PATH without /usr/bin). */
const DEBIAN_CHROMIUM = '/usr/bin/chromium'
const FIX = 'apt-get install chromium (or set AUTHCONFORM_CHROMIUM to its path)'

export type ChromiumLookup = { executable: string } | { error: string }

const isExecutableFile = (file: string) => {
  try {
    accessSync(file, constants.X_OK)
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/**
 * The Chromium to run, never a downloaded one: AUTHCONFORM_CHROMIUM when set (and then only
 * it), else the first of CHROMIUM_NAMES on PATH, else Debian's. Or why none: one line naming
 * what was searched and the fix.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env, fallback = DEBIAN_CHROMIUM): ChromiumLookup {
  const chosen = env.AUTHCONFORM_CHROMIUM
  if (chosen) {
    if (!existsSync(chosen)) return { error: `Chromium not found at ${chosen}: ${FIX}` }
    return isExecutableFile(chosen) ? { executable: chosen } : { error: `AUTHCONFORM_CHROMIUM=${chosen} is not an executable file: point it at the Chromium binary, or unset it to search PATH` }
  }
  const directories = (env.PATH ?? '').split(path.delimiter).filter(Boolean)
  for (const name of CHROMIUM_NAMES) {
    for (const directory of directories) {
      const candidate = path.join(directory, name)
      if (isExecutableFile(candidate)) return { executable: candidate }
    }
  }
  if (isExecutableFile(fallback)) return { executable: fallback }
  return { error: `Chromium not found: searched PATH for ${CHROMIUM_NAMES.join(', ')} and ${fallback}: ${FIX}` }
}

/** The Chromium a run would use, for tools that launch it themselves (a test of the HTML report). */
export const chromiumPath = () => {
  const found = findChromium()
  return 'executable' in found ? found.executable : DEBIAN_CHROMIUM
}

/** The context the suites get, with which Chromium ran (the result document records it). */
export type StartedBrowserContext = BrowserContext & Required<Pick<BrowserContext, 'chromium'>>

// --process-per-site: pages of one site share a renderer instead of starting one each, most
// of Chromium's CPU in a run.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--process-per-site']
const DISALLOWED_HOST = 'disallowed.authconform.test'

/**
 * One Chromium for the whole run, plus the page servers for the configured frontend origins.
 * The suites (in vitest's worker threads) ask for page loads over a BroadcastChannel, and this
 * thread, which already holds Playwright, serves them: no worker loads Playwright or opens a
 * connection of its own, and Chromium listens on no port (Playwright talks to it over a pipe).
 * A missing or broken Chromium does not stop the run: the browser cases report it as their
 * error, one line with the fix.
 */
export async function startBrowser(origins: string[], cleanup: Cleanup, issuers: { clientScript?: string | Promise<string>; ports: ReadonlySet<number> }): Promise<StartedBrowserContext> {
  const servers = cleanup.use('page servers', await startPageServers(origins, DISALLOWED_HOST, { clientScript: issuers.clientScript, issuerPorts: issuers.ports }))
  const found = findChromium()
  if ('error' in found) return { disallowedOrigin: servers.disallowedOrigin, pages: servers.pages, chromium: {}, error: found.error }
  const executablePath = found.executable
  const context = { disallowedOrigin: servers.disallowedOrigin, pages: servers.pages, chromium: { executable: executablePath } }
  let browser: Browser
  try {
    const { chromium } = await import('playwright-core')
    browser = await chromium.launch({
      executablePath,
      args: [...CHROMIUM_FLAGS, `--host-resolver-rules=${servers.resolverRules.join(', ')}`, ...(servers.usesTls ? ['--ignore-certificate-errors'] : [])],
      // The run's own SIGINT/SIGTERM handling stops Chromium through the cleanup stack.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    })
  } catch (error) {
    debug('launch failed', String((error as Error).message))
    return { ...context, error: `Chromium at ${executablePath} did not start: ${errorMessage(error).split('\n')[0]} (apt-get install --reinstall chromium)` }
  }
  cleanup.defer('chromium', () => browser.close(), { independent: true })
  const pages = new PageKeeper(browser)
  // Chromium's first page costs most (its profile, the first renderer): paid now, while
  // Postgres and the issuers start, rather than by the first browser case.
  await pages.inPage(`${servers.disallowedOrigin}${PAGES_PATH}/page`, 10_000, async () => {}).catch((error) => debug('warm-up page failed', errorMessage(error)))
  const channel = `authconform-browser-${randomBytes(8).toString('hex')}`
  cleanup.defer('browser service', serveBrowser(pages, channel))
  debug(`chromium ${browser.version()} at ${executablePath} serving ${channel}`)
  return { ...context, chromium: { executable: executablePath, version: browser.version() }, channel }
}

/**
 * The pages the cases load: one page per URL, in one browser context. Each context costs a
 * renderer process of its own (about 0.65 s of CPU to start), pages of one site share a
 * renderer, and a page costs its document and scripts (the sign-in page parses the Better Auth
 * client). A case only evaluates a script in the page, never navigates it, so cases share the
 * page at their URL, their scripts interleaving as a page's async code does. Origin probes
 * carry no cookies (their fetches are cross-origin); sign-ins keep theirs, which the issuers'
 * own cookie prefixes keep apart on 127.0.0.1. Two sign-ins to one issuer may interleave: both
 * are user A's, and either session cookie gets user A's JWT.
 */
class PageKeeper {
  private context?: Promise<PlaywrightContext>
  private readonly pages = new Map<string, Promise<Page>>()

  constructor(private readonly browser: Browser) {}

  async inPage<R>(url: string, timeoutMs: number, work: (page: Page) => Promise<R>): Promise<R> {
    return work(await this.pageAt(url, timeoutMs))
  }

  /** The page at `url`, opened on first use; a page that fails to open, closes or crashes is opened again next time. */
  private pageAt(url: string, timeoutMs: number): Promise<Page> {
    if (!this.context) {
      this.context = this.browser.newContext()
      this.context.catch(() => (this.context = undefined)) // the next request tries again
    }
    const context = this.context
    let page = this.pages.get(url)
    if (!page) {
      page = context.then((opened) => open(opened, url, timeoutMs))
      this.pages.set(url, page)
      const forget = () => this.pages.get(url) === page && this.pages.delete(url)
      page.then((opened) => {
        opened.once('close', forget)
        opened.once('crash', forget)
      }, forget)
    }
    return page
  }
}

async function open(context: PlaywrightContext, url: string, timeoutMs: number): Promise<Page> {
  const page = await context.newPage()
  try {
    page.setDefaultTimeout(timeoutMs)
    const response = await page.goto(url)
    if (!response?.ok()) throw new Error(`Chromium could not load ${url}: ${response ? response.status() : 'no answer'}`)
    return page
  } catch (error) {
    await page.close().catch(() => {})
    throw error
  }
}

/** Answers the page requests of every worker thread; returns what stops it. */
function serveBrowser(pages: PageKeeper, name: string): () => void {
  const channel = new BroadcastChannel(name)
  channel.unref()
  // A page load still under way when the run stops ends after the channel is closed.
  let serving = true
  channel.onmessage = async (event) => {
    const request: unknown = event.data
    if (!isPageRequest(request)) return
    let reply: PageReply
    try {
      // The script is a function of the catalogue, sent as its source: called with its argument here.
      const value = await pages.inPage(request.url, request.timeoutMs, (page) => page.evaluate(`(${request.script})(${JSON.stringify(request.arg)})`))
      reply = { id: request.id, value }
    } catch (error) {
      reply = { id: request.id, error: errorMessage(error).split('\n')[0]! }
    }
    if (serving) channel.postMessage(reply)
  }
  return () => {
    serving = false
    channel.close()
  }
}
