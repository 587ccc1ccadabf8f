import type { Profile } from './profiles.ts'
import type { Remedy } from './remedy.ts'
import type { Severity } from './severity.ts'
import type { CaseResult, Evidence } from './verdict.ts'

/**
 * Diagnoses: one root cause behind many results. A verifier that never checks signatures fails
 * forty-odd cases; a developer wants "signatures are not verified (explains 46 failures)" and
 * its one fix first, then the evidence. The rules are data next to the catalogue
 * (suites/catalogue/diagnoses.ts); this module applies them to a run's results.
 */

/** Which results a rule reads: a case id, `suite/*` or a `prefix*` glob. */
export type Symptom = string

export interface DiagnosisRule {
  /** Stable, kebab-case: what SARIF and baselines refer to. */
  id: string
  /** The root cause as a finding, in the developer's terms: "Signatures are not verified". */
  title: string
  /** The remedy (`authconform explain`) that fixes the cause, per library. */
  remedy: string
  /**
   * When the cause is proven in one profile's results: every symptom in `all` failed, or at
   * least `count` (default 1) failures match `any`. Warnings never prove a cause (a library on
   * its defaults warns), though a proven cause claims the warnings it explains.
   */
  sign: { all?: readonly Symptom[]; any?: readonly Symptom[]; count?: number }
  /** What else the cause explains once proven: failing and warning results it claims (its sign always). */
  explains?: readonly Symptom[]
}

/** A result as a diagnosis lists it. */
export interface ResultKey {
  id: string
  profile: Profile
}

export interface Diagnosis {
  id: string
  title: string
  /** The worst severity among the failures it explains. */
  severity: Severity
  profiles: Profile[]
  failures: ResultKey[]
  warnings: ResultKey[]
  /** The one fix: the remedy's title and its code per library (`authconform explain`). */
  fix: { remedy: string; title: string; snippets: Remedy['snippets'] }
  /** The strongest piece of evidence: its worst failure, a proving one first. */
  evidence: ResultKey & { reason: string; evidence?: Evidence; curl?: string }
}

const matchesPattern = (pattern: string, id: string) => (pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : pattern === id)
const matches = (symptom: Symptom, r: CaseResult) => matchesPattern(symptom, r.id)

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info']
const worst = (results: readonly CaseResult[]): Severity => SEVERITY_ORDER.find((s) => results.some((r) => r.severity === s)) ?? 'info'

/** Whether the rule's sign holds in one profile's findings. */
function proven(rule: DiagnosisRule, findings: readonly CaseResult[]): boolean {
  const counted = findings.filter((r) => r.verdict === 'fail')
  const all = rule.sign.all ?? []
  const any = rule.sign.any ?? []
  if (all.length === 0 && any.length === 0) return false
  if (!all.every((symptom) => counted.some((r) => matches(symptom, r)))) return false
  return any.length === 0 || counted.filter((r) => any.some((symptom) => matches(symptom, r))).length >= (rule.sign.count ?? 1)
}

/**
 * Applies the rules in order, profile by profile: a proven rule claims the failing and warning
 * results it explains that no earlier rule claimed, so every result belongs to at most one
 * diagnosis. The worst severity first, then the most failures explained.
 */
export function diagnose(results: readonly CaseResult[], rules: readonly DiagnosisRule[], remedy: (name: string) => Remedy): { diagnoses: Diagnosis[]; unexplained: (ResultKey & { verdict: 'fail' | 'warn' })[] } {
  const findings = results.filter((r) => r.verdict === 'fail' || r.verdict === 'warn')
  const claimedBy = new Map<CaseResult, DiagnosisRule>()
  const profiles = [...new Set(findings.map((r) => r.profile))]
  for (const profile of profiles) {
    const inProfile = findings.filter((r) => r.profile === profile)
    for (const rule of rules) {
      if (!proven(rule, inProfile)) continue
      const symptoms = [...(rule.sign.all ?? []), ...(rule.sign.any ?? []), ...(rule.explains ?? [])]
      const claims = inProfile.filter((r) => !claimedBy.has(r) && symptoms.some((symptom) => matches(symptom, r)))
      // Its proof already explained by a deeper cause: what is left (warnings) is not this one's.
      if (!claims.some((r) => r.verdict === 'fail')) continue
      for (const r of claims) claimedBy.set(r, rule)
    }
  }
  const key = (r: CaseResult): ResultKey => ({ id: r.id, profile: r.profile })
  const diagnoses = rules.flatMap((rule): Diagnosis[] => {
    const explained = findings.filter((r) => claimedBy.get(r) === rule)
    if (explained.length === 0) return []
    const failures = explained.filter((r) => r.verdict === 'fail')
    const severity = worst(failures)
    const proving = failures.filter((r) => r.severity === severity)
    const strongest = proving.find((r) => [...(rule.sign.all ?? []), ...(rule.sign.any ?? [])].some((symptom) => matches(symptom, r))) ?? proving[0]!
    const { title, snippets } = remedy(rule.remedy)
    return [
      {
        id: rule.id,
        title: rule.title,
        severity,
        profiles: [...new Set(explained.map((r) => r.profile))],
        failures: failures.map(key),
        warnings: explained.filter((r) => r.verdict === 'warn').map(key),
        fix: { remedy: rule.remedy, title, snippets },
        evidence: { ...key(strongest), reason: strongest.reason, ...(strongest.evidence && { evidence: strongest.evidence }), ...(strongest.curl && { curl: strongest.curl }) },
      },
    ]
  })
  diagnoses.sort((x, y) => rank(y.severity) - rank(x.severity) || y.failures.length - x.failures.length)
  const unexplained = findings.filter((r) => !claimedBy.has(r)).map((r) => ({ ...key(r), verdict: r.verdict as 'fail' | 'warn' }))
  return { diagnoses, unexplained }
}

const rank = (severity: Severity) => SEVERITY_ORDER.length - SEVERITY_ORDER.indexOf(severity)

/** Checks a rule set against the catalogue it reads: every case pattern names a case, every remedy exists. */
export function checkRules(rules: readonly DiagnosisRule[], caseIds: readonly string[], remedyExists: (name: string) => boolean): string[] {
  const problems: string[] = []
  const ids = new Set<string>()
  for (const rule of rules) {
    if (ids.has(rule.id)) problems.push(`diagnosis ${rule.id}: duplicate id`)
    ids.add(rule.id)
    if (!remedyExists(rule.remedy)) problems.push(`diagnosis ${rule.id}: no remedy named ${rule.remedy}`)
    for (const symptom of [...(rule.sign.all ?? []), ...(rule.sign.any ?? []), ...(rule.explains ?? [])]) {
      if (!caseIds.some((id) => matchesPattern(symptom, id))) problems.push(`diagnosis ${rule.id}: ${symptom} matches no case`)
    }
  }
  return problems
}
