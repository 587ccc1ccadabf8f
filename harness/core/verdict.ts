import type { Profile } from './profiles.ts'
import type { Severity } from './severity.ts'

/**
 * pass / fail / warn are conformance verdicts; skip says why a case did not apply; error means
 * the harness or the target broke, and is never counted as a conformance pass or fail.
 */
export const VERDICTS = ['pass', 'fail', 'warn', 'skip', 'error'] as const
export type Verdict = (typeof VERDICTS)[number]

export interface Evidence {
  request: { method: string; url: string; headers: Record<string, string>; body?: string }
  status?: number
  /** Response headers worth showing (e.g. WWW-Authenticate), lower-cased names. */
  responseHeaders?: Record<string, string>
  /** First 200 bytes of the response body. */
  bodyHead?: string
  ms?: number
  /** No whole HTTP answer came: what happened instead, its code first (`ECONNRESET: …`, `timed out after 5000 ms …`); with a status, how its body was cut off. */
  dropped?: string
  /** What Chromium saw when a page made this request (CORS blocks it from the page, not the wire). */
  browser?: string
  /** Attacker-server URLs the target fetched while answering: SSRF / key injection evidence. */
  attackerFetches?: string[]
}

export interface CaseResult {
  id: string
  suite: string
  profile: Profile
  verdict: Verdict
  /** The case's severity, or lower when the judge found a milder problem (e.g. a 5xx). */
  severity: Severity
  refs: string[]
  title: string
  fix: string
  /** One sentence: why this verdict. */
  reason: string
  evidence?: Evidence
  /**
   * Every request of a case that plays several steps (A creates, B reads A's item, A reads it
   * back), in order and labelled; `evidence` is the step that decided the verdict.
   */
  steps?: (Evidence & { label: string })[]
  /** Replays the request; carries the short-lived test token only. */
  curl?: string
  /**
   * The reason from the expected-failures file when this failure is a known, documented gap:
   * still reported as a fail, but it does not gate the exit code.
   */
  expected?: string
  /** How long the case took, and how much of that was waiting on the target (harness overhead is the rest). */
  timing?: { totalMs: number; targetMs?: number }
  /** Against a baseline (--baseline): a finding that is new or worse, one that is gone or milder, or the same. */
  change?: 'new' | 'fixed' | 'unchanged'
  /** The reason reports a measurement (a cache lifetime, a fetch count) worth showing on a pass too. */
  measured?: boolean
}

const RANK: Record<Verdict, number> = { pass: 0, skip: 1, warn: 2, error: 3, fail: 4 }

/** Whether `a` is a worse outcome than `b`: when several requests decide a case, the worst wins. */
export const worse = (a: Verdict, b: Verdict) => RANK[a] > RANK[b]

export type Summary = Record<'total' | 'passed' | 'failed' | 'warned' | 'skipped' | 'errored', number>

export function summarize(cases: Pick<CaseResult, 'verdict'>[]): Summary {
  const count = (v: Verdict) => cases.filter((c) => c.verdict === v).length
  return {
    total: cases.length,
    passed: count('pass'),
    failed: count('fail'),
    warned: count('warn'),
    skipped: count('skip'),
    errored: count('error'),
  }
}
