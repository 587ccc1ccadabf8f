import { describe, expect, test } from 'vitest'
import { queues, slots } from '../../suites/support/turns.ts'

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

/** Runs `work` for each label through `turn`, recording starts, ends and the most running at once. */
async function observe(labels: string[], turnOf: (label: string) => <T>(work: () => Promise<T>) => Promise<T>, fails: string[] = []) {
  const log: string[] = []
  let running = 0
  let most = 0
  const results = await Promise.allSettled(
    labels.map((label) =>
      turnOf(label)(async () => {
        log.push(`start ${label}`)
        most = Math.max(most, ++running)
        await tick()
        running--
        log.push(`end ${label}`)
        if (fails.includes(label)) throw new Error(label)
        return label
      }),
    ),
  )
  return { log, most, results: results.map((r) => (r.status === 'fulfilled' ? r.value : `threw ${(r.reason as Error).message}`)) }
}

describe('queues', () => {
  test('one at a time per key, in the order asked; other keys alongside; a failure does not stop the queue', async () => {
    const turn = queues()
    const { log, results } = await observe(['a1', 'b1', 'a2', 'a3'], (label) => turn(label[0]!), ['a1'])
    expect(results).toEqual(['threw a1', 'b1', 'a2', 'a3'])
    const a = log.filter((line) => line.includes(' a'))
    expect(a).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3'])
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'))
  })
})

describe('slots', () => {
  test('never more than the count at once, and every one runs', async () => {
    const turn = slots(2)
    const labels = Array.from({ length: 7 }, (_, i) => `c${i}`)
    const { most, results, log } = await observe(labels, () => turn)
    expect(most).toBe(2)
    expect(results).toEqual(labels)
    expect(log.filter((line) => line.startsWith('start'))).toEqual(labels.map((label) => `start ${label}`))
  })
})
