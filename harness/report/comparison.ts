import type { Profile } from '../core/profiles.ts'
import type { CaseResult, Verdict } from '../core/verdict.ts'

/**
 * The signing setups side by side, as an architect choosing between HS256 and a JWKS reads
 * them: first the cases whose verdicts differ between profiles, then the risks only some setups
 * carry (the cases that apply to them alone: HS256's shared secret, a JWKS's rotation, refetch
 * storms and outages). Two identical columns say nothing, so they come last or not at all.
 */
export interface Comparison {
  /** Cases judged in two or more profiles whose verdicts differ, failures first. */
  differing: { id: string; title: string; verdicts: Partial<Record<Profile, Verdict>> }[]
  /** Per set of profiles: the cases that applied to those profiles only, and how they went. */
  onlyIn: { profiles: Profile[]; suites: string[]; cases: { id: string; verdicts: Partial<Record<Profile, Verdict>> }[]; failed: number; warned: number; passed: number }[]
}

const judged = (r: CaseResult) => r.verdict !== 'skip'
const RANK: Record<Verdict, number> = { fail: 0, error: 1, warn: 2, pass: 3, skip: 4 }

export function compareProfiles(cases: readonly CaseResult[], profiles: readonly Profile[]): Comparison | undefined {
  if (profiles.length < 2) return undefined
  const byId = new Map<string, CaseResult[]>()
  for (const r of cases) byId.set(r.id, [...(byId.get(r.id) ?? []), r])
  const differing: Comparison['differing'] = []
  const groups = new Map<string, { profiles: Profile[]; results: CaseResult[][] }>()
  for (const [id, results] of byId) {
    const ran = results.filter(judged)
    const verdicts = Object.fromEntries(ran.map((r) => [r.profile, r.verdict])) as Partial<Record<Profile, Verdict>>
    if (ran.length >= 2 && new Set(ran.map((r) => r.verdict)).size > 1) differing.push({ id, title: ran[0]!.title, verdicts })
    const where = profiles.filter((p) => ran.some((r) => r.profile === p))
    if (where.length === 0 || where.length === profiles.length) continue
    const key = where.join(',')
    const group = groups.get(key) ?? { profiles: where, results: [] }
    group.results.push(ran)
    groups.set(key, group)
  }
  const worstOf = (verdicts: Partial<Record<Profile, Verdict>>) => Math.min(...Object.values(verdicts).map((v) => RANK[v]))
  differing.sort((x, y) => worstOf(x.verdicts) - worstOf(y.verdicts))
  const onlyIn = [...groups.values()].map(({ profiles: where, results }) => {
    const all = results.flat()
    const count = (v: Verdict) => all.filter((r) => r.verdict === v).length
    return {
      profiles: where,
      suites: [...new Set(all.map((r) => r.suite))],
      cases: results.map((ran) => ({ id: ran[0]!.id, verdicts: Object.fromEntries(ran.map((r) => [r.profile, r.verdict])) as Partial<Record<Profile, Verdict>> })),
      failed: count('fail'),
      warned: count('warn'),
      passed: count('pass'),
    }
  })
  onlyIn.sort((x, y) => x.profiles.length - y.profiles.length || profiles.indexOf(x.profiles[0]!) - profiles.indexOf(y.profiles[0]!))
  return { differing, onlyIn }
}
