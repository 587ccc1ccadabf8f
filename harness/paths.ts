import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The installed authconform package (suites, fixtures and the runner's files live here). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
