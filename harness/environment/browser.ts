import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { BroadcastChannel } from 'node:worker_threads'
import type { Browser, BrowserContext as PlaywrightContext, Page } from 'playwright-core'
import type { BrowserContext } from '../context.ts'
import { createDebug } from '../debug.ts'
import { errorMessage } from '../errors.ts'
import type { Cleanup } from './cleanup.ts'
import { PAGES_PATH, startPageServers } from './pages.ts'
import { isPageRequest, type PageReply, type PageRequest } from './page-requests.ts'

const debug = createDebug('browser')

/** Debian's Chromium; never a downloaded browser. AUTHCONFORM_CHROMIUM points elsewhere. */
export const chromiumPath = () => process.env.AUTHCONFORM_CHROMIUM || '/usr/bin/chromium'
// --process-per-site: the origin probes' pages (one shared context) share a renderer per site
// instead of starting one each, most of Chromium's CPU in a run.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--process-per-site']
const DISALLOWED_HOST = 'disallowed.authconform.test'
/** Sign-in sessions at work at once: each is a renderer process (~100 MB). */
const MAX_OPEN_PAGES = 3

/**
 * One Chromium for the whole run, plus the page servers for the configured frontend origins.
 * The suites (in vitest's worker threads) ask for page loads over a BroadcastChannel, and this
 * thread, which already holds Playwright, serves them: no worker loads Playwright or opens a
 * connection of its own, and Chromium listens on no port (Playwright talks to it over a pipe).
 * A missing or broken Chromium does not stop the run: the browser cases report it as their
 * error, one line with the fix.
 */
export async function startBrowser(origins: string[], cleanup: Cleanup, issuers: { clientScript?: string; ports: ReadonlySet<number> }): Promise<BrowserContext> {
  const servers = cleanup.use('page servers', await startPageServers(origins, DISALLOWED_HOST, { clientScript: issuers.clientScript, issuerPorts: issuers.ports }))
  const context: BrowserContext = { disallowedOrigin: servers.disallowedOrigin, pages: servers.pages }
  const executablePath = chromiumPath()
  if (!existsSync(executablePath)) {
    return { ...context, error: `Chromium not found at ${executablePath}: apt-get install chromium (or set AUTHCONFORM_CHROMIUM to its path)` }
  }
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
  cleanup.defer('chromium', () => browser.close())
  const pages = new PageKeeper(browser)
  // Chromium's first page costs most (its profile, the first renderer): paid now, while
  // Postgres and the issuers start, rather than by the first browser case.
  await pages.inPage(`${servers.disallowedOrigin}${PAGES_PATH}/page`, 'shared', 10_000, async () => {}).catch((error) => debug('warm-up page failed', errorMessage(error)))
  const channel = `authconform-browser-${randomBytes(8).toString('hex')}`
  cleanup.defer('browser service', serveBrowser(pages, channel))
  debug(`chromium ${browser.version()} serving ${channel}`)
  return { ...context, channel }
}

/**
 * The pages the cases load. An origin probe ('shared') only needs a page at that origin: it
 * runs in the one shared context, in a page already there when one is idle (no cookies are
 * involved: its fetch sends none cross-origin). A sign-in runs in its profile's session
 * ('session:<key>'): a context of its own, since the issuers' cookies on 127.0.0.1 are not
 * kept apart by port, whose requests take turns so one sign-in never lands in another's midst.
 */
class PageKeeper {
  private openPages = 0
  private readonly waiting: (() => void)[] = []
  private readonly contexts = new Map<string, Promise<PlaywrightContext>>()
  private readonly turns = new Map<string, Promise<unknown>>()
  private readonly idle = new Map<string, Page[]>()

  constructor(private readonly browser: Browser) {}

  inPage<R>(url: string, isolation: string, timeoutMs: number, work: (page: Page) => Promise<R>): Promise<R> {
    if (isolation === 'shared') return this.inKeptPage(isolation, url, timeoutMs, work)
    // A new session context is a renderer process of its own: those are what the slots limit.
    const turn = (this.turns.get(isolation) ?? Promise.resolve()).then(() => this.withSlot(() => this.inKeptPage(isolation, url, timeoutMs, work)))
    this.turns.set(isolation, turn.catch(() => {}))
    return turn
  }

  /** A page of context `name` at `url`: an idle one, or a new one, kept idle afterwards. */
  private async inKeptPage<R>(name: string, url: string, timeoutMs: number, work: (page: Page) => Promise<R>): Promise<R> {
    if (!this.contexts.has(name)) {
      const context = this.browser.newContext()
      context.catch(() => this.contexts.delete(name)) // the next request tries again
      this.contexts.set(name, context)
    }
    const key = `${name} ${url}`
    const page = this.idle.get(key)?.pop() ?? (await open(await this.contexts.get(name)!, url, timeoutMs))
    try {
      const result = await work(page)
      this.idle.set(key, [...(this.idle.get(key) ?? []), page])
      return result
    } catch (error) {
      await page.close().catch(() => {})
      throw error
    }
  }

  private async withSlot<R>(work: () => Promise<R>): Promise<R> {
    if (this.openPages >= MAX_OPEN_PAGES) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.openPages++
    try {
      return await work()
    } finally {
      // Hand the slot straight to the next in line, or free it.
      const next = this.waiting.shift()
      if (next) next()
      else this.openPages--
    }
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
      const value = await pages.inPage(request.url, request.isolation, request.timeoutMs, (page) => page.evaluate(`(${request.script})(${JSON.stringify(request.arg)})`))
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
