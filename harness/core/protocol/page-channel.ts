import { randomBytes } from 'node:crypto'
import { BroadcastChannel } from 'node:worker_threads'

/** Where the issuer (and a configured origin's page server) serves authconform's pages. */
export const PAGES_PATH = '/__authconform'

/** `${PAGES_PATH}/issuer/<port>/…` on a frontend origin reaches that issuer, as a Next.js rewrite would. */
export const issuerProxyPath = (port: number | string) => `${PAGES_PATH}/issuer/${port}`

/**
 * The page loads the suites ask of the run's Chromium, which lives in the main thread (see
 * browser.ts). A BroadcastChannel reaches every thread of the process and nothing outside it.
 */
export interface PageRequest {
  id: string
  /** The page to load: its origin is what the case is about. */
  url: string
  /** The source of a function of one argument, run in the page; its result is the reply's value. */
  script: string
  arg: unknown
  timeoutMs: number
}

export type PageReply = { id: string; value: unknown; error?: undefined } | { id: string; error: string }

export function isPageRequest(message: unknown): message is PageRequest {
  const m = message as Partial<PageRequest> | null
  return typeof m?.id === 'string' && typeof m.url === 'string' && typeof m.script === 'string' && typeof m.timeoutMs === 'number'
}

/**
 * Runs `script(arg)` in a page at `url` in the run's Chromium and returns its result. Rejects with the page's error, or when no answer comes within the page budget (the
 * load and the script each get `timeoutMs`, plus a wait for a free page).
 */
export function requestPage<A, R>(channelName: string, url: string, script: (arg: A) => Promise<R>, arg: A, timeoutMs: number): Promise<R> {
  const id = randomBytes(12).toString('hex')
  const channel = new BroadcastChannel(channelName)
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Error(`Chromium gave no answer for ${url} within ${(timeoutMs * 3) / 1000} s`))), timeoutMs * 3)
    const finish = (settle: () => void) => {
      clearTimeout(timer)
      channel.close()
      settle()
    }
    channel.onmessage = (event) => {
      const reply = event.data as PageReply
      if (reply?.id !== id || 'url' in reply) return
      finish(() => (reply.error === undefined ? resolve(reply.value as R) : reject(new Error(reply.error))))
    }
    const request: PageRequest = { id, url, script: script.toString(), arg, timeoutMs }
    channel.postMessage(request)
  })
}
