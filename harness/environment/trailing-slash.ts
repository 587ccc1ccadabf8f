import type http from 'node:http'

/**
 * The path-and-query `url` redirects to under Next.js's default `trailingSlash: false`: the
 * same without the trailing `/` (`/api/auth/jwks/?a=1` → `/api/auth/jwks?a=1`), or undefined
 * when it already is canonical. Leading `/`s and `\`s collapse to one `/`, so `//evil.example/`
 * stays on this host instead of becoming a protocol-relative Location.
 */
export function canonicalPath(url: string): string | undefined {
  const query = url.indexOf('?')
  const path = query === -1 ? url : url.slice(0, query)
  if (path.length <= 1 || !path.endsWith('/')) return undefined
  const canonical = `/${path.replace(/^[/\\]+/, '').replace(/\/+$/, '')}`
  return canonical + (query === -1 ? '' : url.slice(query))
}

/**
 * Answers a request for a path with a trailing `/` with a 308 to the canonical one (method and
 * body kept), as the Next.js app the issuer stands for does, and returns true; false otherwise.
 * A verifier configured with `…/jwks/` then meets the redirect a real deployment sends it.
 */
export function redirectTrailingSlash(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const location = canonicalPath(req.url ?? '/')
  if (location === undefined) return false
  res.writeHead(308, { location, 'content-type': 'text/plain' }).end(location)
  return true
}
