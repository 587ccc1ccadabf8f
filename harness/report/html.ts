import { createHash } from 'node:crypto'
import { PROFILES, type Profile } from '../core/profiles.ts'
import { SEVERITIES } from '../core/severity.ts'
import { summarize, VERDICTS, type CaseResult, type Summary, type Verdict } from '../core/verdict.ts'
import { gates, type ResultDocument } from './document.ts'
import { VISIBLE_CURL_CHARS } from './replay.ts'
import { clipped, curlBlock, escapeHtml, evidenceList, number, referenceLink, SEVERITY_RANK, severityBadge, verdictBadge } from './html-parts.ts'
import { SCRIPT, STYLE } from './html-assets.ts'
import { comparisonSection, diagnosesSection } from './html-diagnoses.ts'

/**
 * One self-contained HTML file from the result document: summary, the diagnoses (root causes)
 * first, the profiles compared, a case × profile matrix,
 * every finding with its evidence and replay command, and filters. No framework and no
 * network: CSS and JS are inline and a Content-Security-Policy forbids loading anything.
 * Every string from the document is escaped; bodies come from the target under test.
 * (Longer than most files here because the page, its style and its script must travel as one.)
 */

// A curl carrying a 1 MB token must not freeze the page: this much is shown, all of it copied.
export { escapeHtml, VISIBLE_CURL_CHARS }

/**
 * Fields that newer documents carry (a target's stable name, failures the expected-failures
 * file covers): read defensively, so a document written before them still renders.
 */
type Document = ResultDocument & {
  target: { name?: string }
  expectedFailures?: { file?: string; matched: number; fixed: { id: string; profile?: Profile; reason: string }[] }
}
const expectedOf = (r: CaseResult) => r.expected

