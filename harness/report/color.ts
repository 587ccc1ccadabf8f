import type { Verdict } from '../core/verdict.ts'

/** What colorWanted reads of a stream: process.stdout and process.stderr are such streams. */
export interface ColorStream {
  isTTY?: boolean
  hasColors?(env?: object): boolean
}

// Node's own reading of FORCE_COLOR (tty.getColorDepth): these turn colour on, any other value off.
const FORCE_COLOR_ON = new Set(['', '1', '2', '3', 'true'])

/**
 * The one rule for whether authconform writes ANSI colour to a stream (report, progress,
 * explain). FORCE_COLOR decides when set, even off a terminal (CI logs that render colour);
 * otherwise NO_COLOR (non-empty, per no-color.org), NODE_DISABLE_COLORS or TERM=dumb turn it
 * off, and a terminal gets colour when it says it can show it.
 */
export function colorWanted(stream: ColorStream, env: Record<string, string | undefined> = process.env): boolean {
  if (env.FORCE_COLOR !== undefined) return FORCE_COLOR_ON.has(env.FORCE_COLOR)
  if (env.NO_COLOR || env.NODE_DISABLE_COLORS !== undefined || env.TERM === 'dumb') return false
  if (!stream.isTTY) return false
  // hasColors reads NO_COLOR as Node does, where an empty one disables too: not our rule.
  return stream.hasColors?.({ ...env, NO_COLOR: undefined }) === true
}

/** The colour of each verdict, the same in the report and the progress lines. */
export const VERDICT_COLORS: Record<Verdict, string> = { pass: '32', fail: '31', warn: '33', skip: '90', error: '35' }

/** `text` in the SGR `codes` (e.g. '31;1') when colour is on; plain otherwise. */
export const ansi = (color: boolean, codes: string, text: string) => (color ? `\x1b[${codes}m${text}\x1b[0m` : text)
