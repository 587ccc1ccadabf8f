/**
 * What must happen when SIGINT/SIGTERM arrives mid-run, before everything is stopped: a run in
 * progress writes its partial report. The CLI's signal handler runs these, then the cleanup.
 */
type OnInterrupt = (signal: 'SIGINT' | 'SIGTERM') => Promise<void> | void
const handlers = new Set<OnInterrupt>()

export function onInterrupt(handler: OnInterrupt): () => void {
  handlers.add(handler)
  return () => void handlers.delete(handler)
}

export async function interrupt(signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
  await Promise.allSettled([...handlers].map(async (handler) => handler(signal)))
}
