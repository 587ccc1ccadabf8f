/**
 * What `authconform init` reads from a backend's OpenAPI document: routes.me and
 * routes.resource, with a caller's id in the path (`/api/{user_id}/tasks`) written `{sub}`.
 */

export const OPENAPI_PATHS = ['/openapi.json', '/api/openapi.json', '/v3/api-docs', '/swagger.json', '/api-docs']
const ME_PATH = /(^|\/)(me|whoami|current[-_]?user|userinfo|profile|session)$/i
const SKIP_PATH = /(^|\/)(auth|health|healthz|ready|metrics|docs|openapi)(\/|$)/i
const PLACEHOLDER = /\{([^}/]+)\}/g
/** Path parameters that name the caller, compared without case, `_` or `-` (`user_id`, `userId`). */
const CALLER_NAMES = new Set(['userid', 'uid', 'user', 'ownerid', 'accountid', 'memberid', 'sub'])
/** A parameter whose title or description says it is the caller's id ("User Id", "the current user"). */
const CALLER_TEXT = /\b(user|owner|account|member)[ _-]?id\b|\bcurrent user\b/i
/** Where the create answer says who owns the new item, in this order (routes.meId without a me route). */
const OWNER_FIELDS = ['user_id', 'userId', 'owner', 'ownerId', 'owner_id', 'userID', 'author_id', 'authorId']
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

type Schema = { $ref?: string; type?: string | string[]; format?: string; enum?: unknown[]; properties?: Record<string, Schema>; items?: Schema; required?: string[]; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[] } & Record<
  string,
  unknown
>
type Content = Record<string, { schema?: Schema }>
type Parameter = { $ref?: string; name?: string; in?: string; description?: string; schema?: Schema }
type Operation = { parameters?: Parameter[]; requestBody?: { content?: Content }; responses?: Record<string, { content?: Content }> }
type PathItem = Partial<Record<(typeof METHODS)[number], Operation>> & { parameters?: Parameter[] }
export type OpenApi = { paths?: Record<string, PathItem>; components?: { schemas?: Record<string, Schema>; parameters?: Record<string, Parameter> } }

export interface ResourceGuess {
  create: string
  body: Record<string, unknown>
  id: string
  list: string
  items?: string
  read?: string
  update?: string
  updateBody?: Record<string, unknown>
  remove?: string
  /** The create answer's field naming the new item's owner: routes.meId when there is no me route. */
  owner?: string
}

export interface Guess {
  source?: string
  /** Whether browsers call the backend, and what says so (a preflight's answer, or the user). */
  cors?: { browserCalls: boolean; why: string }
  me?: { route: string; id?: string }
  resource?: ResourceGuess
}

