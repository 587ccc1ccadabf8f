import type { LifecycleKit, Probe, Exchange } from '../../harness/core/case.ts'
import { sleep } from '../../harness/core/time.ts'
import { TargetUnanswered } from './exchange.ts'

// The lifecycle cases wait between their steps with the rest of this kit.
export { sleep }

/**
 * Sends `probe` every `everyMs` until `done` holds or `windowMs` passes; returns the last
 * exchange and how long it took. How long a cache keeps a key is measured this way.
 */
export async function pollUntil(kit: LifecycleKit, probe: Probe, done: (e: Exchange) => boolean, windowMs: number, everyMs = 250) {
  const started = performance.now()
  for (;;) {
    const exchange = await kit.send(probe)
    const elapsedMs = performance.now() - started
    if (done(exchange)) return { exchange, elapsedMs, reached: true }
    if (elapsedMs >= windowMs) return { exchange, elapsedMs, reached: false }
    await sleep(everyMs)
  }
}

/** One request whose hang is an answer too: a timeout comes back as status 0, not an error. */
export async function sendTimed(kit: LifecycleKit, probe: Probe): Promise<Exchange> {
  const started = performance.now()
  try {
    return await kit.send(probe)
  } catch (error) {
    if (!(error instanceof TargetUnanswered)) throw error
    // Half an answer is no answer here either: status 0, with the request and what came.
    return { ...error.exchange, status: 0, ms: Math.round(performance.now() - started) }
  }
}

/** `count` requests spread evenly over `seconds`, all in flight at their own time. */
export async function paced(count: number, seconds: number, request: (i: number) => Promise<Exchange>): Promise<Exchange[]> {
  const gapMs = (seconds * 1000) / count
  return Promise.all(Array.from({ length: count }, (_, i) => sleep(i * gapMs).then(() => request(i))))
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