function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.floor(ms / 60_000)} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`
}

function timestamp(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime())
    ? iso
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
}

const worstSeverity = (results: CaseResult[]) => results.map((r) => r.severity).sort((a, b) => SEVERITY_RANK(b) - SEVERITY_RANK(a))[0] ?? 'info'
const COUNT_OF: Record<Verdict, keyof Summary> = { pass: 'passed', fail: 'failed', warn: 'warned', skip: 'skipped', error: 'errored' }
const VERDICT_NAMES: Record<Verdict, string> = { pass: 'Passed', fail: 'Failed', warn: 'Warned', skip: 'Skipped', error: 'Errored' }

/** The attributes the filter script reads, on matrix cells and findings alike. */
const filterData = (r: CaseResult) => `data-suite="${escapeHtml(r.suite)}" data-severity="${escapeHtml(r.severity)}" data-verdict="${escapeHtml(r.verdict)}"`

/** Key-order-independent JSON, to find which step is the `evidence` that decided the verdict. */
const canonical = (value: unknown): string =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? `{${Object.keys(value)
        .filter((k) => k !== 'label')
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
        .join(',')}}`
    : Array.isArray(value)
      ? `[${value.map(canonical).join(',')}]`
      : JSON.stringify(value ?? null)

function finding(r: CaseResult, key: string): string {
  const expected = expectedOf(r)
  const parts = [
    `<p class="reason"><strong>Reason:</strong> ${escapeHtml(r.reason)}</p>`,
    expected ? `<p class="expected"><strong>Expected failure:</strong> ${escapeHtml(expected)} <span class="muted">(from the expected-failures file: it does not fail the run)</span></p>` : '',
    r.verdict === 'skip' ? '' : `<p><strong>Fix:</strong> ${escapeHtml(r.fix)}</p>`,
    r.refs.length ? `<p class="refs"><strong>References:</strong> ${r.refs.map(referenceLink).join(' ')}</p>` : '',
  ]
  const steps = r.steps ?? []
  const decidedBy = r.evidence ? steps.map(canonical).lastIndexOf(canonical(r.evidence)) : -1
  if (r.evidence && decidedBy < 0) parts.push(`<h4>Evidence</h4>${evidenceList(r.evidence)}`)
  if (steps.length) {
    const items = steps.map((s, i) => {
      const decisive = i === decidedBy ? ' decisive' : ''
      return `<li class="step${decisive}"><div class="step-label">${escapeHtml(s.label)}${decisive ? ' <span class="tag">decided the verdict</span>' : ''}</div>${evidenceList(s)}</li>`
    })
    parts.push(`<h4>Steps</h4><ol class="steps">${items.join('')}</ol>`)
  }
  if (r.curl) parts.push(curlBlock(r.curl, key))
  return `<details class="finding" id="${key}" ${filterData(r)}><summary>${verdictBadge(r.verdict)}${severityBadge(r.severity)}<code class="case-id">${escapeHtml(r.id)}</code><span class="profile">${escapeHtml(r.profile)}</span>${expected ? '<span class="tag xfail-tag">expected</span>' : ''}${r.change && r.change !== 'unchanged' ? `<span class="tag change-${r.change}">${r.change}</span>` : ''}<span class="title">${escapeHtml(r.title)}</span></summary><div class="finding-body">${parts.join('')}</div></details>`
}

function statusLine(document: ResultDocument): string {
  if (document.error)
    return `<div class="status bad"><span class="status-word">DID NOT RUN</span><span>exit code ${escapeHtml(document.exitCode)} · the environment could not start: ${escapeHtml(document.error.message)} [${escapeHtml(document.error.code)}]</span></div>`
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const gating = document.cases.filter((c) => gates(c, document.failOn, document.failOnNew)).length
  const expected = document.cases.filter((c) => c.verdict === 'fail' && expectedOf(c)).length
  const problems = [
    gating ? `${plural(gating, 'failure')} at or above ${escapeHtml(document.failOn)}` : `no failure at or above ${escapeHtml(document.failOn)}`,
    expected && `${plural(expected, 'expected failure')} not counted`,
    document.summary.errored && `${plural(document.summary.errored, 'case')} could not be judged`,
    document.runErrors.length && plural(document.runErrors.length, 'run error'),
  ].filter(Boolean)
  const ok = document.exitCode === 0
  return `<div class="status ${ok ? 'ok' : 'bad'}"><span class="status-word">${ok ? 'PASSED' : 'FAILED'}</span><span>exit code ${escapeHtml(document.exitCode)} · ${problems.join(' · ')} <span class="fail-on">(fail-on ${escapeHtml(document.failOn)})</span></span></div>`
}

function header(document: Document, profiles: Profile[]): string {
  const t = document.target
  const name = t.name ? `<strong>${escapeHtml(t.name)}</strong> ` : ''
  const meta: [string, string][] = [
    ['Target', name + (t.url ? `<code>${escapeHtml(t.url)}</code>` : t.command ? `<code>${escapeHtml(t.command)}</code> <span class="muted">(command)</span>` : '<span class="muted">in-process app</span>')],
    ['Config', t.config ? `<code>${escapeHtml(t.config)}</code>` : '<span class="muted">none</span>'],
    ['Profiles', profiles.map((p) => `<span class="chip">${escapeHtml(p)}</span>`).join(' ')],
    ['Runtime', `${escapeHtml(document.runtime.postgres)} Postgres <span class="muted">— ${escapeHtml(document.runtime.reason)}</span>`],
    ...(document.browser ? [['Browser', browserCell(document.browser)] as [string, string]] : []),
    ['Started', `${escapeHtml(timestamp(document.startedAt))} <span class="muted">· took ${escapeHtml(duration(document.durationMs))}</span>`],
  ]
  const b = document.baseline
  if (b) {
    const notIn = b.notInBaseline.length ? ` · ${b.otherCatalogue ? `new to the catalogue since ${escapeHtml(b.version)}` : 'not run in the baseline'}: ${b.notInBaseline.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}` : ''
    meta.push([
      'Baseline',
      `<code>${escapeHtml(b.file)}</code> <span class="muted">(authconform ${escapeHtml(b.version)})</span>: <strong>${number(b.new)} new</strong>, ${number(b.fixed)} fixed, ${number(b.unchanged)} unchanged${document.failOnNew ? ' · only new failures fail the run' : ''}${notIn}`,
    ])
  }
  const x = document.expectedFailures
  if (x) {
    const fixed = (x.fixed ?? []).map(
      (f) => `<li><code>${escapeHtml(f.id)}</code>${f.profile ? ` <span class="chip">${escapeHtml(f.profile)}</span>` : ''} no longer fails: remove it from the file <span class="muted">(${escapeHtml(f.reason)})</span></li>`,
    )
    meta.push(['Expected failures', `${number(x.matched)} failure${x.matched === 1 ? '' : 's'} covered${x.file ? ` by <code>${escapeHtml(x.file)}</code>` : ''}${fixed.length ? `<ul class="fixed">${fixed.join('')}</ul>` : ''}`])
  }
  const s = document.summary
  const cards = VERDICTS.map((v) => `<div class="card v-${v}"><div class="card-n">${number(s[COUNT_OF[v]])}</div><div class="card-l">${VERDICT_NAMES[v]}</div></div>`).join('')
  const severities = SEVERITIES.map((sev) => `<span class="sevcount">${severityBadge(sev)} <strong>${number(s.failedBySeverity[sev] ?? 0)}</strong></span>`).join('')
  return `<header class="top"><div class="brand"><h1>authconform <span class="muted">report</span></h1><span class="version">${escapeHtml(document.tool.name)} ${escapeHtml(document.tool.version)} · schema ${escapeHtml(document.schemaVersion)}</span></div>${statusLine(document)}</header>
