import type { Profile } from '../profiles.ts'
import { atLeast, SEVERITIES, type Severity } from '../severity.ts'
import { summarize, type CaseResult, type Summary } from '../verdict.ts'

/** The one source of truth; every other report format only reads this. */
export interface ResultDocument {
  schemaVersion: 1
  tool: { name: 'authconform'; version: string }
  startedAt: string
  durationMs: number
  target: { url?: string; command?: string; config?: string }
  runtime: { postgres: string; reason: string }
  profiles: Profile[]
  failOn: Severity
  cases: CaseResult[]
  summary: Summary & {
    failedBySeverity: Record<Severity, number>
    /** The same counts per profile: the side-by-side comparison of signing setups. */
    byProfile: Partial<Record<Profile, Summary>>
  }
  /** Problems of the run itself (not of a case), e.g. a suite file that failed to load. */
  runErrors: string[]
  exitCode: number
}

/** 0 all good; 1 a fail at or above failOn, or any case that could not be judged. */
export function exitCodeFor(cases: CaseResult[], failOn: Severity, runErrors: string[]): 0 | 1 {
  const gating = cases.some((c) => (c.verdict === 'fail' && atLeast(c.severity, failOn)) || c.verdict === 'error')
  return gating || runErrors.length ? 1 : 0
}

export function summarizeDocument(cases: CaseResult[]): ResultDocument['summary'] {
  const failedBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, cases.filter((c) => c.verdict === 'fail' && c.severity === s).length])) as Record<Severity, number>
  const profiles = [...new Set(cases.map((c) => c.profile))]
  const byProfile = Object.fromEntries(profiles.map((p) => [p, summarize(cases.filter((c) => c.profile === p))]))
  return { ...summarize(cases), failedBySeverity, byProfile }
}

/** Catalogue order, then profile order: stable reports that diff cleanly between runs. */
export function sortResults(cases: CaseResult[], caseOrder: readonly string[], profiles: readonly Profile[]): CaseResult[] {
  const rank = new Map(caseOrder.map((id, i) => [id, i]))
  return [...cases].sort((x, y) => (rank.get(x.id) ?? 1e9) - (rank.get(y.id) ?? 1e9) || profiles.indexOf(x.profile) - profiles.indexOf(y.profile))
}
