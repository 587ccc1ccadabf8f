import type { BaselineSummary } from './baseline.ts'
import type { Comparison } from './comparison.ts'
import type { Diagnosis, ResultKey } from '../core/diagnosis.ts'
import type { Profile } from '../core/profiles.ts'
import { atLeast, SEVERITIES, type Severity } from '../core/severity.ts'
import type { ExpectedFailure } from '../config/schema.ts'
import { summarize, type CaseResult, type Summary } from '../core/verdict.ts'

/** The one source of truth; every other report format only reads this. */
export interface ResultDocument {
  schemaVersion: 1
  tool: { name: 'authconform'; version: string }
  startedAt: string
  durationMs: number
  /** `name`: the example, the config's folder, or the URL's host — stable across runs (SARIF automation id). */
  target: { name: string; url?: string; command?: string; image?: string; app?: string; config?: string }
  runtime: { postgres: string; reason: string }
  /** The Chromium the browser cases ran in (or why none could start); present when a selected case needs one. */
  browser?: { executable?: string; version?: string; error?: string }
  profiles: Profile[]
  failOn: Severity
  /** --fail-on-new: only failures new since the baseline gate the exit code. */
  failOnNew?: true
  /** --baseline: what changed since that run (each result's `change` says how it moved). */
  baseline?: BaselineSummary
  cases: CaseResult[]
  /** Root causes, most serious first: each explains failing and warning results (each result at most one). */
  diagnoses: Diagnosis[]
  /** The failing and warning results no diagnosis explains. */
  unexplained: (ResultKey & { verdict: 'fail' | 'warn' })[]
  summary: Summary & {
    failedBySeverity: Record<Severity, number>
    /** The same counts per profile: the side-by-side comparison of signing setups. */
    byProfile: Partial<Record<Profile, Summary>>
  }
  /** With several profiles: where their verdicts differ, and the risks only some of them carry. */
  comparison?: Comparison
  /** The expected-failures entries: how many failures they covered, and which no longer fail. */
  expectedFailures?: { file?: string; matched: number; fixed: { id: string; profile?: Profile; reason: string }[] }
  /** Where the time went: environment phases, vitest, cases, cleanup, reports (ms). */
  timings?: { phasesMs: Record<string, number>; caseOverheadMs?: { median: number; p90: number; cases: number } }
  /** The signal that stopped the run early; the cases are those that finished before it. */
  interrupted?: 'SIGINT' | 'SIGTERM'
  /** Problems of the run itself (not of a case), e.g. a suite file that failed to load. */
  runErrors: string[]
  /** Why the environment could not start (exit code 3): the run has no cases, only this cause. */
  error?: { code: string; message: string; details: string[] }
  exitCode: number
}

/**
 * A failure that fails the run: not covered by the expected-failures file, at or above failOn,
 * and (with --fail-on-new) new since the baseline.
 */
export function gates(result: Pick<CaseResult, 'verdict' | 'expected' | 'severity' | 'change'>, failOn: Severity, onlyNew = false): boolean {
  return result.verdict === 'fail' && !result.expected && atLeast(result.severity, failOn) && (!onlyNew || result.change === 'new')
}

/** 0 all good; 1 a fail at or above failOn, or any case that could not be judged. */
export function exitCodeFor(cases: CaseResult[], failOn: Severity, runErrors: string[], onlyNew = false): 0 | 1 {
  const gating = cases.some((c) => gates(c, failOn, onlyNew) || c.verdict === 'error')
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

/**
 * Marks the failures an expected-failures entry covers (they stay fails, but stop gating) and
 * finds the entries whose case ran and no longer fails anywhere they apply.
 */
export function applyExpectedFailures(cases: CaseResult[], entries: ExpectedFailure[], file?: string): { cases: CaseResult[]; expectedFailures?: ResultDocument['expectedFailures'] } {
  if (entries.length === 0) return { cases }
  const covers = (entry: ExpectedFailure, c: CaseResult) => entry.id === c.id && (!entry.profile || entry.profile === c.profile)
  let matched = 0
  const marked = cases.map((c) => {
    const entry = c.verdict === 'fail' ? entries.find((e) => covers(e, c)) : undefined
    if (!entry) return c
    matched++
    return { ...c, expected: entry.reason }
  })
  const fixed = entries.filter((entry) => {
    const ran = cases.filter((c) => covers(entry, c) && (c.verdict === 'pass' || c.verdict === 'warn' || c.verdict === 'fail'))
    return ran.length > 0 && ran.every((c) => c.verdict !== 'fail')
  })
  return { cases: marked, expectedFailures: { ...(file && { file }), matched, fixed: fixed.map(({ id, profile, reason }) => ({ id, ...(profile && { profile }), reason })) } }
}