<section class="overview"><dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
<div class="totals"><div class="cards">${cards}<div class="card total"><div class="card-n">${number(s.total)}</div><div class="card-l">Results</div></div></div><div class="by-severity"><span class="label">Failures by severity</span>${severities}</div></div></section>`
}

function browserCell(browser: NonNullable<ResultDocument['browser']>): string {
  const ran = browser.executable ? `Chromium${browser.version ? ` ${escapeHtml(browser.version)}` : ''} <code>${escapeHtml(browser.executable)}</code>` : '<span class="muted">none</span>'
  return `${ran}${browser.error ? ` <span class="muted">— ${escapeHtml(browser.error)}</span>` : ''}`
}

/** The cause of a run that never reached its cases, where the findings would be. */
function environmentError(error: NonNullable<ResultDocument['error']>): string {
  const details = error.details.length ? `<pre>${error.details.map((line) => clipped(line)).join('\n')}</pre>` : ''
  return `<section class="findings"><div class="run-errors"><h3>The environment could not start <code>${escapeHtml(error.code)}</code></h3><p><strong>${escapeHtml(error.message)}</strong></p>${details}<p class="note">No case ran: fix the cause and run again.</p></div></section>`
}

/** The side-by-side comparison of signing setups: one row per profile, a bar and the counts. */
function byProfile(document: ResultDocument, profiles: Profile[]): string {
  const rows = profiles.map((p) => {
    const results = document.cases.filter((c) => c.profile === p)
    const s = document.summary.byProfile[p] ?? summarize(results)
    const bar = VERDICTS.filter((v) => s[COUNT_OF[v]])
      .map((v) => `<span class="seg v-${v}" style="flex-grow:${s[COUNT_OF[v]]}" title="${s[COUNT_OF[v]]} ${v}"></span>`)
      .join('')
    const bySeverity = SEVERITIES.map((sev) => [sev, results.filter((c) => c.verdict === 'fail' && c.severity === sev).length] as const).filter(([, n]) => n)
    const cells = VERDICTS.map((v) => `<td class="num${s[COUNT_OF[v]] && v !== 'pass' && v !== 'skip' ? ` strong-${v}` : ''}">${number(s[COUNT_OF[v]])}</td>`).join('')
    return `<tr><th scope="row">${escapeHtml(p)}</th><td class="barcell"><div class="bar">${bar}</div></td>${cells}<td class="num">${number(s.total)}</td><td>${bySeverity.map(([sev, n]) => `${severityBadge(sev)} ${n}`).join(' ') || '<span class="muted">—</span>'}</td></tr>`
  })
  return `<section><h2>By profile</h2><table class="profiles"><thead><tr><th>Profile</th><th>Verdicts</th>${VERDICTS.map((v) => `<th class="num">${v}</th>`).join('')}<th class="num">total</th><th>Failures by severity</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
}

