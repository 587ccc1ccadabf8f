import { describe, inject, test } from 'vitest'
import type { Case } from '../../harness/core/case.ts'
import type { KeySettings, RunContext } from '../../harness/core/context.ts'
import type { Profile } from '../../harness/core/profiles.ts'
import type { CaseResult } from '../../harness/core/verdict.ts'
import { selectCases } from '../../harness/core/catalogue.ts'
import { CASES } from '../catalogue/index.ts'
import { laneInstance, runCase } from './run-case.ts'

/**
 * The one runner: a suite file is `runSuite('claims')`. Each selected case becomes a vitest
 * test per profile; its verdict travels to the reporter in `task.meta`. A conformance fail
 * also fails the vitest test, so the suites read naturally inside any vitest run.
 */
export function runSuite(suite: string): void {
  const run = inject('authconform')
  const contextOf = (profile: Profile) => run.profiles.find((c) => c.profile === profile)!
  registerSuite(suite, {
    selection: run.selection,
    keys: run.keys,
    profiles: run.profiles.map((c) => c.profile),
    onLane: (spec, profile) => Boolean(laneInstance(spec, contextOf(profile))),
    run: async () => run,
  })
}

/** What registering a suite's tests needs before the environment is up, and how to reach it once it is. */
export interface SuiteRegistration {
  selection: RunContext['selection']
  keys: KeySettings
  profiles: readonly Profile[]
  /** Whether a scenario runs on its lane's own instance (beside the others) rather than in turn. */
  onLane(spec: Case, profile: Profile): boolean
  /** The run's context; inside a team's own vitest run (authconform/vitest) it comes up in a hook. */
  run(): Promise<RunContext>
  /** For cases that set no budget: the CLI's vitest has a 60 s testTimeout, a team's project its own 5 s. */
  caseTimeoutMs?: number
}

export function registerSuite(suite: string, registration: SuiteRegistration): void {
  const cases = selectCases(CASES, registration.selection).filter((c) => c.suite === suite)
  // A scenario waits out the verifier's refetch cooldown: one at a time on its instance.
  const { keys } = registration
  const timeout = (keys.windowSeconds * 2 + keys.stormSeconds + 60) * 1000
  for (const profile of registration.profiles) {
    describe(profile, { concurrent: true }, () => {
      // Scenarios that share a target instance take turns on it, in catalogue order: those of a
      // lane on the lane's instance, the rest on the lifecycle instance. Each instance's turns
      // are a describe of their own, beside everything else of the profile.
      const turns = new Map<string, Case[]>()
      for (const spec of cases) {
        if (spec.kind !== 'scenario') continue
        const instance = registration.onLane(spec, profile) ? `on its ${spec.lane} lane` : 'in turn on the lifecycle instance'
        turns.set(instance, [...(turns.get(instance) ?? []), spec])
      }
      for (const [instance, specs] of turns) {
        describe(instance, { concurrent: true }, () => {
          // concurrent: false too, or a test inherits the describe's concurrent and runs beside its turns.
          for (const spec of specs) caseTest(spec, profile, registration, { sequential: true, concurrent: false, timeout: spec.budgetMs ?? timeout })
        })
      }
      for (const spec of cases) {
        if (spec.kind !== 'scenario') caseTest(spec, profile, registration, { concurrent: true, timeout: spec.budgetMs ?? registration.caseTimeoutMs })
      }
    })
  }
}

function caseTest(spec: Case, profile: Profile, registration: SuiteRegistration, options: { sequential?: boolean; concurrent?: boolean; timeout?: number }) {
  test(spec.id, options, async ({ task, skip, annotate }) => {
    const run = await registration.run()
    const result = await runCase(spec, run.profiles.find((c) => c.profile === profile)!, run)
    task.meta.authconform = result
    if (result.verdict === 'skip') skip(result.reason)
    // A warning passes its test; its reason still reaches the reporters (JUnit properties, GitHub annotations).
    if (result.verdict === 'warn') await annotate(`warn (${result.severity}): ${result.reason}`, 'warning')
    if (result.verdict === 'fail' || result.verdict === 'error') throw new Error(failureMessage(result))
  })
}

/**
 * A failing case as an assertion message: the verdict and reason first (what vitest shows in
 * its summary line), then the evidence and the replay a developer needs to reproduce it.
 */
function failureMessage(result: CaseResult): string {
  const lines = [`${result.verdict}: ${result.id} [${result.profile}] (${result.severity}): ${result.reason}`]
  const evidence = result.evidence
  if (evidence) {
    const answer = evidence.status ? `${evidence.status}${evidence.ms !== undefined ? ` in ${evidence.ms} ms` : ''}` : (evidence.dropped ?? 'no answer')
    lines.push(`  sent: ${evidence.request.method} ${evidence.request.url} → ${answer}`)
    if (evidence.bodyHead) lines.push(`  answer: ${evidence.bodyHead.replace(/\s+/g, ' ').slice(0, 160)}`)
  }
  if (result.curl) lines.push(`  replay: ${result.curl}`)
  if (result.fix) lines.push(`  fix: ${result.fix}`)
  return lines.join('\n')
}
