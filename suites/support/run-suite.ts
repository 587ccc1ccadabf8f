import { describe, inject, test } from 'vitest'
import { selectCases } from '../../harness/core/catalogue.ts'
import { CASES } from '../catalogue/index.ts'
import { runCase } from './run-case.ts'

/**
 * The one runner: a suite file is `runSuite('claims')`. Each selected case becomes a vitest
 * test per profile; its verdict travels to the reporter in `task.meta`. A conformance fail
 * also fails the vitest test, so the suites read naturally inside any vitest run.
 */
export function runSuite(suite: string): void {
  const run = inject('authconform')
  const cases = selectCases(CASES, run.selection).filter((c) => c.suite === suite)
  // Scenarios share their profile's lifecycle stack: one at a time within a profile, while
  // the profiles (and the other suite files) run side by side.
  const sequential = cases.some((c) => c.kind === 'scenario')
  const timeout = sequential ? (run.keys.windowSeconds * 2 + run.keys.stormSeconds + 60) * 1000 : undefined
  for (const context of run.profiles) {
    describe(context.profile, { concurrent: true }, () => {
      for (const spec of cases) {
        test(spec.id, { sequential, concurrent: !sequential, timeout: spec.budgetMs ?? timeout }, async ({ task, skip }) => {
          const result = await runCase(spec, context, run)
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
