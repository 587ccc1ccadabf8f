import type { TestProject } from 'vitest/node'
import { startEnvironment } from '../environment/index.ts'
import { bridge } from './bridge.ts'

/** vitest globalSetup: bring the environment up once, hand the suites its coordinates. */
export default async function setup(project: TestProject) {
  const run = bridge()
  try {
    run.environment = await startEnvironment(run.config, run.cleanup, run.events, { lifecycle: run.lifecycle, browser: run.browser })
  } catch (error) {
    run.environmentError = error
    await run.cleanup.dispose()
    throw error
  }
  project.provide('authconform', run.environment.context)
  return () => run.cleanup.dispose()
}
