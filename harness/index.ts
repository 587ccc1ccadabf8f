/** The programmatic API: `import { run, defineConfig } from 'authconform'`. */
export { defineConfig } from './config/define.ts'
export type { UserConfig, ResolvedConfig } from './config/schema.ts'
export type { ResultDocument } from './report/document.ts'
export type { CaseResult, Verdict, Evidence } from './core/verdict.ts'
export type { Profile } from './core/profiles.ts'
export type { Severity } from './core/severity.ts'
export type { ExpectedFailure } from './config/schema.ts'
export type { Diagnosis } from './core/diagnosis.ts'
export type { BaselineSummary } from './report/baseline.ts'
export type { Comparison } from './report/comparison.ts'
export { AuthconformError, EXIT } from './core/errors.ts'
// Renderers of the result document, for pipelines that write their own files.
export { renderHtml } from './report/html.ts'
export { renderJunit } from './report/junit.ts'
export { renderSarif } from './report/sarif.ts'
export { renderTerminal } from './report/terminal.ts'
export { renderGithubAnnotations } from './report/github.ts'

import type { ConfigOverrides } from './config/resolve.ts'
import type { UserConfig } from './config/schema.ts'
import type { ResultDocument } from './report/document.ts'

/** Runs authconform and returns the result document (the CLI is a thin layer over this). */
export async function run(config: UserConfig, overrides: ConfigOverrides = {}): Promise<ResultDocument> {
  // Loaded lazily so that importing defineConfig in a config file stays instant.
  const [{ resolveConfig }, { runConformance }, { CATALOGUE }] = await Promise.all([import('./config/resolve.ts'), import('./run.ts'), import('../suites/catalogue/index.ts')])
  return runConformance(resolveConfig(config, overrides), CATALOGUE)
}
