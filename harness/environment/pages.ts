import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import { errorMessage } from '../core/errors.ts'
import { selfSignedCertificate } from '../core/openssl.ts'
import { PACKAGE_ROOT } from '../paths.ts'
import { listen, stopServer } from './ports.ts'
import { PAGES_PATH } from '../core/protocol/page-channel.ts'

/**
 * The pages the browser suites load. A page's only job is its origin: the cases evaluate
 * `fetch` in it, so Chromium applies CORS exactly as it would to the team's frontend.
 */
const BLANK = '<!doctype html><meta charset="utf-8"><title>authconform</title>'
const FLOW = `<!doctype html><meta charset="utf-8"><title>authconform sign-in flow</title><script src="${PAGES_PATH}/client.js"></script>`

/** The real Better Auth client for the browser (esbuild, in memory, ~0.2 s). */
export async function buildAuthClientBundle(): Promise<string> {
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [path.join(PACKAGE_ROOT, 'harness/environment/browser-client.ts')],
    absWorkingDir: PACKAGE_ROOT,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    minify: true,
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

/**
 * Answers the pages under PAGES_PATH (blank, flow, client.js) and returns true, or returns
 * false for any other request. The issuer mounts it in front of Better Auth.
 */
export function pageHandler(clientScript?: string | Promise<string>) {
  return (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname
    if (!pathname.startsWith(`${PAGES_PATH}/`) || req.method !== 'GET') return false
    const page = pathname.slice(PAGES_PATH.length)
    // The bundle may still be building when the server starts; it is long done when a page asks.
    if (page === '/client.js' && clientScript)
      void Promise.resolve(clientScript).then(
        (script) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(script),
        () => res.writeHead(500).end(),
      )
    else if (page === '/flow' && clientScript) res.writeHead(200, { 'content-type': 'text/html' }).end(FLOW)
    else res.writeHead(200, { 'content-type': 'text/html' }).end(BLANK)
    return true
  }
}

export interface PageServers extends AsyncDisposable {
  /** Origin → a blank page at that origin, or why it cannot be served here. */
  pages: Record<string, { url?: string; error?: string }>
  /** Chromium --host-resolver-rules sending each named origin to its loopback server. */
  resolverRules: string[]
  /** The page servers' certificate is self-signed: Chromium must be told to accept it. */
  usesTls: boolean
}

/**
 * The sign-in flow on a configured frontend origin (localhost:3000) talks to Better Auth on
 * that same origin, so the page server forwards `${PAGES_PATH}/issuer/<port>/…` to the
 * issuer — only to the run's own issuers, never anywhere else.
 */
function proxyToIssuer(req: http.IncomingMessage, res: http.ServerResponse, issuerPorts: ReadonlySet<number>): boolean {
  const match = new RegExp(`^${PAGES_PATH}/issuer/(\\d+)(/.*)$`).exec(req.url ?? '')
  if (!match || !issuerPorts.has(Number(match[1]))) return false
  const upstream = http.request({ host: '127.0.0.1', port: Number(match[1]), path: match[2], method: req.method, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers)
    answer.pipe(res)
  })
  upstream.on('error', () => res.writeHead(502).end())
  req.pipe(upstream)
  return true
}

const isLoopbackLiteral = (host: string) => host === '127.0.0.1' || host === '[::1]'
const defaultPort = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80')

/**
 * Loopback servers that serve the blank page for origins other than the issuer's: a name
 * (localhost:3000, app.example.com) is mapped onto one of them by Chromium's resolver rules;
 * a loopback literal (127.0.0.1:3000) needs its own port, if it is free.
 */
export async function startPageServers(origins: string[], disallowedHost: string, options: { clientScript?: string | Promise<string>; issuerPorts?: ReadonlySet<number> } = {}): Promise<PageServers & { disallowedOrigin: string }> {
  const servers: (http.Server | https.Server)[] = []
  const handler = pageHandler(options.clientScript)
  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!proxyToIssuer(req, res, options.issuerPorts ?? new Set()) && !handler(req, res)) res.writeHead(404).end()
  }
  const close = async () => {
    await Promise.all(servers.map(stopServer))
  }
  try {
    const plain = http.createServer(serve)
    servers.push(plain)
    const plainPort = await listen(plain, 0)
    let tlsPort: number | undefined
    const pages: PageServers['pages'] = {}
    const resolverRules = [`MAP ${disallowedHost} 127.0.0.1:${plainPort}`]
    for (const origin of origins) {
      const url = new URL(origin)
      const page = `${origin}${PAGES_PATH}/page`
      if (isLoopbackLiteral(url.hostname)) {
        if (url.protocol === 'https:') {
          pages[origin] = { error: `cannot serve an https page from the loopback literal ${origin}; list it as https://localhost:${defaultPort(url)}` }
          continue
        }
        const own = http.createServer(serve)
        servers.push(own)
        try {
          await listen(own, Number(defaultPort(url)))
          pages[origin] = { url: page }
        } catch (error) {
          pages[origin] = { error: `cannot serve a page from ${origin}: ${errorMessage(error)} (free that port, or list the origin by name, e.g. http://localhost:${defaultPort(url)})` }
        }
        continue
      }
      if (url.protocol === 'https:' && tlsPort === undefined) {
        const { certPem, keyPem } = await selfSignedCertificate({ newKey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] }, '/CN=authconform pages', 'the https page server certificate')
        const tls = https.createServer({ cert: certPem, key: keyPem }, serve)
        servers.push(tls)
        tlsPort = await listen(tls, 0)
      }
      resolverRules.push(`MAP ${url.hostname}:${defaultPort(url)} 127.0.0.1:${url.protocol === 'https:' ? tlsPort : plainPort}`)
      pages[origin] = { url: page }
    }
    return {
      pages,
      resolverRules,
      usesTls: tlsPort !== undefined,
      disallowedOrigin: `http://${disallowedHost}:${plainPort}`,
      [Symbol.asyncDispose]: close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
