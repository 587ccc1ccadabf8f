import type { ProfileContext } from '../../harness/core/context.ts'
import type { Exchange, Judgement, ProbingCase } from '../../harness/core/case.ts'

/** One try of a timed probe: its time, and a valid token's sent beside it (none for the first). */
export interface Timed {
  ms: number
  validMs?: number
}

/**
 * A token slow on its own is tried again beside a valid token, up to this many times: a costly
 * parse is slow every time, a busy target now and then.
 */
export const PAIRED_RETRIES = 2

/** Judged on the paired try that cost least beyond its valid token's time: a busy target is no finding. */
export function timedAgainstValidTokens(spec: ProbingCase, sent: Exchange, tries: Timed[], context: ProfileContext): Judgement {
  const beyond = Math.min(...tries.flatMap(({ ms, validMs }) => (validMs === undefined ? [] : [Math.max(0, ms - validMs)])))
  const judgement = spec.expect({ ...sent, ms: beyond }, { user: context.users })
  const times = tries.map(({ ms, validMs }) => (validMs === undefined ? `${ms} ms alone` : `${ms} ms beside a valid token's ${validMs} ms`)).join(', ')
  return { ...judgement, reason: `${judgement.reason} (beyond a valid token's time at the same moment; measured ${times}${judgement.slow ? '' : ': the target was busy, not this token'})` }
}
