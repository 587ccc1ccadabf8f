import { describe, inject, test } from 'vitest'
import type { Case } from '../../harness/core/case.ts'
import type { ProfileContext, RunContext } from '../../harness/core/context.ts'
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
  const cases = selectCases(CASES, run.selection).filter((c) => c.suite === suite)
  // A scenario waits out the verifier's refetch cooldown: one at a time on its instance.
  const timeout = (run.keys.windowSeconds * 2 + run.keys.stormSeconds + 60) * 1000
  for (const context of run.profiles) {
    describe(context.profile, { concurrent: true }, () => {
      // Scenarios that share a target instance take turns on it, in catalogue order: those of a
      // lane on the lane's instance, the rest on the lifecycle instance. Each instance's turns
      // are a describe of their own, beside everything else of the profile.
      const turns = new Map<string, Case[]>()
      for (const spec of cases) {
        if (spec.kind !== 'scenario') continue
        const instance = laneInstance(spec, context) ? `on its ${spec.lane} lane` : 'in turn on the lifecycle instance'
        turns.set(instance, [...(turns.get(instance) ?? []), spec])
      }
      for (const [instance, specs] of turns) {
        describe(instance, { concurrent: true }, () => {
          // concurrent: false too, or a test inherits the describe's concurrent and runs beside its turns.
          for (const spec of specs) caseTest(spec, context, run, { sequential: true, concurrent: false, timeout: spec.budgetMs ?? timeout })
        })
      }
      for (const spec of cases) {
        if (spec.kind !== 'scenario') caseTest(spec, context, run, { concurrent: true, timeout: spec.budgetMs })
      }
    })
  }
}

function caseTest(spec: Case, context: ProfileContext, run: RunContext, options: { sequential?: boolean; concurrent?: boolean; timeout?: number }) {
  test(spec.id, options, async ({ task, skip }) => {
    const result = await runCase(spec, context, run)
    task.meta.authconform = result
    if (result.verdict === 'skip') skip(result.reason)
    if (result.verdict === 'fail' || result.verdict === 'error') {
      throw new Error(`${result.verdict}: ${result.id} [${result.profile}]: ${result.reason}`)
    }
  })
}