/** Fetches the first OpenAPI document the backend serves, or undefined. */
export async function fetchOpenApi(baseURL: string): Promise<{ url: string; document: OpenApi } | undefined> {
  for (const candidate of OPENAPI_PATHS) {
    const url = new URL(candidate, baseURL).toString()
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) })
      if (!response.ok) continue
      const document = (await response.json()) as OpenApi
      if (document && typeof document === 'object' && document.paths) return { url, document }
    } catch {
      // Not there (or not JSON): try the next well-known place.
    }
  }
  return undefined
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Guesses routes.me and routes.resource from an OpenAPI document. */
export function guessRoutes(document: OpenApi): Guess {
  const paths = Object.entries(document.paths ?? {}).filter(([p, item]) => !SKIP_PATH.test(p) && item && typeof item === 'object')
  const resolve = (schema: Schema | undefined, depth = 0): Schema | undefined => {
    if (!schema?.$ref || depth > 8) return schema
    return resolve(document.components?.schemas?.[schema.$ref.split('/').pop()!], depth + 1)
  }
  /** The schema's type, seen through `anyOf: [{ type: 'string' }, { type: 'null' }]` (pydantic 2's Optional). */
  const typeOf = (schema: Schema | undefined, depth = 0): string | undefined => {
    const resolved = resolve(schema)
    const own = [resolved?.type].flat().find((t) => t && t !== 'null')
    if (own || !resolved || depth > 4) return own
    for (const member of [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? []), ...(resolved.allOf ?? [])]) {
      const type = typeOf(member, depth + 1)
      if (type) return type
    }
    return undefined
  }
  const bodySchema = (op?: Operation) => resolve(Object.values(op?.requestBody?.content ?? {})[0]?.schema)
  const answerSchema = (op?: Operation) => {
    const ok = Object.entries(op?.responses ?? {}).find(([status]) => /^2/.test(status))?.[1]
    return resolve(Object.values(ok?.content ?? {})[0]?.schema)
  }
  /** A dotted path to the first of `keys` in the schema, looking into nested objects (user.id, data.id). */
  const fieldPath = (keys: string[], schema: Schema | undefined, prefix = '', depth = 0): string | undefined => {
    const props = resolve(schema)?.properties
    if (!props || depth > 3) return undefined
    for (const key of keys) if (props[key]) return prefix + key
    for (const [key, value] of Object.entries(props)) {
      const nested = fieldPath(keys, value, `${prefix}${key}.`, depth + 1)
      if (nested) return nested
    }
    return undefined
  }
  const valueFor = (schema: Schema | undefined, text: string): unknown => {
    const resolved = resolve(schema)
    if (resolved?.enum?.length) return resolved.enum[0]
    const type = typeOf(resolved)
    if (type === 'integer' || type === 'number') return 1
    if (type === 'boolean') return false
    if (type === 'array') return []
    if (type === 'object') return {}
    const format = resolved?.format ?? resolved?.anyOf?.map(resolve).find((s) => s?.format)?.format
    return FORMAT_EXAMPLES[String(format)] ?? text
  }
  /** The required fields; a body with none (every field optional, as in an update) gets its first string field. */
  const example = (schema: Schema | undefined, text: string): Record<string, unknown> => {
    const resolved = resolve(schema)
    const props = resolved?.properties ?? {}
    const keys = resolved?.required?.length
      ? resolved.required
      : Object.keys(props)
          .filter((key) => typeOf(props[key]) === 'string' && !resolve(props[key])?.format)
          .slice(0, 1)
    return Object.fromEntries(keys.map((key) => [key, valueFor(props[key], text)]))
  }
  const isCaller = (pathItem: PathItem, name: string): boolean => {
    if (CALLER_NAMES.has(name.toLowerCase().replace(/[_-]/g, ''))) return true
    const declared = [pathItem.parameters ?? [], ...METHODS.map((m) => pathItem[m]?.parameters ?? [])].flat()
    return declared.some((raw) => {
      const p = raw.$ref ? document.components?.parameters?.[raw.$ref.split('/').pop()!] : raw
      return p?.in === 'path' && p.name === name && CALLER_TEXT.test(`${p.description ?? ''} ${String(resolve(p.schema)?.title ?? '')}`)
    })
  }
  /** `path` with its caller parameters written `{sub}`, or undefined when another parameter is left. */
  const scoped = (path: string, pathItem: PathItem): string | undefined => {
    let other = false
    const written = path.replace(PLACEHOLDER, (whole, name: string) => {
      if (isCaller(pathItem, name)) return '{sub}'
      other = true
      return whole
    })
    return other ? undefined : written
  }

  const guess: Guess = {}
  for (const [p, pathItem] of paths) {
    const route = pathItem.get && ME_PATH.test(p) ? scoped(p, pathItem) : undefined
    if (route) {
      guess.me = { route: `GET ${route}`, id: fieldPath(['id', 'sub', 'uuid', '_id', 'user_id', 'userId'], answerSchema(pathItem.get)) }
      break
    }
  }

  const candidates: ResourceGuess[] = []
  for (const [collection, ops] of paths) {
    const list = ops.get && ops.post ? scoped(collection, ops) : undefined
    if (!list) continue
    // The item path: the collection's, then one more parameter, the item's id (`{task_id}`), whatever its name.
    const itemPattern = new RegExp(`^${escapeRegExp(collection)}/\\{([^}/]+)\\}$`)
    const item = paths.find(([p, itemOps]) => itemPattern.test(p) && METHODS.some((m) => m !== 'post' && itemOps[m]))
    const itemName = item && itemPattern.exec(item[0])![1]!
    const itemPath = `${list}/{${itemName}}` // the item's own parameter stays as the API names it
    const itemOps: PathItem = item?.[1] ?? {}
    const listAnswer = answerSchema(ops.get)
    const arrayKey = typeOf(listAnswer) === 'array' ? undefined : Object.entries(listAnswer?.properties ?? {}).find(([, v]) => typeOf(v) === 'array')?.[0]
    const updateMethod = itemOps.patch ? 'patch' : itemOps.put ? 'put' : undefined
    const created = answerSchema(ops.post)
    const id = fieldPath(['id', ...(itemName ? [itemName] : []), 'uuid', '_id', 'pk'], created) ?? 'id'
    const owner = ownerField(id, created, resolve)
    candidates.push({
      create: `POST ${list}`,
      body: example(bodySchema(ops.post), 'authconform'),
      id,
      list: `GET ${list}`,
      ...(arrayKey && { items: arrayKey }),
      ...(itemOps.get && { read: `GET ${itemPath}` }),
      ...(updateMethod && {
        update: `${updateMethod.toUpperCase()} ${itemPath}`,
        updateBody: example(bodySchema(itemOps[updateMethod]), 'changed by authconform'),
      }),
      ...(itemOps.delete && { remove: `DELETE ${itemPath}` }),
      ...(owner && { owner }),
    })
  }
  // A resource with a read route first, then one with any item route, then a bare collection.
  const rank = (r: ResourceGuess) => (r.read ? 0 : r.update || r.remove ? 1 : 2)
  const best = candidates.sort((a, b) => rank(a) - rank(b))[0]
  if (best) guess.resource = best
  return guess
}

const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': '2030-01-01T00:00:00Z',
  date: '2030-01-01',
  email: 'authconform@example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
  uri: 'https://example.com/authconform',
}

/**
 * Where the create answer names the new item's owner: one of OWNER_FIELDS next to its id
 * (`data.user_id` beside `data.id`), read at its own id when it is an object (`owner.id`).
 */
function ownerField(idPath: string, created: Schema | undefined, resolve: (s: Schema | undefined) => Schema | undefined): string | undefined {
  const prefix = idPath.slice(0, idPath.lastIndexOf('.') + 1)
  let holder = resolve(created)
  for (const key of prefix.split('.').filter(Boolean)) holder = resolve(holder?.properties?.[key])
  const key = OWNER_FIELDS.find((name) => holder?.properties?.[name])
  if (!key) return undefined
  return resolve(holder?.properties?.[key])?.properties?.id ? `${prefix}${key}.id` : prefix + key
}
