import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The installed authconform package (suites, fixtures and the runner's files live here). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * What runs keep between them (the compiled CLI, the initialised Postgres cluster, vitest's
 * transformed modules): in the node_modules/.cache of the project that installed authconform
 * (a checkout's own), where tools keep their caches; AUTHCONFORM_CACHE_DIR moves it off a
 * read-only install.
 */
export const CACHE_DIR =
  process.env.AUTHCONFORM_CACHE_DIR || (path.basename(path.dirname(PACKAGE_ROOT)) === 'node_modules' ? path.join(path.dirname(PACKAGE_ROOT), '.cache/authconform') : path.join(PACKAGE_ROOT, 'node_modules/.cache/authconform'))

/** `CACHE_DIR/name`, created if need be; undefined when it cannot be written (runs go on without). */
export function cacheSubdir(name: string): string | undefined {
  const dir = path.join(CACHE_DIR, name)
  try {
    mkdirSync(dir, { recursive: true })
    accessSync(dir, constants.W_OK)
    return dir
  } catch {
    return undefined
  }
}

/** The published example secrets teams copy from guides, one per line (the hs256 suite and the issuer's secret check). */
export const PUBLISHED_SECRETS_FILE = path.join(PACKAGE_ROOT, 'fixtures/wordlists/published-secrets.txt')

/** package.json's version: the one source for --version and the reports' tool version. */
export const PACKAGE_VERSION: string = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')).version
