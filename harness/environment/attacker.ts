import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { listen, stopServer } from './ports.ts'

/**
 * The attacker's own server on loopback: it serves the JWKS and certificates that `jku`/`x5u`
 * header injection points at, and records every request, so a verdict can say whether the
 * target fetched an attacker-chosen URL (SSRF) — not only what it answered.
 *
 * Stateless: `/d/<nonce>/<base64url body>.<json|pem>` serves the body encoded in its own path;
 * any other path is recorded and answered 404. `/__fetches/<logKey>/<nonce>` lists what was
 * fetched with that nonce in its path.
 */
export interface StartedAttacker extends AsyncDisposable {
  baseURL: string
  logKey: string
}

const CONTENT_TYPES: Record<string, string> = { json: 'application/json', pem: 'application/x-pem-file' }
const MAX_RECORDS = 10_000

export async function startAttacker(): Promise<StartedAttacker> {
  const logKey = randomBytes(16).toString('hex')
  const fetched: { path: string; at: number }[] = []
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/'
    const log = /^\/__fetches\/([^/]+)\/([^/?]+)$/.exec(path)
    if (log) {
      if (log[1] !== logKey) return void res.writeHead(404).end()
      const nonce = log[2]!
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(fetched.filter((f) => f.path.includes(nonce))))
    }
    fetched.push({ path, at: Date.now() })
    fetched.splice(0, Math.max(0, fetched.length - MAX_RECORDS))
    const served = /^\/d\/[^/]+\/([\w-]+)\.(json|pem)$/.exec(path)
    if (!served) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': CONTENT_TYPES[served[2]!] }).end(Buffer.from(served[1]!, 'base64url'))
  })
  const port = await listen(server, 0)
  return {
    baseURL: `http://127.0.0.1:${port}`,
    logKey,
    [Symbol.asyncDispose]: () => stopServer(server),
  }
}
