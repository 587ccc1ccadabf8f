import http from 'node:http'
import type net from 'node:net'
import { afterAll, beforeAll } from 'vitest'
import type { ProfileContext } from '../../harness/core/context.ts'
import { defineCase, type Case, type InteractionCase, type ProbingCase } from '../../harness/core/case.ts'
import { rejected } from '../../suites/catalogue/expect.ts'
import { principal } from './support.ts'

/**
 * A real target on 127.0.0.1 for running cases without an environment, answering by the
 * bearer token: `hang…` never answers, `refuse-<status>` refuses with that status (and a
 * Bearer challenge), anything else is a 200 naming user A. Call it at a test file's top
 * level: the server starts in beforeAll and closes in afterAll.
 */
export function loopbackTarget(timeoutMs: number) {
  const sockets = new Set<net.Socket>()
  /** Every token the target received, in order. */
  const seen: string[] = []
  /** Every request the target received, in order: method, path and headers (lower-case names). */
  const received: { method: string; path: string; headers: http.IncomingHttpHeaders }[] = []
  const server = http.createServer((req, res) => {
    const token = /^Bearer (\S+)/.exec(req.headers.authorization ?? '')?.[1] ?? ''
    seen.push(token)
    received.push({ method: req.method!, path: req.url!, headers: req.headers })
    if (token.startsWith('hang')) return
    const refused = /^refuse-(\d+)$/.exec(token)
    if (refused) {
      res.writeHead(Number(refused[1]), { 'content-type': 'text/plain', 'www-authenticate': 'Bearer error="invalid_token"' })
      res.end('audience mismatch\n\x1b[31mred\x1b[0m')
      return
    }
    res.end(JSON.stringify({ user: { id: 'id-a' } }))
  })
  server.on('connection', (socket) => void sockets.add(socket.on('error', () => {})))
  let baseURL = ''

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseURL = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
  })

  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  })

  /** A profile context on the loopback target; user A's token is `aToken`. */
  function context(options: { aToken?: string; baseline?: ProfileContext['baseline']; lifecycle?: boolean | ProfileContext['baseline'] } & Partial<ProfileContext['target']> = {}): ProfileContext {
    const { aToken, baseline, lifecycle, ...target } = options
    const a = { ...principal('a', 'id-a'), token: aToken ?? 'fine-a' }
    const self: ProfileContext = {
      profile: 'EdDSA',
      issuer: {
        baseURL: 'http://127.0.0.1:9',
        authURL: 'http://127.0.0.1:9/api/auth',
        jwksURL: 'http://127.0.0.1:9/api/auth/jwks',
        issuer: 'http://127.0.0.1:9',
        audience: 'http://127.0.0.1:9',
        // Nothing listens: a scenario's clean-up call to the control plugin fails quietly.
        controlURL: 'http://127.0.0.1:9/control',
        tokenURL: 'http://127.0.0.1:9/api/auth/token',
        pagesURL: 'http://127.0.0.1:9/pages',
        controlKey: 'control-key',
        secret: { bytes: 32, published: false, bitsPerChar: 5, problems: [] },
      },
      target: { ...targetAt(baseURL), ...target },
      users: { a, b: { ...principal('b', 'id-b'), token: 'fine-b' } },
      baseline: baseline ?? { ok: true },
    }
    if (!lifecycle) return self
    return { ...self, lifecycle: { ...self, baseline: lifecycle === true ? { ok: true } : lifecycle } }
  }

  return {
    get baseURL() {
      return baseURL
    },
    seen,
    received,
    context,
    run: {
      requestTimeoutMs: timeoutMs,
      attacker: { baseURL: 'http://127.0.0.1:9', logKey: 'log-key' },
      keys: { windowSeconds: 1, stormTokens: 1, stormSeconds: 1, stormBudget: 1 },
      publishedSecrets: [],
    },
  }
}

/** A profile's target at `baseURL`, as the simplest config makes it: GET /api/me, no resource, no browser. */
export const targetAt = (baseURL: string): ProfileContext['target'] => ({
  baseURL,
  probeRoute: { method: 'GET', path: '/api/me' },
  probeRouteKey: 'target.routes.me',
  headers: {},
  database: false,
  sessionTokens: false,
  cors: { allowedOrigins: [], configured: false, browserCalls: false },
})

/** An interaction case of the catalogue's shape: `interact` is all a test writes. */
export const interacting = (id: string, interact: InteractionCase['interact']): Case => defineCase({ id, title: id, severity: 'high', refs: ['RFC7519-7.2'], fix: 'the catalogue fix', remedy: 'a-remedy', kind: 'interaction', interact })

/** A probing case of the catalogue's shape, judged by `rejected()` unless `extra` says otherwise. */
export const probing = (id: string, probe: ProbingCase['probe'], extra: Partial<ProbingCase> = {}): Case =>
  defineCase({ id, title: id, severity: 'high', refs: ['RFC7519-7.2'], fix: 'the catalogue fix', remedy: 'a-remedy', kind: 'probe', probe, expect: rejected(), ...extra })
