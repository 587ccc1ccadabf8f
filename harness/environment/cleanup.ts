import { createDebug } from '../debug.ts'
import { errorMessage } from '../core/errors.ts'

const debug = createDebug('cleanup')

/**
 * Everything a run starts is pushed here and disposed in reverse order, on success, failure
 * and signals alike (Node 20 has no AsyncDisposableStack). Live stacks are tracked so a
 * signal handler can stop them all. What nothing else depends on (`independent`: Chromium, a
 * server only the cases call) stops beside that sequence instead of taking a turn in it.
 */
export class Cleanup {
  static readonly live = new Set<Cleanup>()
  private readonly items: { name: string; dispose: () => Promise<void> | void; independent?: boolean }[] = []
  private disposing?: Promise<void>

  constructor() {
    Cleanup.live.add(this)
  }

  use<T extends AsyncDisposable>(name: string, resource: T, options: { independent?: boolean } = {}): T {
    this.items.push({ name, dispose: async () => await resource[Symbol.asyncDispose](), ...options })
    return resource
  }

  defer(name: string, dispose: () => Promise<void> | void, options: { independent?: boolean } = {}): void {
    this.items.push({ name, dispose, ...options })
  }

  dispose(): Promise<void> {
    const stop = async (item: Cleanup['items'][number]) => {
      try {
        await item.dispose()
        debug(`stopped ${item.name}`)
      } catch (error) {
        debug(`stopping ${item.name} failed: ${errorMessage(error)}`)
      }
    }
    this.disposing ??= (async () => {
      const beside = this.items.filter((item) => item.independent).map(stop)
      while (this.items.length) {
        const item = this.items.pop()!
        if (!item.independent) await stop(item)
      }
      await Promise.all(beside)
      Cleanup.live.delete(this)
    })()
    return this.disposing
  }

  static disposeAll(): Promise<void> {
    return Promise.all([...Cleanup.live].map((c) => c.dispose())).then(() => {})
  }
}

/**
 * Starts several things at once; waits for all to settle so that whatever did start is
 * already registered for cleanup, then rethrows the first failure.
 */
export async function allStarted<T>(tasks: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(tasks)
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) throw failed.reason
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value)
}
