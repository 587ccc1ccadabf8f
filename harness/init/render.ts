import { DEFAULT_BASE_PATH, DEFAULT_JWKS_PATH } from '../core/protocol/better-auth.ts'
import type { InjectedName } from '../config/target-env.ts'
import type { EnvMapping } from './env-names.ts'
import type { SourceScan } from './env-scan.ts'
import type { Guess } from './openapi.ts'

export interface RenderOptions {
  targetUrl?: string
  command?: string
  profile: string
  issuerPort?: number
  guess: Guess
  /** What the backend's source says (`--dir`): the env names it reads, the JWKS paths it fetches. */
  source?: { scan: SourceScan; mapping: EnvMapping }
  /** target.cwd as written (relative to the config file), when the backend is not in the config's directory. */
  cwd?: string
}

/** Unmapped names listed in the config: enough to notice one, not a dump of the repository. */
const MAX_UNMAPPED = 10
const MAX_JWKS_HINTS = 3

const q = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : q(name))
const literal = (value: unknown): string => {
  if (typeof value === 'string') return q(value)
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`
  if (value && typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${key(k)}: ${literal(v)}`)
      .join(', ')} }`
  return String(value)
}

/** The commented config file text. */
export function renderConfig(options: RenderOptions): string {
  const { guess } = options
  const issuerPort = options.issuerPort ?? 4545
  const lines = [
    "import { defineConfig } from 'authconform'",
    '',
    '// authconform.config.ts — written by `authconform init`. Every key is documented in the README.',
    'export default defineConfig({',
    '  target: {',
    ...(options.command
      ? [
          '    // authconform starts your backend once per profile with BETTER_AUTH_URL, JWKS_URL, JWT_ISSUER,',
          '    // API_AUDIENCE, JWT_ALGORITHMS and BETTER_AUTH_SECRET in its environment, bound to $PORT.',
          `    command: ${q(options.command)},`,
          ...(options.cwd ? [`    cwd: ${q(options.cwd)}, // where the command runs (init --dir)`] : []),
          "    ready: '/health', // polled until it answers 2xx",
          ...envLines(options.source?.mapping),
        ]
      : [
          '    // A backend you run yourself: point its JWKS_URL at the issuer below (fixed port).',
          `    url: ${q(options.targetUrl ?? 'http://127.0.0.1:8000')},`,
          ...exportLines(options.source?.mapping, { issuerPort, profile: options.profile, targetUrl: options.targetUrl }),
        ]),
    ...unmappedLines(options.source?.mapping, options.command ? 'set them in target.env' : 'export them too'),
    `    profiles: [${q(options.profile)}], // what your backend verifies: EdDSA, ES256, RS256, PS256, HS256`,
    "    // audience: 'https://api.example.com', // the aud your backend expects (default: the issuer's base URL)",
    ...routeLines(guess),
    corsLine(guess.cors),
    '  },',
    ...jwksLines(options.source?.scan),
    options.command
      ? "  issuer: { port: 0, expiresIn: '15m' }, // 0 = a free port per run"
      : `  issuer: { port: ${issuerPort}, expiresIn: '15m' }, // your backend's JWKS_URL: http://127.0.0.1:${issuerPort}${DEFAULT_BASE_PATH}${DEFAULT_JWKS_PATH}`,
    "  // failOn: 'low', expectedFailures: './authconform.expected.json',",
    '})',
    '',
  ]
  return lines.join('\n')
}

function routeLines(guess: Guess): string[] {
  const r = guess.resource
  const from = guess.source ? ` // guessed from ${guess.source}: check them` : ''
  const lines = [`    routes: {${from}`]
  if (guess.me) {
    lines.push(`      me: ${q(guess.me.route)}, // answers 2xx for a valid token`)
    lines.push(guess.me.id ? `      meId: ${q(guess.me.id)}, // where the caller's id is in that answer` : "      // meId: 'user.id', // where the caller's id is in that answer (enables the identity cases)")
  } else if (r) {
    lines.push('      // no me route (GET /api/me or the like): the probes call resource.list instead, and meId is')
    lines.push("      // the field of create's answer that names the new item's owner, i.e. the caller")
    lines.push(r.owner ? `      meId: ${q(r.owner)},` : "      // meId: 'user_id', // the owner field of create's answer (enables the identity cases)")
  } else {
    lines.push("      me: 'GET /api/me', // a placeholder: a route that answers 2xx for any valid token")
    lines.push("      // meId: 'user.id', // where the caller's id is in that answer (enables the identity cases)")
  }
  if (!r) {
    lines.push("      // resource: { create: 'POST /api/todos', body: { title: 'x' }, id: 'id', list: 'GET /api/todos', read: 'GET /api/todos/{id}' },")
    return [...lines, '    },']
  }
  const scoped = r.list.includes('{sub}') ? " ({sub}: the caller's id, as the API keeps it in the path)" : ''
  lines.push(`      // a per-user resource: enables the ownership (BOLA / IDOR) suite${scoped}`)
  lines.push('      resource: {')
  lines.push(`        create: ${q(r.create)}, body: ${literal(r.body)}, id: ${q(r.id)},`)
  lines.push(`        list: ${q(r.list)},${r.items ? ` items: ${q(r.items)},` : " // items: 'data', // if the array is wrapped"}`)
  if (r.read) lines.push(`        read: ${q(r.read)},`)
  else if (r.update || r.remove) lines.push('        // no GET on the item path: no read route (the cases find an item in the list)')
  else lines.push('        // no item path (…/{id}) found: read, update and remove are left out (add them if there is one)')
  if (r.update) lines.push(`        update: ${q(r.update)}, updateBody: ${literal(r.updateBody ?? {})},`)
  if (r.remove) lines.push(`        remove: ${q(r.remove)},`)
  return [...lines, '      },', '    },']
}

