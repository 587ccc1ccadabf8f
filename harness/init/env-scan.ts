import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { authPathProblem, DEFAULT_BASE_PATH, DEFAULT_JWKS_PATH } from '../core/protocol/better-auth.ts'
import type { FoundName } from './env-names.ts'

/**
 * What a backend's source says about its environment: the variable names it reads (its code
 * and its `.env.example`; never `.env`, which holds the secrets) and the JWKS paths it fetches.
 * Bounded, and blind to what it cannot read: an unreadable directory, a dangling or looping
 * link is passed over, and a linked directory is never entered.
 */

export const MAX_FILES = 2000
export const MAX_FILE_BYTES = 1_000_000
const SKIP_DIRS = new Set(['node_modules', '.venv', 'venv', '.git', 'dist', 'build', '__pycache__'])
const CODE_FILE = /\.(py|ts|mts|cts|js|mjs|cjs|go|rb)$/
const ENV_EXAMPLES = new Set(['.env.example', '.env.sample', '.env.template', '.env.local.example'])

const NAME = '([A-Za-z_][A-Za-z0-9_]*)'
const Q = `["'\`]`
/** os.environ["X"], os.environ.get("X"), os.getenv("X"), getenv("X"), os.Getenv("X"), os.LookupEnv("X"), ENV["X"], ENV.fetch("X"), process.env["X"]. */
const QUOTED_READ = new RegExp(`(?:\\benviron\\s*(?:\\.get\\s*\\(|\\[)|\\b(?:getenv|Getenv|LookupEnv)\\s*\\(|\\bENV\\s*(?:\\.fetch\\s*\\(|\\[)|\\bprocess\\.env\\s*\\[|\\bDeno\\.env\\.get\\s*\\()\\s*${Q}${NAME}${Q}`, 'g')
/** process.env.X, import.meta.env.X, Bun.env.X. */
const DOTTED_READ = new RegExp(`\\b(?:process|import\\.meta|Bun)\\.env\\.${NAME}`, 'g')
/**
 * A helper that reads the variable its parameter names (`def required(name): … os.environ.get(name`,
 * `function env(name) { … process.env[name]`): its calls with a literal are reads too.
 */
