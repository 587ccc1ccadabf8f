import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { BroadcastChannel } from 'node:worker_threads'
import type { Browser, Page } from 'playwright-core'
import type { BrowserContext } from '../context.ts'
import { createDebug } from '../debug.ts'
import { errorMessage } from '../errors.ts'
import type { Cleanup } from './cleanup.ts'
import { PAGES_PATH, startPageServers } from './pages.ts'
import { isPageRequest, type PageReply, type PageRequest } from './page-requests.ts'

const debug = createDebug('browser')

/** Debian's Chromium; never a downloaded browser. AUTHCONFORM_CHROMIUM points elsewhere. */
export const chromiumPath = () => process.env.AUTHCONFORM_CHROMIUM || '/usr/bin/chromium'
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
const DISALLOWED_HOST = 'disallowed.authconform.test'
/** Pages open at once: each is a renderer process (~100 MB), and five profiles' cases would open fifteen. */
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
  // Chromium's first page costs most (its profile, the first renderer): paid now, while
  // Postgres and the issuers start, rather than by the first browser case.
  await inPage(browser, `${servers.disallowedOrigin}${PAGES_PATH}/page`, 10_000, async () => {}).catch((error) => debug('warm-up page failed', errorMessage(error)))
  const channel = `authconform-browser-${randomBytes(8).toString('hex')}`
  cleanup.defer('browser service', serveBrowser(browser, channel))
  debug(`chromium ${browser.version()} serving ${channel}`)
  return { ...context, channel }
}

let openPages = 0
const waiting: (() => void)[] = []

async function withPageSlot<R>(work: () => Promise<R>): Promise<R> {
  if (openPages >= MAX_OPEN_PAGES) await new Promise<void>((resolve) => waiting.push(resolve))
  else openPages++
  try {
    return await work()
  } finally {
    // Hand the slot straight to the next in line, or free it.
    const next = waiting.shift()
    if (next) next()
    else openPages--
  }
}

/** `work` in a page loaded from `url`, in a context of its own (no cookies, no storage). */
function inPage<R>(browser: Browser, url: string, timeoutMs: number, work: (page: Page) => Promise<R>): Promise<R> {
  return withPageSlot(async () => {
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      page.setDefaultTimeout(timeoutMs)
      const response = await page.goto(url)
      if (!response?.ok()) throw new Error(`Chromium could not load ${url}: ${response ? response.status() : 'no answer'}`)
      return await work(page)
    } finally {
      await context.close()
    }
  })
}

/** Answers the page requests of every worker thread; returns what stops it. */
function serveBrowser(browser: Browser, name: string): () => void {
  const channel = new BroadcastChannel(name)
  channel.unref()
  channel.onmessage = async (event) => {
    const request: unknown = event.data
    if (!isPageRequest(request)) return
    let reply: PageReply
    try {
      // The script is a function of the catalogue, sent as its source: called with its argument here.
      const value = await inPage(browser, request.url, request.timeoutMs, (page) => page.evaluate(`(${request.script})(${JSON.stringify(request.arg)})`))
      reply = { id: request.id, value }
    } catch (error) {
      reply = { id: request.id, error: errorMessage(error).split('\n')[0]! }
    }
    channel.postMessage(reply)
  }
  return () => channel.close()
}
