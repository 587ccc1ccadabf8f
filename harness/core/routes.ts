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

// `{sub}` is the caller's id (its token's sub); any other `{name}` is the id of the item the
// request is about, whatever the API calls it (`{id}`, `{todo_id}`).
const PLACEHOLDER = /\{([^}/]+)\}/g
const CALLER = 'sub'

/** The item placeholders in a path (`{id}`, `{todo_id}`), each name once; `{sub}` is not one. */
export function itemPlaceholders(path: string): string[] {
  return [...new Set(Array.from(path.matchAll(PLACEHOLDER), (match) => match[1]!).filter((name) => name !== CALLER))]
}

/**
 * The path to request: `{sub}` filled with `sub`, any other placeholder with `item`. `sub` is the
 * id of the user making the request (A's requests carry A's id); a case that means to ask for
 * another user's data passes that user's id instead.
 */
export function pathFor(route: Route, ids: { sub?: string; item?: string } = {}): string {
  return route.path.replace(PLACEHOLDER, (placeholder, name: string) => {
    const id = name === CALLER ? ids.sub : ids.item
    if (id === undefined) throw new Error(`${route.method} ${route.path} needs ${name === CALLER ? "the caller's id" : 'an item id'} for ${placeholder}`)
    return encodeURIComponent(id)
  })
}

/**
 * What is wrong with the placeholders of a route (text as configured), or undefined. A route
 * names at most one item; one that is not about an item (`me`, `create`, `list`) names none.
 */
export function placeholderProblem(text: string, about: 'no item' | 'one item'): string | undefined {
  const items = itemPlaceholders(parseRoute(text)?.path ?? '').map((name) => `{${name}}`)
  if (about === 'no item' && items.length) {
    return `"${text}" has ${items.join(' and ')}, which would be an item id, but this route is about no item: only {sub} (the caller's id) can be in it`
  }
  if (items.length > 1) return `"${text}" has ${items.length} item placeholders (${items.join(', ')}): a route names one item, and {sub} is the caller's id`
  return undefined
}
