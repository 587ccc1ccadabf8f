import type { CaseResult, Verdict } from '../core/verdict.ts'
import { ansi, colorWanted, VERDICT_COLORS, type ColorStream } from './color.ts'

/**
 * Progress while the suites run, on stderr (stdout carries the report). On a terminal, one
 * live line per suite with its counts, redrawn in place and erased at the end; elsewhere (CI
 * logs) one plain line as each suite completes.
 */
export interface Progress {
  plan(totals: Record<string, number>): void
  result(result: CaseResult): void
  finish(): void
}

type Counts = Record<Verdict, number>
const zero = (): Counts => ({ pass: 0, fail: 0, warn: 0, skip: 0, error: 0 })
const done = (c: Counts) => c.pass + c.fail + c.warn + c.skip + c.error

/** `color` defaults to what colorWanted decides for the stream. */
export function createProgress(stream: NodeJS.WritableStream & ColorStream, options: { color?: boolean; mode: 'live' | 'plain' | 'off' }): Progress {
  const color = options.color ?? colorWanted(stream)
  const totals = new Map<string, number>()
  const counts = new Map<string, Counts>()
  let drawn = 0
  let timer: NodeJS.Timeout | undefined
  const paint = (verdict: Verdict, text: string) => ansi(color, VERDICT_COLORS[verdict], text)
  const line = (suite: string) => {
    const c = counts.get(suite)!
    const width = Math.max(...[...totals.keys()].map((s) => s.length))
    const parts = (['pass', 'fail', 'warn', 'skip', 'error'] as const).filter((v) => c[v] > 0).map((v) => paint(v, `${c[v]} ${v}`))
    return `  ${suite.padEnd(width)}  ${String(done(c)).padStart(3)}/${totals.get(suite)}  ${parts.join('  ')}`
  }
  const redraw = () => {
    timer = undefined
    const lines = [...totals.keys()].map(line)
    // Move up over the previous block, rewrite each line, clear what is left of it.
    stream.write(`${drawn ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\r\x1b[2K${l}\n`).join('')}`)
    drawn = lines.length
  }

  return {
    plan(plan) {
      for (const [suite, total] of Object.entries(plan)) {
        totals.set(suite, total)
        counts.set(suite, zero())
      }
      if (options.mode === 'live') redraw()
    },
    result(result) {
      const c = counts.get(result.suite)
      if (!c) return
      c[result.verdict]++
      if (options.mode === 'live') timer ??= setTimeout(redraw, 100)
      else if (options.mode === 'plain' && done(c) === totals.get(result.suite)) stream.write(`${line(result.suite).trim()}\n`)
    },
    finish() {
      if (timer) clearTimeout(timer)
      // The report follows on stdout: erase the live block so the two do not interleave.
      if (options.mode === 'live' && drawn) stream.write(`\x1b[${drawn}A\x1b[0J`)
      drawn = 0
    },
  }
}
