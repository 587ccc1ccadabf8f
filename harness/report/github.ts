import type { CaseResult } from '../core/verdict.ts'
import { gates, type ResultDocument } from './document.ts'
import { summaryLine } from './terminal.ts'

/**
 * GitHub Actions workflow commands: an annotation per failure (error), warning and fixed
 * expected failure (warning), on the config file, so they show on the run's summary and the
 * pull request. Printed only when GITHUB_ACTIONS=true.
 */
const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')

export function renderGithubAnnotations(document: ResultDocument): string {
  const file = document.target.config
  const where = file ? `file=${escapeProperty(file)},line=1,` : ''
  const line = (kind: 'error' | 'warning' | 'notice', title: string, message: string) => `::${kind} ${where}title=${escapeProperty(title)}::${escapeData(message)}`
  const out: string[] = []
  for (const c of document.cases) {
    const title = `authconform ${c.id} [${c.profile}]`
    if (c.verdict === 'fail' && c.expected) out.push(line('notice', title, `expected failure (${c.expected}): ${c.reason}`))
    else if (c.verdict === 'fail') out.push(line(c.severity === 'info' || c.severity === 'low' ? 'warning' : 'error', `${title} ${c.severity}`, `${c.reason}\nFix: ${c.fix}`))
    else if (c.verdict === 'error') out.push(line('error', `${title} could not be judged`, c.reason))
    else if (c.verdict === 'warn') out.push(line('warning', title, c.reason))
  }
  for (const entry of document.expectedFailures?.fixed ?? []) {
    out.push(line('warning', `authconform ${entry.id} fixed`, `${entry.id}${entry.profile ? ` [${entry.profile}]` : ''} no longer fails: remove it from the expected-failures file`))
  }
  return out.length ? out.join('\n') + '\n' : ''
}

/** A job summary (the Markdown GitHub renders on the run's page) is refused above 1 MiB. */
const MAX_ROWS = 100
const MAX_CELL = 300

/** Table-safe text: one line, no raw HTML, Markdown punctuation taken literally, bounded length. */
function cell(text: string): string {
  const line = text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  const short = line.length > MAX_CELL ? `${line.slice(0, MAX_CELL)}…` : line
  return short
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, '\\$&')
}

const code = (text: string) => (/^[\w./:-]+$/.test(text) ? `\`${text}\`` : cell(text))
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

function table(header: string[], rows: string[][]): string[] {
  const shown = rows.slice(0, MAX_ROWS).map((row) => `| ${row.join(' | ')} |`)
  const more = rows.length > MAX_ROWS ? ['', `…and ${rows.length - MAX_ROWS} more (the JSON and HTML reports list every one).`] : []
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...shown, ...more]
}

/** What the exit code means for this run: the line a reviewer reads first. */
function gateOutcome(document: ResultDocument): string {
  const failures = document.cases.filter((c) => c.verdict === 'fail')
  const gating = failures.filter((c) => gates(c, document.failOn, document.failOnNew)).length
  const below = failures.filter((c) => !c.expected && !gates(c, document.failOn, document.failOnNew)).length
  const expected = failures.filter((c) => c.expected).length
  const errored = document.summary.errored
  const threshold = `\`--fail-on ${document.failOn}\``
  const tolerated = [below && `${plural(below, 'failure')} below it`, expected && `${plural(expected, 'expected failure')}`].filter(Boolean)
  const notGating = tolerated.length ? ` (${tolerated.join(' and ')} ${below + expected === 1 ? 'does' : 'do'} not fail the job)` : ''
  if (document.interrupted) return `⏹️ **Interrupted by ${document.interrupted}** (exit code ${document.exitCode}): the counts cover only the cases that finished.`
  if (document.exitCode === 0) return `✅ **Passed** (exit code 0): no failure at or above ${threshold}${notGating}.`
  if (document.exitCode === 1) {
    const why = [gating && `${plural(gating, 'failure')} at or above ${threshold}`, errored && `${plural(errored, 'case')} could not be judged`, document.runErrors.length && plural(document.runErrors.length, 'run error')].filter(Boolean)
    return `❌ **Failed** (exit code 1)${why.length ? `: ${why.join(', ')}` : ''}${notGating}.`
  }
  return `❌ **Failed** (exit code ${document.exitCode}).`
}

