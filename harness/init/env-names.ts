import { envEntryProblem, INJECTED_ENV, type InjectedName } from '../config/target-env.ts'

/**
 * Which of authconform's injected values a backend's own variable name means, read from the
 * name alone: `AUTH_SERVER` is the issuer's base URL, `BETTER_AUTH_JWKS_URL` its JWKS URL.
 * A name that says nothing certain is left unmapped (the user sees it listed).
 */

/** The words of a name, upper case: `authServerUrl` and `AUTH_SERVER_URL` are both AUTH SERVER URL. */
const wordsOf = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[_\W]+/)
    .filter(Boolean)

/** Words an auth server's URL variable is made of (`NEXT_PUBLIC_BETTER_AUTH_URL`, `AUTH_SERVICE_URL`). */
const AUTH_URL_WORDS = new Set(['NEXT', 'PUBLIC', 'VITE', 'REACT', 'EXPO', 'APP', 'BETTER', 'AUTH', 'BETTERAUTH', 'BASE', 'SERVER', 'SERVICE', 'URL', 'URI', 'API', 'ORIGIN', 'ENDPOINT'])
const URL_WORDS = new Set(['URL', 'URI', 'SERVER', 'SERVICE', 'ORIGIN', 'ENDPOINT', 'BASE'])
/** The secrets a JWT backend keys HMAC with, by their usual names. */
const SECRET_NAMES = new Set(['JWT_SECRET', 'JWT_SECRET_KEY', 'SECRET_KEY', 'AUTH_SECRET_KEY', 'TOKEN_SECRET', 'JWT_SIGNING_SECRET', 'JWT_SIGNING_KEY'])
/** What a listening port's variable starts with (DB_PORT and REDIS_PORT are someone else's port). */
const PORT_OWNERS = new Set(['APP', 'SERVER', 'API', 'UVICORN', 'GUNICORN', 'HTTP', 'BACKEND', 'WEB', 'SERVICE', 'FASTAPI', 'EXPRESS', 'LISTEN', 'APPLICATION'])
/** Read by nearly every program, never about tokens: not worth listing. */
const COMMON_NAMES = new Set(['NODE_ENV', 'PATH', 'HOME', 'PWD', 'USER', 'SHELL', 'TERM', 'LANG', 'TZ', 'CI', 'HOSTNAME', 'TMPDIR', 'DEBUG', 'PYTHONPATH', 'ENV', 'ENVIRONMENT', 'LOG_LEVEL'])

/** The injected value `name` stands for, or undefined. Injected names themselves map to nothing (they are set already). */
export function injectedMeaning(name: string): InjectedName | undefined {
  if ((INJECTED_ENV as readonly string[]).includes(name)) return undefined
  const words = wordsOf(name)
  const last = words.at(-1) ?? ''
  const upper = words.join('_')
  if (words.some((w) => w.includes('JWKS')) && (/^(URL|URI|ENDPOINT)$/.test(last) || last.includes('JWKS'))) return 'JWKS_URL'
  if (words.includes('ISSUER') || last === 'ISS') return 'JWT_ISSUER'
  if (words.includes('AUDIENCE') || last === 'AUD' || last === 'AUDIENCES') return 'API_AUDIENCE'
  if (words.some((w) => /^ALGORITHMS?$/.test(w)) || /^(ALG|ALGS|ALGO|ALGOS)$/.test(last)) return 'JWT_ALGORITHMS'
  if (SECRET_NAMES.has(upper) || upper.endsWith('AUTH_SECRET')) return 'BETTER_AUTH_SECRET' // NEXTAUTH_SECRET too
  if (words.includes('AUTH') || words.includes('BETTERAUTH')) {
    if (words.every((w) => AUTH_URL_WORDS.has(w)) && words.some((w) => URL_WORDS.has(w))) return 'BETTER_AUTH_URL'
  }
  if (words.length === 2 && last === 'PORT' && PORT_OWNERS.has(words[0]!)) return 'PORT'
  return undefined
}

export interface FoundName {
  name: string
  /** `file:line`, relative to the scanned directory. */
  where: string
}

export interface EnvMapping {
  /** target.env entries: the backend's name → `${INJECTED}`. */
  mapped: (FoundName & { to: InjectedName; value: string })[]
  /** Names the backend reads that authconform has no value for (its database URL, its API keys). */
  unmapped: FoundName[]
}

/** Splits the names a backend reads into target.env entries and the rest; injected and common names are neither. */
export function mapEnvNames(found: FoundName[]): EnvMapping {
  const mapping: EnvMapping = { mapped: [], unmapped: [] }
  for (const entry of found) {
    if ((INJECTED_ENV as readonly string[]).includes(entry.name) || COMMON_NAMES.has(entry.name)) continue
    const to = injectedMeaning(entry.name)
    const value = to && `\${${to}}`
    // Only what the config accepts is written (PORT itself is injected, so never here).
    if (to && value && !envEntryProblem(entry.name, value)) mapping.mapped.push({ ...entry, to, value })
    else mapping.unmapped.push(entry)
  }
  return mapping
}
