import http from 'node:http'
import { describe, expect, test } from 'vitest'
import { AuthconformError } from '../../harness/core/errors.ts'
import { resolveConfig } from '../../harness/config/resolve.ts'
import { issuerCoordinates } from '../../harness/environment/issuer.ts'
import { listen, stopServer } from '../../harness/environment/ports.ts'
import { canonicalPath, redirectTrailingSlash } from '../../harness/environment/trailing-slash.ts'
import { catchError } from './support.ts'

const TARGET = { command: 'node server.mjs', routes: { me: 'GET /api/me' } }
const at = (paths: { basePath: string; jwksPath: string }, profile: 'EdDSA' | 'HS256' = 'EdDSA') => issuerCoordinates({ profile, baseURL: 'http://127.0.0.1:4545', ...paths, issuer: 'i', audience: 'a', secret: 's', controlKey: 'k' })

describe('issuer.basePath and issuer.jwksPath', () => {
  test('default to Better Auth’s /api/auth and the jwt plugin’s /jwks', () => {
    expect(resolveConfig({ target: TARGET }).issuer).toMatchObject({ basePath: '/api/auth', jwksPath: '/jwks' })
    expect(resolveConfig({ target: TARGET, issuer: { port: 4545 } }).issuer).toMatchObject({ basePath: '/api/auth', jwksPath: '/jwks' })
  })

  test('every issuer URL follows them: JWKS, token, control endpoints, the client’s base URL', () => {
    expect(at({ basePath: '/api/auth', jwksPath: '/jwks' })).toMatchObject({
      authURL: 'http://127.0.0.1:4545/api/auth',
      jwksURL: 'http://127.0.0.1:4545/api/auth/jwks',
      tokenURL: 'http://127.0.0.1:4545/api/auth/token',
      controlURL: 'http://127.0.0.1:4545/api/auth/conformance',
      pagesURL: 'http://127.0.0.1:4545/__authconform',
    })
    expect(at({ basePath: '/auth/v1', jwksPath: '/.well-known/jwks.json' })).toMatchObject({
      authURL: 'http://127.0.0.1:4545/auth/v1',
      jwksURL: 'http://127.0.0.1:4545/auth/v1/.well-known/jwks.json',
      tokenURL: 'http://127.0.0.1:4545/auth/v1/token',
      controlURL: 'http://127.0.0.1:4545/auth/v1/conformance',
    })
    expect(at({ basePath: '/auth', jwksPath: '/jwks' }, 'HS256').tokenURL).toBe('http://127.0.0.1:4545/auth/hs256/token')
  })

  test('basePath "/" mounts Better Auth at the root (its withPath), the issuer base URL unchanged', () => {
    const root = at({ basePath: '/', jwksPath: '/.well-known/jwks.json' })
    expect(root).toMatchObject({ baseURL: 'http://127.0.0.1:4545', authURL: 'http://127.0.0.1:4545', jwksURL: 'http://127.0.0.1:4545/.well-known/jwks.json', tokenURL: 'http://127.0.0.1:4545/token' })
  })

  test('a path Better Auth would refuse, or that ends in /, is a config error naming the key', () => {
    const problems: [Record<string, string>, RegExp][] = [
      [{ basePath: 'api/auth' }, /issuer\.basePath: must start with \//],
      [{ basePath: '/api/auth/' }, /issuer\.basePath: must not end with \/ \(the root is "\/"\)/],
      [{ jwksPath: '/' }, /issuer\.jwksPath: must not end with \//],
      [{ jwksPath: '/../jwks' }, /issuer\.jwksPath: must be \/-separated segments/],
      [{ jwksPath: '/jwks?x=1' }, /issuer\.jwksPath: must be \/-separated segments/],
    ]
    for (const [issuer, expected] of problems) {
      const error = catchError(() => resolveConfig({ target: TARGET, issuer }))
      expect(error).toBeInstanceOf(AuthconformError)
      expect((error as AuthconformError).exitCode).toBe(2)
      expect(error.message).toMatch(expected)
    }
  })
})

describe('a trailing slash is redirected as Next.js does (trailingSlash: false)', () => {
  test('the canonical path drops the trailing slash and keeps the query', () => {
    expect(canonicalPath('/api/auth/jwks/')).toBe('/api/auth/jwks')
    expect(canonicalPath('/api/auth/jwks//?a=1&b=/')).toBe('/api/auth/jwks?a=1&b=/')
    expect(canonicalPath('/api/auth/jwks')).toBeUndefined()
    expect(canonicalPath('/api/auth/jwks?next=/')).toBeUndefined()
    expect(canonicalPath('/')).toBeUndefined()
  })

  test('never a protocol-relative Location (no open redirect)', () => {
    expect(canonicalPath('//evil.example/')).toBe('/evil.example')
    expect(canonicalPath('/\\evil.example/')).toBe('/evil.example')
  })

  test('a fetch with redirect "follow" reaches the canonical path; "manual" sees the 308', async () => {
    const server = http.createServer((req, res) => {
      if (redirectTrailingSlash(req, res)) return
      if (req.url === '/api/auth/jwks') res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}')
      else res.writeHead(404).end()
    })
    const port = await listen(server, 0)
    try {
      const followed = await fetch(`http://127.0.0.1:${port}/api/auth/jwks/`)
      expect(followed.status).toBe(200)
      expect(followed.redirected).toBe(true)
      expect(followed.url).toBe(`http://127.0.0.1:${port}/api/auth/jwks`)
      expect(await followed.json()).toEqual({ keys: [] })
      const manual = await fetch(`http://127.0.0.1:${port}/api/auth/jwks/`, { redirect: 'manual' })
      expect(manual.status).toBe(308)
      expect(manual.headers.get('location')).toBe('/api/auth/jwks')
      await manual.body?.cancel()
    } finally {
      await stopServer(server)
    }
  })
})
