import type { BrowserContext, ProfileContext } from '../../harness/core/context.ts'
import { PAGES_PATH, requestPage } from '../../harness/core/protocol/page-channel.ts'
import type { BrowserKit, PageFetch, Exchange } from '../../harness/core/case.ts'

/**
 * The run's Chromium, seen from one case; the pages live in the main thread. For fetchFrom a
 * page's only job is its origin, and the fetch inside it is what CORS governs; evaluateAt runs
 * with the browser's cookies, where the sign-in flow keeps its session.
 */
export function browserKit(browser: BrowserContext | undefined, issuer: ProfileContext['issuer'], timeoutMs: number): BrowserKit {
  const inPage = <A, R>(url: string, script: (arg: A) => Promise<R>, arg: A): Promise<R> => {
    if (!browser) throw new Error('this case needs Chromium, which the run did not start')
    if (browser.error) throw new Error(browser.error)
    return requestPage(browser.channel!, url, script, arg, timeoutMs)
  }
  const pageAt = (origin: string) => {
    if (origin === new URL(issuer.baseURL).origin) return `${issuer.pagesURL}/page`
    if (origin === browser?.disallowedOrigin) return `${origin}${PAGES_PATH}/page`
    const page = browser?.pages[origin]
    if (!page?.url) throw new Error(page?.error ?? `no page server for ${origin}`)
    return page.url
  }
  return {
    disallowedOrigin: browser?.disallowedOrigin ?? '',
    fetchFrom: async (origin, url, init) =>
      inPage(
        pageAt(origin),
        async ({ origin, url, init }): Promise<PageFetch> => {
          try {
            // no-store: a page may serve several probes; each must reach the target.
            const response = await fetch(url, { ...init, cache: 'no-store' })
            return { origin, readable: true, status: response.status, body: (await response.text()).slice(0, 200) }
          } catch (error) {
            return { origin, readable: false, error: String(error) }
          }
        },
        { origin, url, init },
      ),
    // Cookies persist between these pages: a sign-in's session is there for the next request.
    evaluateAt: async (url, script, arg) => inPage(url, script, arg),
  }
}

/** A page's fetch as a step of evidence: the page's view, plus the request it made. */
export function pageFetchExchange(fetched: PageFetch, url: string, headers: Record<string, string>, ms: number): Exchange {
  return {
    request: { method: 'GET', url, headers: { Origin: fetched.origin, ...headers } },
    status: fetched.status ?? 0,
    headers: {},
    body: fetched.body ?? '',
    ms,
    browser: fetched.readable ? `Chromium, page at ${fetched.origin}: fetch resolved, the page read ${fetched.status}` : `Chromium, page at ${fetched.origin}: fetch threw ${fetched.error} (the page cannot read the answer)`,
  }
}
