/** NumericDate helpers for claims: `ago('1h')`, `fromNow('75s')`. */
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const

export function seconds(duration: string): number {
  const match = /^(\d+)([smhd])$/.exec(duration)
  if (!match) throw new Error(`bad duration ${duration}: use e.g. "90s", "15m", "1h", "2d"`)
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS]
}

export const now = () => Math.floor(Date.now() / 1000)
export const ago = (duration: string) => now() - seconds(duration)
export const fromNow = (duration: string) => now() + seconds(duration)
