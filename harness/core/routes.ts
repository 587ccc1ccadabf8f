/** `'GET /api/me'` → `{ method: 'GET', path: '/api/me' }`. Route shapes are never hard-coded. */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
export type Method = (typeof METHODS)[number]
export interface Route {
  method: Method
  path: string
}

const ROUTE = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)$/

export function parseRoute(text: string): Route | undefined {
  const match = ROUTE.exec(text.trim())
  if (!match) return undefined
  return { method: match[1] as Method, path: match[2]! }
}

export const ROUTE_SYNTAX = `"METHOD /path" with METHOD one of ${METHODS.join(', ')} (e.g. "GET /api/me")`
