import net from 'node:net'
import type { ProfileContext } from '../../harness/core/context.ts'
import type { Evidence } from '../../harness/core/verdict.ts'
import { pathFor } from '../../harness/core/routes.ts'
import { withTargetHeaders } from '../../harness/core/target-headers.ts'
import { shellQuote } from '../../harness/core/text.ts'
import { sleep } from '../../harness/core/time.ts'
import type { Exchange } from '../../harness/core/case.ts'

/**
 * No whole answer to judge: the target timed out, refused the connection or broke off its
 * answer. `exchange` is the request as sent and whatever came back, for evidence and replay.
 */
export class TargetUnanswered extends Error {
  constructor(
    message: string,
    readonly exchange: Exchange,
  ) {
    super(message)
  }
}

/** Whether the target answered 2xx: given the status, or the exchange itself (a predicate over exchanges). */
export function isSuccess(answer: number | Pick<Exchange, 'status'>): boolean {
  const status = typeof answer === 'number' ? answer : answer.status
  return status >= 200 && status < 300
}

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => (headers[name] = value))
  return headers
}

/** The socket error under a failed fetch, as its code and what it means. */
function socketFailure(error: unknown): { code: string; text: string } {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  const code = cause?.code ?? cause?.message ?? (error as Error).message
  if (code === 'ECONNRESET') return { code, text: `${code}: connection reset by the target` }
  if (code === 'UND_ERR_SOCKET') return { code, text: `${code}: the target closed the connection` }
  if (code === 'ECONNREFUSED') return { code, text: `${code}: connection refused` }
  if (code.startsWith('HPE_')) return { code, text: `${code}: the answer is not HTTP` }
  return { code, text: cause?.code && cause.message ? `${code}: ${cause.message}` : code }
}

/**
 * One request to the target (default its `me` route, which then holds no `{sub}`) with the
 * target's configured headers wherever the request does not set them itself.
 */
export async function send(target: ProfileContext['target'], request: { method?: string; path?: string; headers: Record<string, string>; query?: Record<string, string>; body?: string }, timeoutMs: number): Promise<Exchange> {
  const method = request.method ?? target.probeRoute.method
  const address = new URL(target.baseURL + (request.path ?? pathFor(target.probeRoute)))
  for (const [name, value] of Object.entries(request.query ?? {})) address.searchParams.append(name, value)
  const url = address.toString()
  const requestHeaders = withTargetHeaders(target.headers, request.headers)
  // Known before anything is sent: whatever goes wrong below, evidence shows this request.
  const sent = { method, url, headers: requestHeaders, ...(request.body !== undefined && { body: request.body }) }
  const started = performance.now()
  const ms = () => Math.round(performance.now() - started)
  const unanswered = (what: string, dropped: string, answer?: Pick<Exchange, 'status' | 'headers' | 'body'>) =>
    new TargetUnanswered(`${method} ${url}: ${what}`, { request: sent, status: 0, headers: {}, body: '', ...answer, dropped, ms: ms() })
  let response: Response | undefined
  let dropped = ''
  // A connection the target closed after an earlier answer (uvicorn does after a 500) fails
  // the next request before any byte: one retry on a fresh connection keeps the blame where it belongs.
  for (let attempt = 0; attempt < 2 && !response; attempt++) {
    try {
      response = await fetch(url, { method, headers: requestHeaders, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw unanswered(`no answer within ${timeoutMs} ms`, `timed out after ${timeoutMs} ms without an answer`)
      const failure = socketFailure(error)
      dropped = failure.text
      // A refused connection means the target is gone: that is an error, not an answer.
      if (failure.code === 'ECONNREFUSED') throw unanswered('connection refused (did the target crash?)', failure.text)
    }
  }
  // Both attempts can land on pooled keep-alive sockets of a target that has just died; only a
  // fresh connection tells a crash (refused) from a target that drops this request (a finding).
  if (!response && (await connectionRefused(address))) throw unanswered('connection refused (did the target crash?)', 'ECONNREFUSED: connection refused')
  if (!response) return { request: sent, status: 0, dropped, headers: {}, body: '', ms: ms() }
  const headers = headersOf(response)
  const { body, error } = await readBody(response)
  if (error) {
    const answer = { status: response.status, headers, body }
    const got = `answered ${response.status}, then`
    const bytes = Buffer.byteLength(body)
    const timedOut = (error as Error).name === 'TimeoutError'
    const failure = timedOut ? undefined : socketFailure(error)
    const cut = failure ? `${failure.text} mid-body (${bytes} bytes came)` : `timed out after ${timeoutMs} ms mid-body (${bytes} bytes came)`
    // A refusal is in its status line: WEBrick answers 413 to a 1 MB header and closes while
    // still reading it, so the body never comes. That is judged like any refusal.
    if (!isSuccess(response.status)) return { request: sent, ...answer, dropped: cut, ms: ms() }
    // Half a 2xx proves nothing: not an answer to judge, but what did come is evidence.
    if (!failure) throw unanswered(`${got} the body did not end within ${timeoutMs} ms`, cut, answer)
    throw unanswered(`${got} the connection broke off after ${bytes} bytes of the body (${failure.code})`, cut, answer)
  }
  return { request: sent, status: response.status, headers, body, ms: ms() }
}

/** The body as text, or as much of it as came before the connection broke off or timed out. */
async function readBody(response: Response): Promise<{ body: string; error?: unknown }> {
  const chunks: Uint8Array[] = []
  const text = () => new TextDecoder().decode(Buffer.concat(chunks))
  if (!response.body) return { body: '' }
  const reader = response.body.getReader()
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value)
    return { body: text() }
  } catch (error) {
    return { body: text(), error }
  }
}

