import type { Severity } from '../core/severity.ts'
import type { CaseResult } from '../core/verdict.ts'
import type { ResultDocument } from './document.ts'
import { reference } from './references.ts'
import { VISIBLE_CURL_CHARS } from './replay.ts'

/**
 * SARIF 2.1.0 for GitHub code scanning: one rule per case id, a result per failing or
 * warning case × profile (naming its diagnosis, the root cause, when one explains it), located at the config file (the place a team changes to fix the
 * setup it describes). Passing, skipped and errored cases are not alerts; errors are listed as
 * tool notifications so a broken run is visible without posing as a finding.
 */

// GitHub maps security-severity to critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low > 0.
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' }

function level(result: Pick<CaseResult, 'verdict' | 'severity'>): 'error' | 'warning' | 'note' {
  if (result.verdict === 'warn' || result.severity === 'low') return 'warning'
  if (result.severity === 'info') return 'note'
  return 'error'
}

function ruleFor(result: CaseResult) {
  const refs = result.refs.map(reference)
  const help = [result.fix, '', ...refs.map((r) => `- ${r.label}: ${r.url}`)].join('\n')
  return {
    id: result.id,
    name: result.id.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()),
    shortDescription: { text: result.title },
    fullDescription: { text: `${result.title}. Fix: ${result.fix}` },
    help: { text: help, markdown: [`**Fix:** ${result.fix}`, '', ...refs.map((r) => `- [${r.label}](${r.url})`), '', `Replay any finding with the \`curl\` in its properties, or \`npx authconform explain ${result.id}\`.`].join('\n') },
    ...(refs[0] && { helpUri: refs[0].url }),
    defaultConfiguration: { level: level({ verdict: 'fail', severity: result.severity }) },
    properties: { 'security-severity': SECURITY_SEVERITY[result.severity], tags: ['security', 'authentication', result.suite], precision: 'high', problem: { severity: result.severity } },
  }
}

/** The environment never came up (exit code 3): the run's one notification, with the cause's detail lines. */
function environmentNotification(error: NonNullable<ResultDocument['error']>) {
  return { level: 'error', message: { text: [`the environment could not start: ${error.message} [${error.code}]`, ...error.details].join('\n') }, descriptor: { id: error.code } }
}

export function renderSarif(document: ResultDocument): string {
  // Rules from the catalogue severity: a case's first result carries it (a crash may lower a result's).
  const rules = new Map<string, ReturnType<typeof ruleFor>>()
  for (const result of document.cases) if (!rules.has(result.id)) rules.set(result.id, ruleFor(result))
  const ruleIndex = new Map([...rules.keys()].map((id, i) => [id, i]))
  const location = { physicalLocation: { artifactLocation: { uri: (document.target.config ?? 'authconform.config.ts').split('\\').join('/') }, region: { startLine: 1 } } }
  const findings = document.cases.filter((c) => c.verdict === 'fail' || c.verdict === 'warn')
  const diagnosisOf = new Map(document.diagnoses.flatMap((d) => [...d.failures, ...d.warnings].map((k) => [`${k.id} ${k.profile}`, d])))
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'authconform', version: document.tool.version, informationUri: 'https://github.com/authconform/authconform', rules: [...rules.values()] } },
        automationDetails: { id: `authconform/${document.target.name}/` },
        invocations: [
          {
            executionSuccessful: document.runErrors.length === 0 && !document.error,
            exitCode: document.exitCode,
            startTimeUtc: document.startedAt,
            toolExecutionNotifications: [
              ...(document.error ? [environmentNotification(document.error)] : []),
              ...document.runErrors.map((text) => ({ level: 'error', message: { text } })),
              ...document.cases.filter((c) => c.verdict === 'error').map((c) => ({ level: 'error', message: { text: `${c.id} [${c.profile}] could not be judged: ${c.reason}` }, descriptor: { id: c.id } })),
            ],
          },
        ],
        results: findings.map((c) => {
          const diagnosis = diagnosisOf.get(`${c.id} ${c.profile}`)
          const rootCause = diagnosis ? ` Root cause: ${diagnosis.title} (diagnosis ${diagnosis.id}; fix: ${diagnosis.fix.title}).` : ''
          return {
            ruleId: c.id,
            ruleIndex: ruleIndex.get(c.id),
            level: level(c),
            message: { text: `[${c.profile}] ${c.verdict === 'warn' ? 'warning: ' : ''}${c.reason}${c.expected ? ` (expected failure: ${c.expected})` : ''}${rootCause}` },
            locations: [location],
            // Stable across runs: the same case failing in the same profile is the same alert.
            partialFingerprints: { 'authconformCase/v1': `${document.target.name}:${c.id}:${c.profile}` },
            properties: {
              profile: c.profile,
              verdict: c.verdict,
              severity: c.severity,
              ...(diagnosis && { diagnosis: diagnosis.id }),
              ...(c.curl && { replay: c.curl.length > VISIBLE_CURL_CHARS ? `${c.curl.slice(0, VISIBLE_CURL_CHARS)}…` : c.curl }),
            },
            ...(c.expected && { suppressions: [{ kind: 'external', justification: c.expected }] }),
          }
        }),
      },
    ],
  }
  return JSON.stringify(sarif, null, 2) + '\n'
}
