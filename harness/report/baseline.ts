import { readFileSync } from 'node:fs'
import path from 'node:path'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import type { Profile } from '../core/profiles.ts'
import type { CaseResult, Verdict } from '../core/verdict.ts'

/**
 * What changed since a previous run (`--baseline previous.json`): each result is new, fixed or
 * unchanged against the same case in the same profile. A backend adopting authconform with
 * known findings gates on what is new (`--fail-on-new`); a baseline written by another
 * catalogue version compares by case id and says which cases that version did not have.
 */

/** What a baseline keeps of a previous result document. */
export interface Baseline {
  file: string
  version: string
  results: { id: string; profile: Profile; verdict: Verdict }[]
}

/** The comparison, as the result document carries it. */
export interface BaselineSummary {
  file: string
  /** The authconform version that wrote the baseline. */
  version: string
  new: number
  fixed: number
  unchanged: number
  /** Case ids this run judged that the baseline has no result for: new to the catalogue when its version differs, else not run then. */
  notInBaseline: string[]
  /** Whether the baseline came from another authconform version (another catalogue). */
  otherCatalogue: boolean
  /** Case ids in the baseline this catalogue no longer has. */
  goneFromCatalogue: string[]
}

/** Reads a previous JSON result document; anything else is a one-line config error. */
export function readBaseline(file: string): Baseline {
  const shown = path.relative(process.cwd(), file) || file
  let data: { tool?: { version?: unknown }; cases?: unknown }
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    const code = (error as { code?: string }).code
    const cause = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a directory' : `is not JSON (${errorMessage(error)})`
    throw new AuthconformError('ERR_CONFIG_INVALID', `baseline ${shown} ${cause}: pass the JSON result document of an earlier run (authconform run --json previous.json)`)
  }
  const cases = Array.isArray(data?.cases) ? (data.cases as Record<string, unknown>[]) : undefined
  const wellFormed = cases?.every((c) => typeof c?.id === 'string' && typeof c.profile === 'string' && typeof c.verdict === 'string')
  if (!cases || !wellFormed) throw new AuthconformError('ERR_CONFIG_INVALID', `baseline ${shown} is not an authconform result document (no cases with id, profile and verdict): pass the file an earlier run wrote with --json`)
  return {
    file: shown,
    version: typeof data.tool?.version === 'string' ? data.tool.version : 'unknown',
    results: cases.map((c) => ({ id: c.id as string, profile: c.profile as Profile, verdict: c.verdict as Verdict })),
  }
}

/** How bad a verdict is as a finding: a pass (or skip) is none, a warn less than a fail. */
const FINDING: Partial<Record<Verdict, number>> = { warn: 1, fail: 2 }
const weight = (verdict: Verdict | undefined) => (verdict ? (FINDING[verdict] ?? 0) : 0)

/** Marks each result against the baseline and sums the comparison up. */
export function compareWithBaseline(results: readonly CaseResult[], baseline: Baseline, version: string, catalogueIds: readonly string[]): { cases: CaseResult[]; summary: BaselineSummary } {
  const before = new Map(baseline.results.map((r) => [`${r.id} ${r.profile}`, r.verdict]))
  const baselineIds = new Set(baseline.results.map((r) => r.id))
  const cases = results.map((r): CaseResult => {
    const was = before.get(`${r.id} ${r.profile}`)
    const change = weight(r.verdict) > weight(was) ? 'new' : weight(r.verdict) < weight(was) ? 'fixed' : 'unchanged'
    return { ...r, change }
  })
  const count = (change: CaseResult['change']) => cases.filter((c) => c.change === change).length
  return {
    cases,
    summary: {
      file: baseline.file,
      version: baseline.version,
      new: count('new'),
      fixed: count('fixed'),
      unchanged: count('unchanged'),
      notInBaseline: [...new Set(results.map((r) => r.id))].filter((id) => !baselineIds.has(id)),
      otherCatalogue: baseline.version !== version,
      goneFromCatalogue: [...baselineIds].filter((id) => !catalogueIds.includes(id)),
    },
  }
}