/** Whether a new TCP connection to the URL's host and port is refused (nothing listens any more). */
function connectionRefused(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) })
    const done = (refused: boolean) => {
      socket.destroy()
      resolve(refused)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(false))
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED'))
  })
}

const SHOWN_RESPONSE_HEADERS = ['www-authenticate', 'content-type', 'access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-headers', 'access-control-allow-methods', 'vary']

function truncateCredentials(value: string): string {
  return value.length > 80 ? `${value.slice(0, 60)}…(${value.length} chars)` : value
}

/** A configured header's value as evidence shows it: withheld, like the end of a long token. */
const withheld = (value: string) => `…(${value.length} chars)`

/**
 * The exchange as a report shows it. `targetHeaders` (target.headers) are secrets: a header
 * that carries its configured value is withheld, one a case set to a value of its own is shown.
 */
export function evidenceOf(exchange: Exchange, targetHeaders: Readonly<Record<string, string>> = {}): Evidence {
  const configured = new Map(Object.entries(targetHeaders).map(([name, value]) => [name.toLowerCase(), value]))
  const shown = (name: string, value: string) => {
    if (configured.get(name.toLowerCase()) === value) return withheld(value)
    return name.toLowerCase() === 'authorization' ? truncateCredentials(value) : value
  }
  const headers = Object.fromEntries(Object.entries(exchange.request.headers).map(([name, value]) => [name, shown(name, value)]))
  return {
    request: { method: exchange.request.method, url: exchange.request.url, headers, ...(exchange.request.body !== undefined && { body: headBytes(exchange.request.body, 200) }) },
    status: exchange.status,
    responseHeaders: Object.fromEntries(SHOWN_RESPONSE_HEADERS.filter((h) => h in exchange.headers).map((h) => [h, exchange.headers[h]!])),
    bodyHead: headBytes(exchange.body, 200),
    ms: exchange.ms,
    ...(exchange.dropped && { dropped: exchange.dropped }),
    ...(exchange.attackerFetches && { attackerFetches: exchange.attackerFetches }),
    ...(exchange.browser && { browser: exchange.browser }),
  }
}

/** The longest prefix of `text` within `limit` UTF-8 bytes, cut between characters. */
function headBytes(text: string, limit: number): string {
  let bytes = 0
  let end = 0
  for (const char of text) {
    bytes += Buffer.byteLength(char)
    if (bytes > limit) break
    end += char.length
  }
  return text.slice(0, end)
}

// A run this long of one character (a 1 MB token, 100 000 dots) is written as a shell
// expansion that makes it, so the replay stays a line you can read and the report stays small.
const LONG_RUN = /([A-Za-z0-9._~+/=])\1{255,}/g

/** One shell word that reads back as exactly `text`. */
function shellWord(text: string): string {
  const parts: string[] = []
  let from = 0
  for (const run of text.matchAll(LONG_RUN)) {
    if (run.index > from) parts.push(shellQuote(text.slice(from, run.index)))
    parts.push(`"$(printf '%*s' ${run[0].length} '' | tr ' ' '${run[1]}')"`)
    from = run.index + run[0].length
  }
  if (from < text.length || parts.length === 0) parts.push(shellQuote(text.slice(from)))
  return parts.join('')
}

/**
 * A copy-paste `curl` that replays the request: whole, so the token (a short-lived test token)
 * and the target.headers values (secrets the evidence withholds) are in it.
 */
export function curlOf(request: Exchange['request']): string {
  const parts = ['curl', '-sS', '-i']
  if (request.method !== 'GET') parts.push('-X', request.method)
  parts.push(shellWord(request.url))
  for (const [name, value] of Object.entries(request.headers)) parts.push('-H', shellWord(`${name}: ${value}`))
  if (request.body !== undefined) parts.push('--data-raw', shellWord(request.body))
  return parts.join(' ')
}

/** What the target fetched from the attacker server for these nonces (after a short settle). */
export async function attackerFetches(attacker: { baseURL: string; logKey: string }, nonces: string[]): Promise<string[]> {
  // A verifier that follows jku fetches before it answers; the pause covers a lazy background fetch.
  await sleep(150)
  const lists = await Promise.all(
    nonces.map(async (nonce) => {
      const response = await fetch(`${attacker.baseURL}/__fetches/${attacker.logKey}/${nonce}`)
      return ((await response.json()) as { path: string }[]).map((f) => f.path)
    }),
  )
  return lists.flat()
}
