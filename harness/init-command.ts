import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline/promises'
import { parseArgs } from 'node:util'
import { AuthconformError, errorMessage, EXIT } from './core/errors.ts'
import { PROFILES } from './core/profiles.ts'

export const INIT_USAGE = `Usage: authconform init [--target-url http://127.0.0.1:8000] [--command "…"] [--profile EdDSA]
                        [--issuer-port 4545] [--out authconform.config.ts] [--force]

Writes a commented authconform.config.ts. With --target-url it reads the backend's OpenAPI
document (/openapi.json, as FastAPI serves it) and guesses routes.me and routes.resource.
On a terminal it asks for what the flags leave open; elsewhere it asks nothing.`

const OPENAPI_PATHS = ['/openapi.json', '/api/openapi.json', '/v3/api-docs', '/swagger.json', '/api-docs']
const ME_PATH = /(^|\/)(me|whoami|current[-_]?user|userinfo|profile|session)$/i
const SKIP_PATH = /(^|\/)(auth|health|healthz|ready|metrics|docs|openapi)(\/|$)/i

type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema>; items?: Schema; required?: string[] } & Record<string, unknown>
type Operation = { requestBody?: { content?: Record<string, { schema?: Schema }> }; responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }
type OpenApi = { paths?: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } }

export interface Guess {
  source?: string
  /** Whether browsers call the backend, and what says so (a preflight's answer, or the user). */
  cors?: { browserCalls: boolean; why: string }
  me?: { route: string; id?: string }
  resource?: {
    create: string
    body: Record<string, unknown>
    id: string
    list: string
    items?: string
    read: string
    update?: string
    updateBody?: Record<string, unknown>
    remove?: string
  }
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

const PROBE_ORIGIN = 'http://localhost:3000'

/**
 * A preflight as a Next.js page at localhost:3000 would send it. A backend that answers it
 * with no Access-Control-* header at all has no CORS layer: nothing in a browser calls it.
 */
export async function probeCors(baseURL: string, mePath: string): Promise<Guess['cors']> {
  try {
    const response = await fetch(new URL(mePath, baseURL), {
      method: 'OPTIONS',
      headers: { origin: PROBE_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      signal: AbortSignal.timeout(3000),
    })
    await response.body?.cancel()
    // Any Access-Control-* header shows a CORS layer, even one that does not allow this origin.
    let corsLayer = false
    response.headers.forEach((_value, name) => (corsLayer ||= name.startsWith('access-control-')))
    if (corsLayer) return { browserCalls: true, why: `a preflight from ${PROBE_ORIGIN} was answered with CORS headers` }
    return { browserCalls: false, why: `a preflight from ${PROBE_ORIGIN} got no CORS headers` }
  } catch {
    return undefined // unreachable: say nothing rather than guess
  }
}

/** Guesses routes.me and routes.resource from an OpenAPI document. */
export function guessRoutes(document: OpenApi): Guess {
  const paths = Object.entries(document.paths ?? {}).filter(([p]) => !SKIP_PATH.test(p))
  const resolve = (schema: Schema | undefined, depth = 0): Schema | undefined => {
    if (!schema?.$ref || depth > 8) return schema
    return resolve(document.components?.schemas?.[schema.$ref.split('/').pop()!], depth + 1)
  }
  const bodySchema = (op?: Operation) => resolve(Object.values(op?.requestBody?.content ?? {})[0]?.schema)
  const answerSchema = (op?: Operation) => {
    const ok = Object.entries(op?.responses ?? {}).find(([status]) => /^2/.test(status))?.[1]
    return resolve(Object.values(ok?.content ?? {})[0]?.schema)
  }
  /** A dotted path to the first `id`-like string field (user.id, id, sub). */
  const idPath = (schema: Schema | undefined, prefix = '', depth = 0): string | undefined => {
    const props = resolve(schema)?.properties
    if (!props || depth > 3) return undefined
    for (const key of ['id', 'sub', 'uuid', '_id', 'user_id', 'userId']) if (props[key]) return prefix + key
    for (const [key, value] of Object.entries(props)) {
      const nested = idPath(value, `${prefix}${key}.`, depth + 1)
      if (nested) return nested
    }
    return undefined
  }
  const example = (schema: Schema | undefined, text: string): Record<string, unknown> => {
    const resolved = resolve(schema)
    const body: Record<string, unknown> = {}
    for (const key of resolved?.required ?? []) {
      const type = resolve(resolved?.properties?.[key])?.type
      body[key] = type === 'integer' || type === 'number' ? 1 : type === 'boolean' ? false : type === 'array' ? [] : text
    }
    return body
  }

  const guess: Guess = {}
  const me = paths.find(([p, ops]) => ops.get && ME_PATH.test(p) && !p.includes('{'))
  if (me) guess.me = { route: `GET ${me[0]}`, id: idPath(answerSchema(me[1].get)) }

  for (const [collection, ops] of paths) {
    if (collection.includes('{') || !ops.get || !ops.post) continue
    const item = paths.find(([p, itemOps]) => itemOps.get && new RegExp(`^${collection.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}/\\{[^}/]+\\}$`).test(p))
    if (!item) continue
    const [itemPath, itemOps] = item
    const list = answerSchema(ops.get)
    const arrayKey = list?.type === 'array' ? undefined : Object.entries(list?.properties ?? {}).find(([, v]) => resolve(v)?.type === 'array')?.[0]
    const updateMethod = itemOps.patch ? 'PATCH' : itemOps.put ? 'PUT' : undefined
    guess.resource = {
      create: `POST ${collection}`,
      body: example(bodySchema(ops.post), 'authconform'),
      id: idPath(answerSchema(ops.post)) ?? 'id',
      list: `GET ${collection}`,
      ...(arrayKey && { items: arrayKey }),
      read: `GET ${itemPath}`,
      ...(updateMethod && {
        update: `${updateMethod} ${itemPath}`,
        updateBody: example(bodySchema(itemOps[updateMethod.toLowerCase()]), 'changed by authconform'),
      }),
      ...(itemOps.delete && { remove: `DELETE ${itemPath}` }),
    }
    break
  }
  return guess
}

const q = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
const literal = (value: unknown): string => {
  if (typeof value === 'string') return q(value)
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`
  if (value && typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : q(k)}: ${literal(v)}`)
      .join(', ')} }`
  return String(value)
}

/** The commented config file text. */
export function renderConfig(options: { targetUrl?: string; command?: string; profile: string; issuerPort?: number; guess: Guess }): string {
  const { guess } = options
  const from = guess.source ? ` (guessed from ${guess.source}: check them)` : ''
  const r = guess.resource
  const lines = [
    "import { defineConfig } from 'authconform'",
    '',
    '// authconform.config.ts — written by `authconform init`. Every key is documented in the README.',
    'export default defineConfig({',
    '  target: {',
    options.command
      ? `    // authconform starts your backend once per profile with BETTER_AUTH_URL, JWKS_URL, JWT_ISSUER,\n    // API_AUDIENCE, JWT_ALGORITHMS and BETTER_AUTH_SECRET in its environment, bound to $PORT.\n    command: ${q(options.command)},\n    ready: '/health', // polled until it answers 2xx`
      : `    // A backend you run yourself: point its JWKS_URL at the issuer below (fixed port).\n    url: ${q(options.targetUrl ?? 'http://127.0.0.1:8000')},`,
    `    profiles: [${q(options.profile)}], // what your backend verifies: EdDSA, ES256, RS256, PS256, HS256`,
    "    // audience: 'https://api.example.com', // the aud your backend expects (default: the issuer's base URL)",
    `    routes: {${from ? ` //${from}` : ''}`,
    `      me: ${q(guess.me?.route ?? 'GET /api/me')}, // answers 2xx for a valid token`,
    guess.me?.id ? `      meId: ${q(guess.me.id)}, // where the caller's id is in that answer` : "      // meId: 'user.id', // where the caller's id is in that answer (enables the identity cases)",
    ...(r
      ? [
          '      // a per-user resource: enables the ownership (BOLA / IDOR) suite',
          '      resource: {',
          `        create: ${q(r.create)}, body: ${literal(r.body)}, id: ${q(r.id)},`,
          `        list: ${q(r.list)},${r.items ? ` items: ${q(r.items)},` : " // items: 'data', // if the array is wrapped"}`,
          `        read: ${q(r.read)},`,
          ...(r.update ? [`        update: ${q(r.update)}, updateBody: ${literal(r.updateBody ?? {})},`] : []),
          ...(r.remove ? [`        remove: ${q(r.remove)},`] : []),
          '      },',
        ]
      : ["      // resource: { create: 'POST /api/todos', body: { title: 'x' }, id: 'id', list: 'GET /api/todos', read: 'GET /api/todos/{id}' },"]),
    '    },',
    corsLine(guess.cors),
    '  },',
    options.command
      ? "  issuer: { port: 0, expiresIn: '15m' }, // 0 = a free port per run"
      : `  issuer: { port: ${options.issuerPort ?? 4545}, expiresIn: '15m' }, // your backend's JWKS_URL: http://127.0.0.1:${options.issuerPort ?? 4545}/api/auth/jwks`,
    "  // failOn: 'low', expectedFailures: './authconform.expected.json',",
    '})',
    '',
  ]
  return lines.join('\n')
}

