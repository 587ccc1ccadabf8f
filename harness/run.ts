import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Writable } from 'node:stream'
import { createVitest } from 'vitest/node'
import { CATALOGUE, selectCases, validateSelection } from '../suites/catalogue/index.ts'
import { selectedProfiles } from './config/load.ts'
import type { ResolvedConfig } from './config/schema.ts'
import { createDebug } from './debug.ts'
import { Cleanup } from './environment/cleanup.ts'
import type { EnvironmentEvents } from './environment/index.ts'
import { AuthconformError } from './errors.ts'
import { exitCodeFor, sortResults, summarizeDocument, type ResultDocument } from './report/document.ts'
import { renderJunit } from './report/junit.ts'
import { PACKAGE_ROOT } from './paths.ts'
import { closeBridge, openBridge, type RunBridge } from './runner/bridge.ts'
import { CaseCollector } from './runner/collector.ts'
import type { CaseResult } from './verdict.ts'

const debug = createDebug('run')
const VERSION = '0.1.0'

export interface RunHooks extends EnvironmentEvents {
  result?(result: CaseResult): void
}

/** vitest's own console output goes to DEBUG only; our reporter is the interface. */
function debugSink(): Writable {
  const vitestDebug = createDebug('vitest')
  return new Writable({
    write(chunk, _encoding, done) {
      vitestDebug(String(chunk).trimEnd())
      done()
    },
  })
}

/**
 * Runs the selected suites against the configured target and returns the result document.
 * Throws AuthconformError when the environment cannot start (exit code 3) or the selection is
 * invalid (2). Writes the JSON/JUnit files the config asks for.
 */
export async function runConformance(config: ResolvedConfig, hooks: RunHooks = {}): Promise<ResultDocument> {
  const startedAt = new Date()
  const selection = { suites: config.suites, only: config.only, skip: config.skip }
  validateSelection(selection)
  const cases = selectCases(selection)
  if (cases.length === 0) throw new AuthconformError('ERR_UNKNOWN_CASE', 'the selection (--suite/--only/--skip) leaves no case to run')
  const suiteFiles = [...new Set(cases.map((c) => `suites/${c.suite}.suite.ts`))]

  const cleanup = new Cleanup()
  const run: RunBridge = { config, cleanup, events: hooks, lifecycle: cases.some((c) => 'scenario' in c), browser: cases.some((c) => c.needs?.includes('browser')) }
  openBridge(run)
  const collector = new CaseCollector(hooks.result)
  try {
    const vitest = await createVitest(
      'test',
      {
        config: false,
        root: PACKAGE_ROOT,
        dir: PACKAGE_ROOT,
        watch: false,
        include: suiteFiles,
        globalSetup: [path.join(PACKAGE_ROOT, 'harness/runner/global-setup.ts')],
        reporters: [collector],
        pool: 'threads',
        // Cases wait on the target, not the CPU: more workers than cores, modules shared between files.
        maxWorkers: 2,
        isolate: false,
        testTimeout: 60_000,
        hookTimeout: 60_000,
        maxConcurrency: 8,
        passWithNoTests: true,
      },
      { cacheDir: path.join(PACKAGE_ROOT, 'node_modules/.vite-authconform'), logLevel: 'silent' },
      { stdout: debugSink(), stderr: debugSink() },
    )
    try {
      await vitest.start()
    } catch (error) {
      debug('vitest.start threw', String(error))
      if (!run.environmentError) throw error
    } finally {
      await vitest.close()
    }
  } finally {
    await cleanup.dispose()
    closeBridge()
  }
  if (run.environmentError) throw AuthconformError.revive(run.environmentError) ?? run.environmentError

  const profiles = selectedProfiles(config)
  const results = sortResults(collector.results, CATALOGUE.map((c) => c.id), profiles)
  const document: ResultDocument = {
    schemaVersion: 1,
    tool: { name: 'authconform', version: VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    target: {
      ...(config.target.url ? { url: config.target.url } : { command: config.target.command }),
      ...(config.configPath && { config: path.relative(process.cwd(), config.configPath) }),
    },
    runtime: { postgres: run.environment!.runtime.kind, reason: run.environment!.runtime.reason },
    profiles,
    failOn: config.failOn,
    cases: results,
    summary: summarizeDocument(results),
    runErrors: collector.runErrors,
    exitCode: exitCodeFor(results, config.failOn, collector.runErrors),
  }
  await writeReports(document, config)
  return document
}

async function writeReports(document: ResultDocument, config: ResolvedConfig): Promise<void> {
  const outputs: [string | undefined, () => string][] = [
    [config.reports.json, () => JSON.stringify(document, null, 2) + '\n'],
    [config.reports.junit, () => renderJunit(document)],
  ]
  for (const [file, render] of outputs) {
    if (!file) continue
    await mkdir(path.dirname(path.resolve(file)), { recursive: true })
    await writeFile(file, render())
  }
}
