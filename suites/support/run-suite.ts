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
      // Scenarios on the lifecycle instance share it: in turn, in catalogue order. A describe of
      // their own runs beside everything else of the profile (laned scenarios included).
      const inTurn = cases.filter((c) => c.kind === 'scenario' && !laneInstance(c, context))
      if (inTurn.length) {
        describe('in turn on the lifecycle instance', { concurrent: true }, () => {
          for (const spec of inTurn) caseTest(spec, context, run, { sequential: true, timeout: spec.budgetMs ?? timeout })
        })
      }
      for (const spec of cases) {
        if (!inTurn.includes(spec)) caseTest(spec, context, run, { concurrent: true, timeout: spec.budgetMs ?? (spec.kind === 'scenario' ? timeout : undefined) })
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
