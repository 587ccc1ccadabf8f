import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Writable } from 'node:stream'
import { diagnose } from './core/diagnosis.ts'
import { compareProfiles } from './report/comparison.ts'
import { compareWithBaseline } from './report/baseline.ts'
import { findCase, selectCases, validateSelection, type Catalogue } from './core/catalogue.ts'
import { selectedProfiles } from './config/load.ts'
import type { ResolvedConfig } from './config/schema.ts'
import { createDebug } from './debug.ts'
import { Cleanup } from './environment/cleanup.ts'
import { environmentNeeds, startEnvironment, type EnvironmentEvents } from './environment/index.ts'
import { onAppCrash } from './environment/app-target.ts'
import { AuthconformError, errorMessage, EXIT } from './core/errors.ts'
import { onInterrupt } from './interrupt.ts'
import { applyExpectedFailures, exitCodeFor, sortResults, summarizeDocument, type ResultDocument } from './report/document.ts'
import { renderHtml } from './report/html.ts'
import { renderJunit } from './report/junit.ts'
import { renderSarif } from './report/sarif.ts'
import { cacheSubdir, PACKAGE_ROOT, PACKAGE_VERSION } from './paths.ts'
import { closeBridge, openBridge, type RunBridge } from './runner/bridge.ts'
import { CaseCollector } from './runner/collector.ts'
import type { CaseResult } from './core/verdict.ts'

const debug = createDebug('run')

export interface RunHooks extends EnvironmentEvents {
  /** A signal stopped the run: the partial document, already written to the report files. */
  interrupted?(document: ResultDocument): void
  /** Before the first case: how many case × profile results each suite will deliver. */
  plan?(totals: Record<string, number>): void
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
export async function runConformance(config: ResolvedConfig, catalogue: Catalogue, hooks: RunHooks = {}): Promise<ResultDocument> {
  const startedAt = new Date()
  const selection = { suites: config.suites, only: config.only, skip: config.skip }
  validateSelection(catalogue, selection)
  const cases = selectCases(catalogue.cases, selection)
  if (cases.length === 0) throw new AuthconformError('ERR_UNKNOWN_CASE', 'the selection (--suite/--only/--skip) leaves no case to run')
  for (const entry of config.expectedFailures) {
    if (!findCase(catalogue, entry.id)) throw new AuthconformError('ERR_UNKNOWN_CASE', `expected failure "${entry.id}" is not a case id (authconform list shows all)${config.expectedFailuresFile ? ` in ${config.expectedFailuresFile}` : ''}`)
  }
  const suiteFiles = [...new Set(cases.map((c) => `suites/${c.suite}.suite.ts`))]

  const profileCount = selectedProfiles(config).length
  const totals: Record<string, number> = {}
  for (const c of cases) totals[c.suite] = (totals[c.suite] ?? 0) + profileCount
  const cleanup = new Cleanup()
  // Where the time goes (--timings): the environment's phases arrive through the events.
  const phases: Record<string, number> = {}
  const phase = (name: string, ms: number) => {
    phases[name] = Math.round(ms)
    hooks.phase?.(name, ms)
  }
  const events = { ...hooks, phase }
  // The environment (Postgres, Chromium, issuers, targets: other processes, mostly) starts
  // now and comes up while vitest loads; vitest's globalSetup waits for it.
  const environmentReady = startEnvironment(config, cleanup, events, environmentNeeds(config, cases)).then(
    (environment) => {
      run.environment = environment
      return { environment }
    },
    async (error: unknown) => {
      run.environmentError = error
      await cleanup.dispose()
      throw error
    },
  )
  environmentReady.catch(() => {}) // reported through vitest.start and run.environmentError
  const run: RunBridge = { config, cleanup, events, environmentReady }
  openBridge(run)
  const collector = new CaseCollector(catalogue, hooks.result)
  const stopWatchingApp = config.target.app ? onAppCrash((line) => collector.runErrors.push(line)) : undefined
  // SIGINT/SIGTERM mid-run: the reports asked for are written with what ran so far.
  const stopListening = onInterrupt(async (signal) => {
    const partial = buildDocument(config, catalogue, collector, run, startedAt, phases, signal)
    await writeReports(partial, config)
    hooks.interrupted?.(partial)
  })
  const vitestStarting = performance.now()
  const moduleCache = cacheSubdir('vitest-modules')
  const signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') }
  try {
    // Loaded now, while the environment's processes start.
    const { createVitest } = await import('vitest/node')
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
        // The suites' transformed modules are kept between runs (about 0.4 s of each start).
        ...(moduleCache && { experimental: { fsModuleCache: true, fsModuleCachePath: moduleCache } }),
      },
      { cacheDir: path.join(PACKAGE_ROOT, 'node_modules/.vite-authconform'), logLevel: 'silent' },
      { stdout: debugSink(), stderr: debugSink() },
    )
    // vitest's logger exits the process 1 ms after SIGINT/SIGTERM, before our cleanup and
    // partial report could run: the caller (the CLI) owns signals.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) if (!signalListeners[signal].includes(listener)) process.off(signal, listener)
    }
    // vitest sets process.exitCode when a test fails; a library caller's exit code is theirs.
    const exitCodeBefore = process.exitCode
    try {
      phase('vitest start', performance.now() - vitestStarting)
      hooks.plan?.(totals)
      const running = performance.now()
      await vitest.start()
      phase('environment + cases', performance.now() - running)
    } catch (error) {
      debug('vitest.start threw', String(error))
      if (!run.environmentError) throw error
    } finally {
      await vitest.close()
      process.exitCode = exitCodeBefore
    }
  } finally {
    const stopping = performance.now()
    await cleanup.dispose()
    phase('stop everything', performance.now() - stopping)
    stopListening()
    stopWatchingApp?.()
    closeBridge()
  }
  if (run.environmentError) {
    const error = AuthconformError.revive(run.environmentError) ?? run.environmentError
    // A CI job keeps an artifact saying why: each report asked for names the cause the CLI prints.
    const failed = environmentFailure(buildDocument(config, catalogue, collector, run, startedAt, phases), error)
    await writeReports(failed, config).catch((writeError: unknown) => debug('could not write the reports of the failed environment', errorMessage(writeError)))
    throw error
  }

  const writing = performance.now()
  const document = buildDocument(config, catalogue, collector, run, startedAt, phases)
  await writeReports(document, config)
  phases.reports = Math.round(performance.now() - writing)
  return document
}