/**
 * Markdown for $GITHUB_STEP_SUMMARY: the terminal's summary line, what the exit code means,
 * the diagnoses (root causes), the failures (marked when they do not gate), the errors and a count of warnings — each
 * table capped, so even a run of thousands of findings stays far below GitHub's 1 MiB limit.
 */
export function renderGithubSummary(document: ResultDocument): string {
  const out = [`## authconform: ${cell(document.target.name)}`, '', `**${summaryLine(document)}** — ${document.profiles.join(', ')}, ${(document.durationMs / 1000).toFixed(1)} s`, '', gateOutcome(document)]
  const b = document.baseline
  if (b) out.push('', `Since the baseline ${code(b.file)} (authconform ${cell(b.version)}): **${b.new} new**, ${b.fixed} fixed, ${b.unchanged} unchanged${document.failOnNew ? ' — only new failures fail the job' : ''}.`)
  if (document.diagnoses.length) {
    out.push(
      '',
      '### Diagnoses (root causes, most serious first)',
      '',
      ...table(
        ['Root cause', 'Severity', 'Explains', 'Fix'],
        document.diagnoses.map((d) => [
          cell(d.title),
          d.severity,
          cell(`${[d.failures.length && plural(d.failures.length, 'failure'), d.warnings.length && plural(d.warnings.length, 'warning')].filter(Boolean).join(' and ')} (${d.profiles.join(', ')}); e.g. ${d.evidence.id}`),
          cell(d.fix.title),
        ]),
      ),
    )
    const unexplained = document.unexplained.filter((k) => k.verdict === 'fail').length
    if (unexplained) out.push('', `${plural(unexplained, 'failure')} no diagnosis explains: see the table below.`)
  }
  const failures = document.cases.filter((c) => c.verdict === 'fail')
  const failsTheJob = (c: CaseResult) => gates(c, document.failOn, document.failOnNew)
  if (failures.length) {
    // Gating failures first: when the table is cut, what is cut does not fail the job.
    const ordered = [...failures.filter(failsTheJob), ...failures.filter((c) => !failsTheJob(c))]
    const gateCell = (c: CaseResult) => (c.expected ? `no — expected: ${cell(c.expected)}` : failsTheJob(c) ? '**yes**' : `no — below fail-on ${document.failOn}`)
    out.push(
      '',
      '### Failures',
      '',
      ...table(
        ['Case', 'Profile', 'Severity', 'Fails the job', 'Reason'],
        ordered.map((c) => [code(c.id), c.profile, c.severity, gateCell(c), cell(c.reason)]),
      ),
    )
  }
  const errors = document.cases.filter((c) => c.verdict === 'error')
  if (errors.length)
    out.push(
      '',
      '### Errors (could not be judged; they fail the job)',
      '',
      ...table(
        ['Case', 'Profile', 'Reason'],
        errors.map((c) => [code(c.id), c.profile, cell(c.reason)]),
      ),
    )
  if (document.runErrors.length) {
    out.push('', '### Run errors', '', ...document.runErrors.slice(0, MAX_ROWS).map((error) => `- ${cell(error)}`))
    if (document.runErrors.length > MAX_ROWS) out.push(`- …and ${document.runErrors.length - MAX_ROWS} more`)
  }
  const fixed = document.expectedFailures?.fixed ?? []
  if (fixed.length) {
    out.push('', '### Expected failures that no longer fail (remove them from the file)', '', ...fixed.slice(0, MAX_ROWS).map((e) => `- ${code(e.id)}${e.profile ? ` [${e.profile}]` : ''}`))
    if (fixed.length > MAX_ROWS) out.push(`- …and ${fixed.length - MAX_ROWS} more`)
  }
  if (document.summary.warned) out.push('', `${plural(document.summary.warned, 'warning')}: these do not fail the job; each is an annotation and in the log.`)
  return out.join('\n') + '\n\n'
}
