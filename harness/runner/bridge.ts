import type { ResolvedConfig } from '../config/schema.ts'
import type { Cleanup } from '../environment/cleanup.ts'
import type { EnvironmentEvents, StartedEnvironment } from '../environment/index.ts'

/**
 * run.ts and vitest's globalSetup live in one process but load modules through different
 * loaders, so module state is not shared between them; globalThis is.
 */
export interface RunBridge {
  config: ResolvedConfig
  cleanup: Cleanup
  events: EnvironmentEvents
  /** Started by run.ts before vitest; settles with the environment or its error. */
  environmentReady: Promise<{ environment: StartedEnvironment }>
  environment?: StartedEnvironment
  environmentError?: unknown
}

const KEY = Symbol.for('authconform.run-bridge')

export function openBridge(bridge: RunBridge): void {
  ;(globalThis as Record<symbol, unknown>)[KEY] = bridge
}

export function bridge(): RunBridge {
  const value = (globalThis as Record<symbol, unknown>)[KEY] as RunBridge | undefined
  if (!value) throw new Error('authconform globalSetup ran outside `authconform run` (use the CLI or run() from the API)')
  return value
}

export function closeBridge(): void {
  delete (globalThis as Record<symbol, unknown>)[KEY]
}
