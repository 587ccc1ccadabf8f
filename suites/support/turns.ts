/** A turn to run `work`: it starts when the turn comes, and its result is passed through. */
export type Turn = <T>(work: () => Promise<T>) => Promise<T>

/** Turns by key: one at a time per key, in the order asked, whatever the one before returned. */
export function queues(): (key: string) => Turn {
  const last = new Map<string, Promise<unknown>>()
  return (key) => (work) => {
    const turn = (last.get(key) ?? Promise.resolve()).then(work, work)
    last.set(
      key,
      turn.catch(() => {}),
    )
    return turn
  }
}

/** At most `count` at once; the others start in the order they asked. */
export function slots(count: number): Turn {
  let free = count
  const waiting: (() => void)[] = []
  return async (work) => {
    if (free === 0) await new Promise<void>((resolve) => waiting.push(resolve))
    else free--
    try {
      return await work()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else free++
    }
  }
}