/** The result document from what the collector has so far (all of it, or up to an interrupt). */
function buildDocument(config: ResolvedConfig, catalogue: Catalogue, collector: CaseCollector, run: RunBridge, startedAt: Date, phases: Record<string, number>, interrupted?: ResultDocument['interrupted']): ResultDocument {
  const profiles = selectedProfiles(config)
  // An interrupted run stopped before some cases could report; a finished one has no excuse.
  const unreported = interrupted || !run.environment ? [] : collector.unreported(selectCases(catalogue.cases, { suites: config.suites, only: config.only, skip: config.skip }), profiles)
  if (unreported.length) debug('results never reported', unreported.map((r) => `${r.id} [${r.profile}]`).join(', '))
  const sorted = sortResults(
    [...collector.results, ...unreported],
    catalogue.cases.map((c) => c.id),
    profiles,
  )
  const { cases: covered, expectedFailures } = applyExpectedFailures(sorted, config.expectedFailures, config.expectedFailuresFile && path.relative(process.cwd(), config.expectedFailuresFile))
  const compared = config.baseline
    ? compareWithBaseline(
        covered,
        config.baseline,
        PACKAGE_VERSION,
        catalogue.cases.map((c) => c.id),
      )
    : undefined
  const results = compared?.cases ?? covered
  const runErrors = interrupted ? [...collector.runErrors, `interrupted by ${interrupted}: ${results.length} results before the run was stopped`] : collector.runErrors
  const browser = run.environment?.context.browser
  return {
    schemaVersion: 1,
    tool: { name: 'authconform', version: PACKAGE_VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    target: {
      name: targetName(config),
      ...(config.target.url ? { url: config.target.url } : config.target.image ? { image: config.target.image } : config.target.app ? { app: appShown(config.target.app) } : { command: config.target.command }),
      ...(config.configPath && { config: path.relative(process.cwd(), config.configPath) }),
    },
    runtime: run.environment ? { postgres: run.environment.runtime.kind, reason: run.environment.runtime.reason } : { postgres: 'none', reason: 'the run was stopped before its environment was up' },
    ...(browser && { browser: { ...browser.chromium, ...(browser.error && { error: browser.error }) } }),
    profiles,
    failOn: config.failOn,
    ...(config.failOnNew && { failOnNew: true as const }),
    ...(compared && { baseline: compared.summary }),
    cases: results,
    ...diagnose(results, catalogue.diagnoses, catalogue.remedy),
    summary: summarizeDocument(results),
    ...(profiles.length > 1 && { comparison: compareProfiles(results, profiles) }),
    ...(expectedFailures && { expectedFailures }),
    timings: { phasesMs: phases, caseOverheadMs: collector.overheadSummary() },
    ...(interrupted && { interrupted }),
    runErrors,
    exitCode: interrupted ? (interrupted === 'SIGINT' ? EXIT.sigint : EXIT.sigterm) : exitCodeFor(results, config.failOn, runErrors, config.failOnNew),
  }
}

/** The document of a run whose environment never came up: no cases, the cause, and the CLI's exit code for it. */
function environmentFailure(document: ResultDocument, error: unknown): ResultDocument {
  const known = AuthconformError.revive(error)
  return {
    ...document,
    runtime: { postgres: 'none', reason: 'the environment could not start' },
    cases: [],
    diagnoses: [],
    unexplained: [],
    summary: summarizeDocument([]),
    expectedFailures: undefined,
    runErrors: [],
    error: known ? { code: known.code, message: known.message, details: known.details } : { code: 'ERR_INTERNAL', message: errorMessage(error), details: [] },
    exitCode: known?.exitCode ?? EXIT.internal,
  }
}

/** `target.app` as the document shows it: the module spec from where the run started, or what was handed over. */
function appShown(app: NonNullable<ResolvedConfig['target']['app']>): string {
  if (typeof app === 'string') return path.relative(process.cwd(), app) || app
  return typeof app === 'function' ? `in-process ${app.name ? `${app.name}()` : 'factory'}` : 'in-process app'
}

/** A name for the target that stays the same from run to run (the SARIF automation id). */
function targetName(config: ResolvedConfig): string {
  if (config.target.url) return new URL(config.target.url).host
  return path.basename(config.configPath ? path.dirname(config.configPath) : (config.target.cwd ?? process.cwd()))
}

async function writeReports(document: ResultDocument, config: ResolvedConfig): Promise<void> {
  const outputs: [string | undefined, () => string][] = [
    [config.reports.json, () => JSON.stringify(document, null, 2) + '\n'],
    [config.reports.junit, () => renderJunit(document)],
    [config.reports.sarif, () => renderSarif(document)],
    [config.reports.html, () => renderHtml(document)],
  ]
  for (const [file, render] of outputs) {
    if (!file) continue
    await mkdir(path.dirname(path.resolve(file)), { recursive: true })
    await writeFile(file, render())
  }
}