function corsLine(cors: Guess['cors']): string {
  if (cors && !cors.browserCalls) {
    return `    cors: false, // ${cors.why}: no browser calls this backend (skips the cors and flow suites); list your frontend's origins instead if one does`
  }
  return "    // cors: { allowedOrigins: ['http://localhost:3000'] }, // your frontend (default: the issuer's origin); cors: false if no browser calls this backend"
}

async function ask(question: string, fallback: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = (await rl.question(`${question} [${fallback}] `)).trim()
    return answer || fallback
  } finally {
    rl.close()
  }
}

export async function initCommand(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'target-url': { type: 'string' },
      command: { type: 'string' },
      profile: { type: 'string' },
      'issuer-port': { type: 'string' },
      out: { type: 'string', default: 'authconform.config.ts' },
      force: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    out.write(INIT_USAGE + '\n')
    return EXIT.ok
  }
  const file = path.resolve(values.out)
  if (existsSync(file) && !values.force) throw new AuthconformError('ERR_USAGE', `${values.out} exists: pass --force to overwrite it, or --out <file>`)
  // A terminal may answer questions; CI and pipes never wait for one.
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY)
  let targetUrl = values['target-url']
  if (!targetUrl && !values.command && interactive) targetUrl = await ask('URL of your running backend (to read its OpenAPI document)', 'http://127.0.0.1:8000')
  const profile = values.profile ?? (interactive ? await ask(`signing profile your backend verifies (${PROFILES.join(', ')})`, 'EdDSA') : 'EdDSA')
  if (!PROFILES.includes(profile as never)) throw new AuthconformError('ERR_USAGE', `--profile must be one of ${PROFILES.join(', ')}, got "${profile}"`)
  const port = values['issuer-port']
  if (port !== undefined && !/^\d+$/.test(port)) throw new AuthconformError('ERR_USAGE', `--issuer-port must be a number, got "${port}"`)
  if (targetUrl) {
    try {
      new URL(targetUrl)
    } catch {
      throw new AuthconformError('ERR_USAGE', `--target-url must be a URL like http://127.0.0.1:8000, got "${targetUrl}"`)
    }
  }

  let guess: Guess = {}
  if (targetUrl) {
    const openApi = await fetchOpenApi(targetUrl).catch((error) => {
      process.stderr.write(`authconform: could not read an OpenAPI document: ${errorMessage(error)}\n`)
      return undefined
    })
    if (openApi) guess = { ...guessRoutes(openApi.document), source: openApi.url }
    else process.stderr.write(`authconform: ${targetUrl} serves no OpenAPI document (tried ${OPENAPI_PATHS.join(', ')}): routes are placeholders to edit\n`)
    guess.cors = await probeCors(targetUrl, guess.me?.route.split(' ')[1] ?? '/')
  }
  if (interactive && !guess.cors) {
    const browser = await ask('does a browser frontend call this backend directly (not only server to server)? y/n', 'y')
    guess.cors = /^n/i.test(browser) ? { browserCalls: false, why: 'you said only servers call it' } : { browserCalls: true, why: 'you said a browser calls it' }
  }
  writeFileSync(file, renderConfig({ targetUrl, command: values.command, profile, issuerPort: port ? Number(port) : undefined, guess }))
  const found = [guess.me && `me ${guess.me.route}`, guess.resource && `resource ${guess.resource.list}`].filter(Boolean).join(', ')
  out.write(`wrote ${path.relative(process.cwd(), file) || file}${found ? ` (from ${guess.source}: ${found})` : ''}\nnext: review it, then npx authconform run\n`)
  return EXIT.ok
}
