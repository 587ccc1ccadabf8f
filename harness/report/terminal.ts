import type { CaseResult, Evidence, Verdict } from '../core/verdict.ts'
import { ansi, VERDICT_COLORS } from './color.ts'
import type { Comparison } from './comparison.ts'
import type { ResultDocument } from './document.ts'
import type { Profile } from '../core/profiles.ts'
import { REPLAY_NOTE, VISIBLE_CURL_CHARS } from './replay.ts'
import { printable } from '../core/text.ts'

// Where the CLI has always imported it from.
export { colorWanted } from './color.ts'

export interface Style {
  color: boolean
  /** quiet: failures and the summary only; verbose: also every case's reason. */
  detail?: 'quiet' | 'normal' | 'verbose'
}

const paint = (style: Style, verdict: Verdict, text: string) => ansi(style.color, VERDICT_COLORS[verdict], text)

const label = (verdict: Verdict) => (verdict === 'pass' ? 'pass' : verdict.toUpperCase())
/** A failure the expected-failures file covers reads `xfail`: still a fail, known and accepted. */
const cellLabel = (r: Pick<CaseResult, 'verdict' | 'expected'>) => (r.expected ? 'xfail' : label(r.verdict))

/** The summary line; alone on the last line so CI logs and people both find it. */
export function summaryLine(document: ResultDocument): string {
  const s = document.summary
  return `${s.passed} passed, ${s.failed} failed, ${s.warned} warned, ${s.skipped} skipped, ${s.errored} errored`
}

/** One line for an answer: status and body head, what a browser page saw, or the dropped socket. */
function answerOf(evidence: Evidence): string {
  if (evidence.browser) return evidence.browser
  const body = (evidence.bodyHead ?? '').replace(/[ \t\r\n]+/g, ' ').slice(0, 120)
  if (!evidence.status) return `none (${evidence.dropped}) ${body}  (${evidence.ms} ms)`
  const cut = evidence.dropped ? ` [body cut off: ${evidence.dropped}]` : ''
  return `${evidence.status} ${body}${cut}  (${evidence.ms} ms)`
}

