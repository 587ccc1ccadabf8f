import { setTimeout as delay } from 'node:timers/promises'

/**
 * Resolves after `ms`. `unref`: the wait alone keeps no process alive — for a bound on how
 * long cleanup waits, not for work that has to finish.
 */
export const sleep = (ms: number, { unref = false, signal }: { unref?: boolean; signal?: AbortSignal } = {}): Promise<void> => delay(ms, undefined, { ref: !unref, signal })
