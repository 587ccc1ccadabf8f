import { describe, inject, test } from 'vitest'
import { stackOf, type Case } from '../../harness/core/case.ts'
import { selectCases } from '../../harness/core/catalogue.ts'
import type { ProfileContext } from '../../harness/core/context.ts'
import { CASES } from '../catalogue/index.ts'
import { runCase } from './run-case.ts'
import { queues, slots, type Turn } from './turns.ts'

/** Cases other than scenarios in flight at once in a worker: the target's load, kept as it was. */
const CASES_IN_FLIGHT = 8
/** How long a case may take unless it says (CaseBase.budgetMs). */
const CASE_BUDGET_MS = 60_000

/**
 * The one runner: a suite file is `runSuite('claims')`. Each selected case becomes a vitest
 * test per profile; its verdict travels to the reporter in `task.meta`. A conformance fail
 * also fails the vitest test, so the suites read naturally inside any vitest run.
 *
 * Every test is concurrent. Scenarios wait in their stack's queue (a profile's lifecycle stack
 * runs its scenarios one after another; stacks run side by side), the other cases for one of
 * CASES_IN_FLIGHT slots; a case's budget starts once it runs, never while it waits.
 */
export function runSuite(suite: string): void {
  const run = inject('authconform')
  const cases = selectCases(CASES, run.selection).filter((c) => c.suite === suite)
  const scenarioBudgetMs = (run.keys.windowSeconds * 2 + run.keys.stormSeconds + 60) * 1000
  for (const context of run.profiles) {
    describe(context.profile, { concurrent: true }, () => {
      for (const spec of cases) {
        test(spec.id, { concurrent: true, timeout: 0 }, async ({ task, skip }) => {
          const budgetMs = spec.budgetMs ?? (spec.kind === 'scenario' ? scenarioBudgetMs : CASE_BUDGET_MS)
          const result = await turnFor(spec, context)(() => runCase(spec, context, run, { budgetMs }))
          task.meta.authconform = result
          if (result.verdict === 'skip') skip(result.reason)
          if (result.verdict === 'fail' || result.verdict === 'error') {
            throw new Error(`${result.verdict}: ${result.id} [${result.profile}]: ${result.reason}`)
          }
        })
      }
    })
  }
}

/** Per profile and lifecycle stack one queue; every other case waits for a slot. */
const stackQueues = queues()
const caseSlots = slots(CASES_IN_FLIGHT)

/** When `spec` may run: after its stack's previous scenario, or once a slot is free. */
function turnFor(spec: Case, context: ProfileContext): Turn {
  return spec.kind === 'scenario' ? stackQueues(`${context.profile} ${stackOf(spec)}`) : caseSlots
}