function describeFinding(r: CaseResult, style: Style): string[] {
  const change = r.change && r.change !== 'unchanged' ? ` [${r.change} since the baseline]` : ''
  const lines = [`${paint(style, r.verdict, label(r.verdict))} [${r.severity}] ${r.id} (${r.profile}) — ${r.title}${change}`, `    reason:   ${r.reason}`]
  if (r.expected) lines.push(`    expected: ${r.expected} (from the expected-failures file: does not fail the run)`)
  if (r.steps?.length) {
    lines.push('    steps:')
    r.steps.forEach((step, i) => lines.push(`      ${i + 1}. ${step.label}: ${step.request.method} ${step.request.url} → ${answerOf(step)}`))
  } else if (r.evidence) {
    const headers = Object.entries(r.evidence.request.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')
    lines.push(`    request:  ${r.evidence.request.method} ${r.evidence.request.url}${headers ? `  ${headers}` : ''}`)
    lines.push(`    response: ${answerOf(r.evidence)}`)
    if (r.evidence.attackerFetches?.length) lines.push(`    fetched:  ${r.evidence.attackerFetches.join(', ')} from the attacker server`)
  }
  if (r.verdict !== 'error') lines.push(`    fix:      ${r.fix}`, `    refs:     ${r.refs.join(', ')}`)
  if (showsReplay(r)) lines.push(`    replay:   ${r.curl.length > VISIBLE_CURL_CHARS ? `${r.curl.slice(0, VISIBLE_CURL_CHARS)}… (${r.curl.length} chars: the full command is in the JSON report)` : r.curl}`)
  // Below the painted first line, everything can carry what the target sent.
  return lines.map((line, i) => (i === 0 ? line : printable(line)))
}

const showsReplay = (r: CaseResult): r is CaseResult & { curl: string } => Boolean(r.curl) && r.verdict === 'fail'

/** A section of findings, with the replay note once under its heading when any of them shows a replay. */
function section(heading: string, results: CaseResult[], style: Style): string[] {
  if (!results.length) return []
  return ['', heading, ...(results.some(showsReplay) ? [`  note: ${REPLAY_NOTE}`] : []), ...results.flatMap((r) => describeFinding(r, style))]
}

/** Which Chromium ran the browser cases, as the runtime line says which Postgres. */
function browserLine(browser: ResultDocument['browser']): string[] {
  return browser?.executable ? [`browser: Chromium${browser.version ? ` ${browser.version}` : ''} at ${browser.executable}`] : []
}

/** Why the run has no cases: the environment could not start (the document the reports get then). */
function environmentError(error: NonNullable<ResultDocument['error']>): string[] {
  return [`environment error: ${printable(error.message)} [${error.code}]`, ...error.details.map((line) => `  | ${printable(line)}`)]
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`

/** A few lines per root cause: what it is, what it explains, the one fix, its strongest evidence. */
export function diagnosisLines(document: ResultDocument, style: Style): string[] {
  const { diagnoses, unexplained } = document
  if (!diagnoses.length) return []
  const explainedFailures = diagnoses.reduce((n, d) => n + d.failures.length, 0)
  const explainedWarnings = diagnoses.reduce((n, d) => n + d.warnings.length, 0)
  const out = [
    '',
    `Diagnoses: ${count(diagnoses.length, 'root cause')} ${diagnoses.length === 1 ? 'explains' : 'explain'} ${explainedFailures} of ${document.summary.failed} failures and ${explainedWarnings} of ${document.summary.warned} warnings`,
  ]
  diagnoses.forEach((d, i) => {
    const explained = [...d.failures, ...d.warnings]
    const ids = [...new Set(explained.map((k) => k.id))]
    const shown = ids.slice(0, 4).join(', ') + (ids.length > 4 ? `, … (${ids.length - 4} more)` : '')
    const what = [d.failures.length && count(d.failures.length, 'failure'), d.warnings.length && count(d.warnings.length, 'warning')].filter(Boolean).join(' and ')
    out.push(`  ${i + 1}. ${paint(style, 'fail', d.severity.toUpperCase())} ${d.title}`)
    out.push(`     explains: ${what} in ${d.profiles.join(', ')}: ${shown}`)
    out.push(`     fix:      ${d.fix.title} (code per library: authconform explain ${d.evidence.id})`)
    out.push(printable(`     evidence: ${d.evidence.id} (${d.evidence.profile}): ${d.evidence.reason}`))
    if (d.evidence.curl) out.push(printable(`     replay:   ${d.evidence.curl.length > VISIBLE_CURL_CHARS ? `${d.evidence.curl.slice(0, VISIBLE_CURL_CHARS)}…` : d.evidence.curl}`))
  })
  const failures = unexplained.filter((k) => k.verdict === 'fail').length
  if (unexplained.length) {
    const failing = [...new Set(unexplained.filter((k) => k.verdict === 'fail').map((k) => k.id))]
    const named = failing.length ? `: ${failing.slice(0, 8).join(', ')}${failing.length > 8 ? `, … (${failing.length - 8} more)` : ''}` : ''
    out.push(`  Not explained by a diagnosis: ${count(failures, 'failure')} and ${count(unexplained.length - failures, 'warning')}${named} (each is listed below)`)
  }
  return out
}

/** What moved since the baseline: the new findings and the fixed ones by name, the rest counted. */
export function baselineLines(document: ResultDocument): string[] {
  const b = document.baseline
  if (!b) return []
  const named = (change: 'new' | 'fixed') => document.cases.filter((c) => c.change === change).map((c) => `    ${change === 'new' ? label(c.verdict) : `now ${c.verdict}`} ${c.id} (${c.profile})`)
  const out = ['', `Since the baseline ${b.file} (authconform ${b.version}): ${b.new} new, ${b.fixed} fixed, ${b.unchanged} unchanged${document.failOnNew ? ' — only new failures fail the run (--fail-on-new)' : ''}`]
  if (b.new) out.push('  new or worse:', ...named('new'))
  if (b.fixed) out.push('  fixed or milder:', ...named('fixed'))
  if (b.notInBaseline.length) out.push(`  ${b.otherCatalogue ? `new to the catalogue since ${b.version}` : 'not run in the baseline'}: ${b.notInBaseline.join(', ')}`)
  if (b.goneFromCatalogue.length) out.push(`  no longer in the catalogue: ${b.goneFromCatalogue.join(', ')}`)
  return out
}

/** The root causes first, then the matrix, what was observed, every failure with evidence, and the summary line last. */
export function renderTerminal(document: ResultDocument, style: Style): string {
  const detail = style.detail ?? 'normal'
  const out: string[] = detail === 'quiet' ? [...diagnosisLines(document, style), ...baselineLines(document)] : [...browserLine(document.browser), ...diagnosisLines(document, style), ...baselineLines(document), ...matrix(document, style)]
  if (document.error) out.push('', ...environmentError(document.error))
  if (detail === 'verbose') {
    out.push('', 'Every case', ...document.cases.map((r) => `  ${paint(style, r.verdict, cellLabel(r).padEnd(6))} ${r.profile.padEnd(7)}${r.id}: ${printable(r.reason)}`))
  }
  const measured = document.cases.filter((c) => c.measured && c.verdict === 'pass')
  if (measured.length && detail !== 'quiet') out.push('', 'Observed', ...measured.map((r) => `  ${r.profile.padEnd(7)}${r.id}: ${printable(r.reason)}`))
  const failures = document.cases.filter((c) => c.verdict === 'fail')
  const others = document.cases.filter((c) => c.verdict === 'error' || (c.verdict === 'warn' && detail !== 'quiet'))
  out.push(...section('Failures', failures, style), ...section(detail === 'quiet' ? 'Errors' : 'Warnings and errors', others, style))
  for (const error of document.runErrors) out.push('', `run error: ${error}`)
  const expected = document.expectedFailures
  if (expected) {
    out.push('', `Expected failures${expected.file ? ` (${expected.file})` : ''}: ${expected.matched} failure${expected.matched === 1 ? '' : 's'} covered`)
    for (const entry of expected.fixed) out.push(`  fixed: ${entry.id}${entry.profile ? ` [${entry.profile}]` : ''} no longer fails: remove it from the file`)
  }
  if (document.profiles.length > 1 && detail !== 'quiet') {
    out.push('', 'By profile')
    for (const profile of document.profiles) {
      const s = document.summary.byProfile[profile]
      if (s) out.push(`  ${profile.padEnd(7)}${s.passed} passed, ${s.failed} failed, ${s.warned} warned, ${s.skipped} skipped, ${s.errored} errored`)
    }
    if (document.comparison) out.push(...comparisonLines(document.comparison, document.profiles, style))
  }
  out.push('', summaryLine(document))
  return out.join('\n') + '\n'
}

const SHOWN_DIFFERENCES = 15

/** Where the profiles' verdicts differ, then what only some of them carry. */
function comparisonLines(comparison: Comparison, profiles: readonly Profile[], style: Style): string[] {
  const out: string[] = []
  const { differing, onlyIn } = comparison
  if (differing.length) {
    const width = Math.max(...differing.map((d) => d.id.length))
    out.push('', `Where the profiles differ (${count(differing.length, 'case')})`)
    for (const d of differing.slice(0, SHOWN_DIFFERENCES)) {
      const cells = profiles.map((p) => {
        const verdict = d.verdicts[p]
        return verdict ? `${p} ${paint(style, verdict, label(verdict).padEnd(4))}` : `${p} -   `
      })
      out.push(`  ${d.id.padEnd(width)}  ${cells.join('  ')}`)
    }
    if (differing.length > SHOWN_DIFFERENCES) out.push(`  … and ${differing.length - SHOWN_DIFFERENCES} more (the JSON and HTML reports list every one)`)
  } else out.push('', 'Where the profiles differ: nowhere; every case judged in several profiles got the same verdict in each')
  if (onlyIn.length) {
    out.push('', 'Risks only some profiles carry')
    for (const group of onlyIn) {
      out.push(`  ${group.profiles.join(', ')} only: ${group.suites.join(', ')} — ${count(group.cases.length, 'case')}: ${group.failed} failed, ${group.warned} warned, ${group.passed} passed`)
    }
  }
  return out
}

/** Grouped by suite, one line per case (a column per profile). */
function matrix(document: ResultDocument, style: Style): string[] {
  const out: string[] = []
  const multi = document.profiles.length > 1
  const ids = [...new Set(document.cases.map((c) => c.id))]
  const idWidth = Math.max(...ids.map((id) => id.length), 10)
  let suite = ''
  for (const id of ids) {
    const row = document.cases.filter((c) => c.id === id)
    const first = row[0]!
    if (first.suite !== suite) {
      suite = first.suite
      const header = multi ? ' '.repeat(idWidth + 13) + document.profiles.map((p) => p.padEnd(7)).join('') : ''
      out.push('', `${suite}${header.slice(suite.length)}`)
    }
    const cells = document.profiles.map((p) => {
      const r = row.find((c) => c.profile === p)
      return r ? paint(style, r.expected ? 'warn' : r.verdict, cellLabel(r).padEnd(7)) : '-'.padEnd(7)
    })
    const worst = row.find((r) => r.verdict === 'fail') ?? first
    if (multi) out.push(`  ${worst.severity.padEnd(9)}${id.padEnd(idWidth + 2)}${cells.join('')}${first.title}`)
    else out.push(`  ${cells[0]}${first.severity.padEnd(9)}${id.padEnd(idWidth + 2)}${first.title}`)
  }

  return out
}

/** `--timings`: where the run's time went, phase by phase, and the harness's cost per case. */
export function renderTimings(document: ResultDocument): string {
  const phases = Object.entries(document.timings?.phasesMs ?? {})
  const width = Math.max(...phases.map(([name]) => name.length), 10)
  const lines = ['timings (ms; environment phases of several profiles overlap):', ...phases.map(([name, ms]) => `  ${name.padEnd(width)}  ${String(ms).padStart(7)}`)]
  lines.push(`  ${'total'.padEnd(width)}  ${String(document.durationMs).padStart(7)}`)
  const overhead = document.timings?.caseOverheadMs
  if (overhead) lines.push(`  harness overhead per case (case time − waiting on the target): median ${overhead.median} ms, p90 ${overhead.p90} ms over ${overhead.cases} cases`)
  return lines.join('\n') + '\n'
}