function checkboxes(name: string, values: readonly string[], counts: Map<string, number>): string {
  const boxes = values.map((v) => `<label class="filter-option"><input type="checkbox" name="${name}" value="${escapeHtml(v)}" checked> ${escapeHtml(v)} <span class="muted">${number(counts.get(v) ?? 0)}</span></label>`)
  return `<fieldset><legend>${name[0]!.toUpperCase()}${name.slice(1)}</legend>${boxes.join('')}</fieldset>`
}

function tally(values: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return counts
}

function filters(document: ResultDocument, suites: string[]): string {
  const c = document.cases
  return `<form class="filters" id="filters"><div class="filter-groups">${checkboxes('verdict', VERDICTS, tally(c.map((r) => r.verdict)))}${checkboxes('severity', SEVERITIES, tally(c.map((r) => r.severity)))}${checkboxes('suite', suites, tally(c.map((r) => r.suite)))}</div><div class="filter-bar"><span id="shown" aria-live="polite"></span><span class="actions"><button type="button" id="reset">Reset filters</button><button type="button" id="expand">Expand findings</button><button type="button" id="collapse">Collapse findings</button></span></div></form>`
}

function matrix(document: ResultDocument, profiles: Profile[], keys: Map<CaseResult, string>): string {
  const bySuite = new Map<string, Map<string, CaseResult[]>>()
  for (const r of document.cases) {
    const ids = bySuite.get(r.suite) ?? bySuite.set(r.suite, new Map()).get(r.suite)!
    ids.set(r.id, [...(ids.get(r.id) ?? []), r])
  }
  const columns = 3 + profiles.length
  const groups = [...bySuite].map(([suite, ids]) => {
    const rows = [...ids].map(([id, results]) => {
      const cells = profiles.map((p) => {
        const r = results.find((x) => x.profile === p)
        if (!r) return `<td class="cell v-none" data-profile="${escapeHtml(p)}" title="${escapeHtml(p)}: not run in this profile">—</td>`
        // As in the terminal: a failure the expected-failures file covers reads xfail.
        const expected = expectedOf(r)
        const word = expected ? 'xfail' : r.verdict
        const text = r.verdict === 'pass' && !r.measured ? 'pass' : `<a href="#${keys.get(r)}">${word}</a>`
        const tooltip = `${p}: ${r.verdict} — ${r.reason}${expected ? ` (expected failure: ${expected})` : ''}`
        return `<td class="cell v-${r.verdict}${expected ? ' xfail' : ''}" data-profile="${escapeHtml(p)}" ${filterData(r)} title="${escapeHtml(tooltip)}">${text}</td>`
      })
      const first = results[0]!
      return `<tr class="case" data-case="${escapeHtml(id)}" data-suite="${escapeHtml(suite)}"><th scope="row"><code>${escapeHtml(id)}</code></th><td class="case-title">${escapeHtml(first.title)}</td><td>${severityBadge(worstSeverity(results))}</td>${cells.join('')}</tr>`
    })
    return `<tbody data-suite="${escapeHtml(suite)}"><tr class="suite-row"><th colspan="${columns}" scope="rowgroup">${escapeHtml(suite)} <span class="muted">${ids.size} case${ids.size === 1 ? '' : 's'}</span></th></tr>${rows.join('')}</tbody>`
  })
  return `<section><h2>Cases × profiles</h2><table class="matrix" id="matrix"><thead><tr><th>Case</th><th>Title</th><th>Severity</th>${profiles.map((p) => `<th class="cell">${escapeHtml(p)}</th>`).join('')}</tr></thead>${groups.join('')}</table></section>`
}

