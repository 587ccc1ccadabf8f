import type { Diagnosis } from '../core/diagnosis.ts'
import type { Profile } from '../core/profiles.ts'
import { SNIPPET_SOURCES, type SnippetSource } from '../core/remedy.ts'
import type { Verdict } from '../core/verdict.ts'
import type { ResultDocument } from './document.ts'
import { curlBlock, escapeHtml, evidenceList, number, severityBadge, verdictBadge } from './html-parts.ts'

/**
 * The sections a reader needs before the list: the root causes (what to fix, once each), and
 * the signing profiles compared where they differ. Both read the document's `diagnoses` and
 * `comparison`; a document written before them renders without these sections.
 */

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function snippets(fix: Diagnosis['fix']): string {
  const sources = Object.entries(fix.snippets) as [SnippetSource, { code?: string; note?: string } | undefined][]
  const blocks = sources
    .filter(([, snippet]) => snippet?.code || snippet?.note)
    .map(
      ([source, snippet]) =>
        `<details class="snippet"><summary>${escapeHtml(SNIPPET_SOURCES[source].heading)}</summary>${snippet!.note ? `<p class="note">${escapeHtml(snippet!.note)}</p>` : ''}${snippet!.code ? `<pre class="body">${escapeHtml(snippet!.code)}</pre>` : ''}</details>`,
    )
  return blocks.join('')
}

function diagnosisCard(d: Diagnosis, index: number): string {
  const explained = [...d.failures, ...d.warnings]
  const ids = [...new Set(explained.map((k) => k.id))]
  const what = [d.failures.length && plural(d.failures.length, 'failure'), d.warnings.length && plural(d.warnings.length, 'warning')].filter(Boolean).join(' and ')
  const evidence = d.evidence
  return `<article class="diagnosis" id="diagnosis-${escapeHtml(d.id)}" data-diagnosis="${escapeHtml(d.id)}">
<h3><span class="rank">${index + 1}</span>${severityBadge(d.severity)} ${escapeHtml(d.title)}</h3>
<p><strong>Explains</strong> ${escapeHtml(what)} in ${d.profiles.map((p) => `<span class="chip">${escapeHtml(p)}</span>`).join(' ')}: ${ids.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}</p>
<p><strong>Fix:</strong> ${escapeHtml(d.fix.title)} <span class="muted">(remedy <code>${escapeHtml(d.fix.remedy)}</code>; <code>authconform explain ${escapeHtml(evidence.id)}</code>)</span></p>
${snippets(d.fix)}
<details class="evidence"><summary><strong>Strongest evidence:</strong> <code>${escapeHtml(evidence.id)}</code> <span class="chip">${escapeHtml(evidence.profile)}</span> ${escapeHtml(evidence.reason)}</summary>${evidence.evidence ? evidenceList(evidence.evidence) : ''}${evidence.curl ? curlBlock(evidence.curl, `diagnosis-${index}`) : ''}</details>
</article>`
}

/** First on the page: every root cause, most serious first, then what no diagnosis explains. */
export function diagnosesSection(document: ResultDocument): string {
  const diagnoses = document.diagnoses ?? []
  const unexplained = document.unexplained ?? []
  if (!diagnoses.length && !unexplained.length) return ''
  const failures = unexplained.filter((k) => k.verdict === 'fail').length
  const rest = unexplained.length ? `<p class="unexplained">Not explained by a diagnosis: ${plural(failures, 'failure')} and ${plural(unexplained.length - failures, 'warning')}, each listed under Findings.</p>` : ''
  const intro = diagnoses.length ? `<p class="hint">${plural(diagnoses.length, 'root cause')}, most serious first: fix these and the results they explain go with them.</p>` : '<p class="hint">No root cause diagnosed.</p>'
  return `<section class="diagnoses" id="diagnoses"><h2>Diagnoses</h2>${intro}${diagnoses.map(diagnosisCard).join('')}${rest}</section>`
}

const cell = (verdict: Verdict | undefined) => (verdict ? verdictBadge(verdict) : '<span class="muted">–</span>')

/** With several profiles: the cases where they differ, then the risks only some carry. */
export function comparisonSection(document: ResultDocument, profiles: Profile[]): string {
  const comparison = document.comparison
  if (!comparison) return ''
  const head = `<thead><tr><th>Case</th>${profiles.map((p) => `<th class="cell">${escapeHtml(p)}</th>`).join('')}</tr></thead>`
  const differing = comparison.differing.length
    ? `<table class="matrix comparison" id="differing">${head}<tbody>${comparison.differing.map((d) => `<tr><td><code>${escapeHtml(d.id)}</code> <span class="muted">${escapeHtml(d.title)}</span></td>${profiles.map((p) => `<td class="cell">${cell(d.verdicts[p])}</td>`).join('')}</tr>`).join('')}</tbody></table>`
    : '<p>Every case judged in several profiles got the same verdict in each.</p>'
  const only = comparison.onlyIn.map(
    (group) =>
      `<li><strong>${group.profiles.map(escapeHtml).join(', ')} only</strong>: ${group.suites.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')} — ${number(group.cases.length)} cases: ${number(group.failed)} failed, ${number(group.warned)} warned, ${number(group.passed)} passed</li>`,
  )
  return `<section class="comparison" id="comparison"><h2>Profiles compared</h2><h3>Where they differ <span class="muted count">${comparison.differing.length}</span></h3>${differing}${only.length ? `<h3>Risks only some profiles carry</h3><ul class="only-in">${only.join('')}</ul>` : ''}</section>`
}
