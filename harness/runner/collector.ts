import type { Reporter, TestCase, TestModule } from 'vitest/node'
import type { Case } from '../core/case.ts'
import { findCase, type Catalogue } from '../core/catalogue.ts'
import { PROFILES, type Profile } from '../core/profiles.ts'
import type { CaseResult } from '../core/verdict.ts'

/**
 * Our vitest reporter: it only listens. Verdicts arrive in `task.meta`; a test without one
 * means the runner itself broke, which becomes an `error` result rather than vanishing.
 */
export class CaseCollector implements Reporter {
  readonly results: CaseResult[] = []
  readonly runErrors: string[] = []

  constructor(
    private readonly catalogue: Catalogue,
    private readonly onResult?: (result: CaseResult) => void,
  ) {}

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.meta().authconform ?? this.brokenCase(testCase)
    this.results.push(result)
    this.onResult?.(result)
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<{ message?: string }>): void {
    for (const error of unhandledErrors) this.runErrors.push(error.message ?? String(error))
    for (const module of testModules) {
      for (const error of module.errors()) this.runErrors.push(`${module.moduleId}: ${error.message}`)
    }
  }

  /** Median and 90th percentile of (case time − time waiting on the target), in ms. */
  overheadSummary(): { median: number; p90: number; cases: number } | undefined {
    const overheads = this.results
      .filter((r) => r.timing?.targetMs !== undefined)
      .map((r) => r.timing!.totalMs - r.timing!.targetMs!)
      .sort((a, b) => a - b)
    if (overheads.length === 0) return undefined
    const at = (q: number) => overheads[Math.min(overheads.length - 1, Math.floor(q * overheads.length))]!
    return { median: at(0.5), p90: at(0.9), cases: overheads.length }
  }

  /**
   * Every selected case × profile without a result, as an `error` each: a run that lost
   * results (a worker that died, a describe vitest never collected) must not read as clean.
   */
  unreported(cases: readonly Case[], profiles: readonly Profile[]): CaseResult[] {
    const reported = new Set(this.results.map((r) => `${r.id} ${r.profile}`))
    const why = this.runErrors.length ? `; vitest said: ${this.runErrors[0]}` : ''
    return cases.flatMap((spec) =>
      profiles
        .filter((profile) => !reported.has(`${spec.id} ${profile}`))
        .map((profile) => this.errorResult(spec.id, profile, `the harness never reported this case in this profile (a harness bug: rerun with DEBUG=authconform:vitest)${why}`)),
    )
  }

  private brokenCase(testCase: TestCase): CaseResult {
    // The profile's describe, above any describe inside it (the scenarios that run in turn).
    let parent: TestCase['parent'] = testCase.parent
    while (parent.type === 'suite' && !isProfile(parent.name)) parent = parent.parent
    const profile = parent.type === 'suite' ? (parent.name as Profile) : 'EdDSA'
    const message = testCase.result().errors?.[0]?.message ?? `vitest state ${testCase.result().state}`
    return this.errorResult(testCase.name, profile, `the harness could not run this case: ${message}`)
  }

  private errorResult(id: string, profile: Profile, reason: string): CaseResult {
    const spec = findCase(this.catalogue, id)
    return {
      id,
      suite: spec?.suite ?? 'unknown',
      profile,
      verdict: 'error',
      severity: spec?.severity ?? 'info',
      refs: spec?.refs ?? [],
      title: spec?.title ?? id,
      fix: spec?.fix ?? '',
      reason,
    }
  }
}

const isProfile = (name: string): name is Profile => (PROFILES as readonly string[]).includes(name)