function findings(document: ResultDocument, keys: Map<CaseResult, string>): string {
  const render = (results: CaseResult[]) => results.map((r) => finding(r, keys.get(r)!)).join('')
  const of = (v: Verdict) => document.cases.filter((c) => c.verdict === v)
  const failures = of('fail').sort((a, b) => SEVERITY_RANK(b.severity) - SEVERITY_RANK(a.severity))
  const measured = document.cases.filter((c) => c.verdict === 'pass' && c.measured)
  const group = (id: string, title: string, results: CaseResult[], hint = '') => (results.length ? `<div class="group" id="${id}"><h3>${title} <span class="muted count">${results.length}</span>${hint}</h3>${render(results)}</div>` : '')
  const skipped = of('skip')
  const skipGroup = skipped.length
    ? `<details class="group skipped" id="group-skip"><summary><h3>Skipped <span class="muted count">${skipped.length}</span><span class="hint">cases that did not apply, with the reason</span></h3></summary>${render(skipped)}</details>`
    : ''
  const runErrors = document.runErrors.length ? `<div class="run-errors"><h3>Run errors</h3><ul>${document.runErrors.map((e) => `<li><pre>${clipped(e)}</pre></li>`).join('')}</ul></div>` : ''
  return `<section class="findings"><h2>Findings</h2>${runErrors}${group('group-fail', 'Failures', failures, '<span class="hint">most severe first</span>')}${group('group-error', 'Errors', of('error'), '<span class="hint">the harness or the target broke: not a conformance verdict</span>')}${group('group-warn', 'Warnings', of('warn'))}${group('group-measured', 'Observed', measured, '<span class="hint">passes that report a measurement</span>')}${skipGroup}<p class="empty" id="no-findings" hidden>No findings match the filters.</p></section>`
}

export function renderHtml(resultDocument: ResultDocument): string {
  const document = resultDocument as Document
  const profiles = [...new Set<Profile>([...document.profiles, ...document.cases.map((c) => c.profile)])].sort((a, b) => {
    const rank = (p: Profile) => (document.profiles.includes(p) ? document.profiles.indexOf(p) : 100 + PROFILES.indexOf(p))
    return rank(a) - rank(b)
  })
  const suites = [...new Set(document.cases.map((c) => c.suite))]
  const keys = new Map(document.cases.map((r, i) => [r, `f${i}`]))
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64')
  // 'unsafe-inline' for CSP1 browsers; every newer one ignores it once a hash is listed, so
  // only this exact script runs: no injected <script>, no inline event handler.
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline' 'sha256-${scriptHash}'; img-src data:; base-uri 'none'; form-action 'none'`
  const verdictWord = document.error ? 'did not run' : document.exitCode === 0 ? 'passed' : 'failed'
  // A run whose environment never came up has no cases: the cause takes their place, and no script is needed.
  const body = document.error
    ? environmentError(document.error)
    : `${diagnosesSection(document)}
${byProfile(document, profiles)}
${comparisonSection(document, profiles)}
<section class="filter-section"><h2>Filter</h2>${filters(document, suites)}</section>
${matrix(document, profiles, keys)}
${findings(document, keys)}`
  const title = `authconform ${verdictWord} — ${document.target.name ?? document.target.url ?? document.target.command ?? document.target.config ?? 'in-process app'}`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${escapeHtml(`${document.tool.name} ${document.tool.version}`)}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${header(document, profiles)}
${body}
<footer>Rendered from the JSON result document by ${escapeHtml(document.tool.name)} ${escapeHtml(document.tool.version)}. Self-contained: this file loads nothing from the network.</footer>
</main>
${document.error ? '' : `<script>${SCRIPT}</script>`}
</body>
</html>
`
}
