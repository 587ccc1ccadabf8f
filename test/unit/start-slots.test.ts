import { expect, test } from 'vitest'
import { inStartSlot, START_SLOTS } from '../../harness/environment/target.ts'

test('no more target instances start at once than there are slots, and every one starts in the end', async () => {
  let running = 0
  let most = 0
  const started: number[] = []
  const starting = Array.from({ length: START_SLOTS * 3 + 1 }, (_, i) =>
    inStartSlot(async () => {
      most = Math.max(most, ++running)
      await new Promise((resolve) => setTimeout(resolve, 5))
      running--
      started.push(i)
      if (i === 1) throw new Error('this one never got ready')
      return i
    }).catch((error: Error) => error.message),
  )
  const outcomes = await Promise.all(starting)
  expect(most).toBe(START_SLOTS)
  expect(started).toHaveLength(START_SLOTS * 3 + 1)
  expect(outcomes[1]).toBe('this one never got ready')
  // A failed start gives its slot back: the later ones still ran, START_SLOTS at a time.
  expect(outcomes.at(-1)).toBe(START_SLOTS * 3)
})
