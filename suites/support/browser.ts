import type { Browser } from 'playwright-core'
import type { BrowserContext, ProfileContext } from '../../harness/context.ts'
import { PAGES_PATH } from '../../harness/environment/pages.ts'
import type { BrowserKit, PageFetch } from '../catalogue/define.ts'
import type { Exchange } from './exchange.ts'

/**
 * Pages open at once in this worker: each is a renderer process (~100 MB); five profiles'
 * browser cases side by side would otherwise open fifteen.
 */
const MAX_OPEN_PAGES = 3
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

/**
 * The run's Chromium, seen from one case: connected on first use, closed by `close()`. A
 * page's only job is its origin; the fetch inside it is what CORS governs.
 */
export function browserKit(browser: BrowserContext | undefined, issuer: ProfileContext['issuer'], timeoutMs: number): BrowserKit {
  const connect = () => {
    if (!browser) throw new Error('this case needs Chromium, which the run did not start')
    if (browser.error) throw new Error(browser.error)
    return sharedConnection(browser.wsEndpoint!, timeoutMs)
  }
  const pageAt = (origin: string) => {
    if (origin === new URL(issuer.baseURL).origin) return `${issuer.pagesURL}/page`
    if (origin === browser?.disallowedOrigin) return `${origin}${PAGES_PATH}/page`
    const page = browser?.pages[origin]
    if (!page?.url) throw new Error(page?.error ?? `no page server for ${origin}`)
    return page.url
  }
  const inPage = <R>(url: string, work: (page: import('playwright-core').Page) => Promise<R>): Promise<R> =>
    withPageSlot(async () => {
      const context = await (await connect()).newContext()
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
  return {
    disallowedOrigin: browser?.disallowedOrigin ?? '',
    fetchFrom: (origin, url, init) =>
      inPage(pageAt(origin), (page) =>
        page.evaluate(
          async ({ origin, url, init }): Promise<PageFetch> => {
            try {
              const response = await fetch(url, init)
              return { origin, readable: true, status: response.status, body: (await response.text()).slice(0, 200) }
            } catch (error) {
              return { origin, readable: false, error: String(error) }
            }
          },
          { origin, url, init },
        ),
      ),
    evaluateAt: (url, script, arg) => inPage(url, (page) => page.evaluate(script as never, arg) as never),
  }
}

/**
 * One connection to the run's Chromium per worker, shared by its browser cases (each still
 * gets a fresh browser context); the suite closes it when its cases are done.
 */
let shared: { endpoint: string; browser: Promise<Browser> } | undefined

function sharedConnection(endpoint: string, timeoutMs: number): Promise<Browser> {
  if (shared?.endpoint !== endpoint) {
    const browser = import('playwright-core').then(({ chromium }) => chromium.connect(endpoint, { timeout: timeoutMs }))
    // A failed connect is not kept: the next case tries again.
    browser.catch(() => (shared = undefined))
    shared = { endpoint, browser }
  }
  return shared.browser
}

export async function closeBrowserConnection(): Promise<void> {
  const connection = shared
  shared = undefined
  await (await connection?.browser.catch(() => undefined))?.close().catch(() => {})
}

/** A page's fetch as a step of evidence: the page's view, plus the request it made. */
export function pageFetchExchange(fetched: PageFetch, url: string, headers: Record<string, string>, ms: number): Exchange {
  return {
    request: { method: 'GET', url, headers: { Origin: fetched.origin, ...headers } },
    status: fetched.status ?? 0,
    headers: {},
    body: fetched.body ?? '',
    ms,
    browser: fetched.readable
      ? `Chromium, page at ${fetched.origin}: fetch resolved, the page read ${fetched.status}`
      : `Chromium, page at ${fetched.origin}: fetch threw ${fetched.error} (the page cannot read the answer)`,
  }
}
