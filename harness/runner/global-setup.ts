import type { TestProject } from 'vitest/node'
import { bridge } from './bridge.ts'

/**
 * vitest globalSetup: hand the suites the environment's coordinates. run.ts starts the
 * environment before vitest itself, so Postgres and Chromium come up while vitest loads.
 */
export default async function setup(project: TestProject) {
  const { environment } = await bridge().environmentReady
  project.provide('authconform', environment.context)
}