const ENV_HELPER = /\b(?:def|function)\s+([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)|\b(?:const|let)\s+([A-Za-z_]\w*)\s*=\s*(?:async\s*)?\(?\s*([A-Za-z_]\w*)[^\n=]*=>/g
const HELPER_BODY_CHARS = 600
const helperReads = (param: string) => new RegExp(`(?:\\benviron\\s*(?:\\.get\\s*\\(|\\[)|\\b(?:getenv|Getenv|LookupEnv)\\s*\\(|\\bprocess\\.env\\s*\\[)\\s*${param}\\b`)
/** A keyword or option naming a variable: `secret_env="AUTH_SECRET"`, `envName: 'API_KEY'`. */
const ENV_KEYWORD = /\b\w*(?:_env|Env|env_name|envName|env_var|envVar)\s*[=:]\s*["'`]([A-Z][A-Z0-9_]*)["'`]/g
/** `X=…` or `export X=…` in a .env.example. */
const DOTENV_LINE = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(.*)$/gm
/** A string literal that ends in a JWKS path: `"/api/auth/jwks"`, `f"{base}/auth/jwks/"`, `"http://…/.well-known/jwks.json"`. */
const JWKS_LITERAL = /["'`]([^"'`\s]*\/jwks(?:\.json)?\/?)["'`]/gi

export interface JwksPathHint {
  /** The path the backend fetches, as written (a trailing `/` kept). */
  path: string
  where: string
  /** issuer.basePath and issuer.jwksPath that serve it. */
  basePath: string
  jwksPath: string
}

export interface SourceScan {
  /** Each name once, at a code line that reads it if there is one, else at its .env.example line. */
  names: FoundName[]
  /** JWKS paths other than Better Auth's default `/api/auth/jwks`, each once. */
  jwksPaths: JwksPathHint[]
  files: number
  /** MAX_FILES was reached: some files were not read. */
  truncated: boolean
}

/** The files to read under `root`, nearest first, in name order: .env examples and code. */
function sourceFiles(root: string): { files: string[]; truncated: boolean } {
  const files: string[] = []
  const queue = [root]
  while (queue.length) {
    const dir = queue.shift()!
    let entries: Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      continue // unreadable (EACCES), or gone since it was listed
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        // Dot directories are tools' caches (.venv, .next, .tox), not the backend's code.
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) queue.push(full)
        continue
      }
      // An authconform config reads the harness's env, not the backend's.
      if ((!ENV_EXAMPLES.has(entry.name) && !CODE_FILE.test(entry.name)) || entry.name.startsWith('authconform.config.')) continue
      // A linked file is read when it is a file; a linked directory is never entered (loops).
      if (!entry.isFile() && !(entry.isSymbolicLink() && isFile(full))) continue
      if (files.length >= MAX_FILES) return { files, truncated: true }
      files.push(full)
    }
  }
  return { files, truncated: false }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile()
  } catch {
    return false // dangling, looping, or unreadable
  }
}

function readSmall(file: string): string | undefined {
  try {
    if (statSync(file).size > MAX_FILE_BYTES) return undefined
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** 1-based line of `index` in `text`, from the line starts. */
function lineAt(starts: number[], index: number): number {
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (starts[mid]! <= index) low = mid
    else high = mid - 1
  }
  return low + 1
}

/** The names of the helpers in `text` that read the variable their first parameter names. */
function envHelpers(text: string): string[] {
  const helpers: string[] = []
  for (const m of text.matchAll(ENV_HELPER)) {
    const [name, param] = m[1] ? [m[1], m[2]!] : [m[3]!, m[4]!]
    if (helperReads(param).test(text.slice(m.index!, m.index! + HELPER_BODY_CHARS))) helpers.push(name)
  }
  return helpers
}

/** Scans `root` (a backend's directory) for the env names it reads and the JWKS paths it fetches. */
export function scanSource(root: string): SourceScan {
  const { files, truncated } = sourceFiles(root)
  // A helper may be defined in one module and called in another: find them all first.
  const helpers = new Set(files.filter((file) => CODE_FILE.test(file)).flatMap((file) => envHelpers(readSmall(file) ?? '')))
  const helperCall = helpers.size ? new RegExp(`\\b(?:${[...helpers].join('|')})\\s*\\(\\s*["'\`]([A-Z][A-Z0-9_]*)["'\`]`, 'g') : undefined
  const inCode = new Map<string, string>()
  const inExamples = new Map<string, string>()
  const jwks = new Map<string, JwksPathHint>()
  for (const file of files) {
    const text = readSmall(file)
    if (text === undefined) continue
    const relative = path.relative(root, file).split(path.sep).join('/')
    const starts = [0, ...Array.from(text.matchAll(/\n/g), (m) => m.index! + 1)]
    const at = (index: number) => `${relative}:${lineAt(starts, index)}`
    const example = ENV_EXAMPLES.has(path.basename(file))
    const reads = example ? [DOTENV_LINE] : [QUOTED_READ, DOTTED_READ, ENV_KEYWORD, ...(helperCall ? [helperCall] : [])]
    const found = example ? inExamples : inCode
    // In the order the file reads them, whichever form each read takes.
    const matches = reads.flatMap((pattern) => [...text.matchAll(pattern)]).sort((a, b) => a.index! - b.index!)
    for (const m of matches) if (!found.has(m[1]!)) found.set(m[1]!, at(m.index!))
    const literals = example ? Array.from(text.matchAll(DOTENV_LINE), (m) => ({ text: unquote(m[2]!), index: m.index! })) : Array.from(text.matchAll(JWKS_LITERAL), (m) => ({ text: m[1]!, index: m.index! }))
    for (const literal of literals) {
      const hint = jwksHint(literal.text)
      if (hint && !jwks.has(hint.path)) jwks.set(hint.path, { ...hint, where: at(literal.index) })
    }
  }
  const names = [...new Set([...inCode.keys(), ...inExamples.keys()])].map((name) => ({ name, where: (inCode.get(name) ?? inExamples.get(name))! }))
  return { names, jwksPaths: [...jwks.values()], files: files.length, truncated }
}

const unquote = (value: string) =>
  value
    .replace(/[ \t]+#.*$/, '')
    .trim()
    .replace(/^(["'])(.*)\1$/, '$2')

/**
 * The JWKS path a literal fetches when it is not Better Auth's default, and the issuer paths
 * that serve it: `/auth/jwks` is basePath `/auth` + jwksPath `/jwks`; `/.well-known/jwks.json`
 * keeps `.well-known` in jwksPath.
 */
export function jwksHint(literal: string): Omit<JwksPathHint, 'where'> | undefined {
  // After a template's last `${…}` or `{…}` (f"{AUTH_URL}/api/auth/jwks"); a URL's path.
  let text = literal.slice(literal.lastIndexOf('}') + 1)
  if (/^https?:\/\//i.test(text)) {
    try {
      text = new URL(text).pathname
    } catch {
      return undefined
    }
  }
  if (!/^\/(.*\/)?jwks(\.json)?\/?$/i.test(text)) return undefined
  const segments = text.split('/').filter(Boolean)
  const tail = segments.length >= 2 && segments.at(-2) === '.well-known' ? 2 : 1
  const jwksPath = `/${segments.slice(-tail).join('/')}`
  const basePath = `/${segments.slice(0, -tail).join('/')}`
  const trailingSlash = text.endsWith('/')
  if (basePath === DEFAULT_BASE_PATH && jwksPath === DEFAULT_JWKS_PATH && !trailingSlash) return undefined
  // A path the issuer cannot serve (`..`, odd characters) is no backend's JWKS path.
  if (authPathProblem(basePath, { root: true }) || authPathProblem(jwksPath, { root: false })) return undefined
  return { path: text, basePath, jwksPath }
}