function envLines(mapping: EnvMapping | undefined): string[] {
  if (!mapping?.mapped.length) return []
  return ["    // your backend's own names for what authconform injects (found by `authconform init` where it reads them)", '    env: {', ...mapping.mapped.map((m) => `      ${key(m.name)}: ${q(m.value)}, // ${m.where}`), '    },']
}

/** A backend the user starts: the values to export, for the issuer's fixed port. */
function exportLines(mapping: EnvMapping | undefined, at: { issuerPort: number; profile: string; targetUrl?: string }): string[] {
  if (!mapping?.mapped.length) return []
  const base = `http://127.0.0.1:${at.issuerPort}`
  const target = safeUrl(at.targetUrl ?? 'http://127.0.0.1:8000')
  const values: Partial<Record<InjectedName, string>> = {
    BETTER_AUTH_URL: base,
    JWKS_URL: `${base}${DEFAULT_BASE_PATH}${DEFAULT_JWKS_PATH}`,
    JWT_ISSUER: base,
    API_AUDIENCE: base,
    JWT_ALGORITHMS: at.profile,
    BETTER_AUTH_SECRET: '<issuer.secret>',
    PORT: target?.port || (target?.protocol === 'https:' ? '443' : '80'),
  }
  const secret = mapping.mapped.some((m) => m.to === 'BETTER_AUTH_SECRET')
  return [
    "    // start it with these (names it reads, found by `authconform init`), for the issuer's port below:",
    ...mapping.mapped.map((m) => `    //   export ${m.name}=${values[m.to]} # ${m.where}`),
    ...(secret ? ['    // (<issuer.secret>: set issuer.secret below to a random 32-byte string, and export the same)'] : []),
  ]
}

function unmappedLines(mapping: EnvMapping | undefined, advice: string): string[] {
  const unmapped = mapping?.unmapped ?? []
  if (!unmapped.length) return []
  const shown = unmapped.slice(0, MAX_UNMAPPED).map((u) => `${u.name} (${u.where})`)
  const more = unmapped.length > MAX_UNMAPPED ? `, and ${unmapped.length - MAX_UNMAPPED} more` : ''
  return [`    // it also reads these, which authconform has no value for (${advice} if it needs them):`, `    //   ${shown.join(', ')}${more}`]
}

function jwksLines(scan: SourceScan | undefined): string[] {
  return (scan?.jwksPaths ?? []).slice(0, MAX_JWKS_HINTS).map((hint) => {
    const canonical = hint.path.replace(/\/+$/, '')
    const redirect = hint.path !== canonical ? `; the issuer answers ${hint.path} with a 308 to ${canonical}, as Next.js does` : ''
    const where = `  // your backend fetches a JWKS at ${hint.path} (${hint.where})`
    if (hint.basePath === DEFAULT_BASE_PATH && hint.jwksPath === DEFAULT_JWKS_PATH) return `${where}${redirect}`
    return `${where}: if that is BETTER_AUTH_URL + ${canonical}, add basePath: ${q(hint.basePath)}, jwksPath: ${q(hint.jwksPath)} to issuer${redirect}`
  })
}

function corsLine(cors: Guess['cors']): string {
  if (cors && !cors.browserCalls) {
    return `    cors: false, // ${cors.why}: no browser calls this backend (skips the cors and flow suites); list your frontend's origins instead if one does`
  }
  return "    // cors: { allowedOrigins: ['http://localhost:3000'] }, // your frontend (default: the issuer's origin); cors: false if no browser calls this backend"
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}
