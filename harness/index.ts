/** The programmatic API: `import { run, defineConfig } from 'authconform'`. */
export { defineConfig } from './config/define.ts'
export type { UserConfig, ResolvedConfig } from './config/schema.ts'
export type { ResultDocument } from './report/document.ts'
export type { CaseResult, Verdict, Evidence } from './verdict.ts'
export type { Profile } from './profiles.ts'
export type { Severity } from './severity.ts'
export { AuthconformError, EXIT } from './errors.ts'

import type { ConfigOverrides } from './config/load.ts'
import type { UserConfig } from './config/schema.ts'
import type { ResultDocument } from './report/document.ts'

/** Runs authconform and returns the result document (the CLI is a thin layer over this). */
export async function run(config: UserConfig, overrides: ConfigOverrides = {}): Promise<ResultDocument> {
  // Loaded lazily so that importing defineConfig in a config file stays instant.
  const [{ resolveConfig }, { runConformance }] = await Promise.all([import('./config/load.ts'), import('./run.ts')])
  return runConformance(resolveConfig(config, overrides))
}
