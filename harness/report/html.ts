import { createHash } from 'node:crypto'
import { PROFILES, type Profile } from '../profiles.ts'
import { atLeast, SEVERITIES, type Severity } from '../severity.ts'
import { summarize, VERDICTS, type CaseResult, type Evidence, type Summary, type Verdict } from '../verdict.ts'
import type { ResultDocument } from './document.ts'
import { reference } from './references.ts'

/**
 * One self-contained HTML file from the result document: summary, a case × profile matrix,
 * every finding with its evidence and replay command, and filters. No framework and no
 * network: CSS and JS are inline and a Content-Security-Policy forbids loading anything.
 * Every string from the document is escaped; bodies come from the target under test.
 * (Longer than most files here because the page, its style and its script must travel as one.)
 */

/** A curl carrying a 1 MB token must not freeze the page: this much is shown, all of it copied. */
export const VISIBLE_CURL_CHARS = 4000
/** Any other evidence string (a header value, a body head) is cut here in the visible page. */
const VISIBLE_TEXT_CHARS = 2000

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text and attribute values alike; control characters become visible `\xNN` escapes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/**
 * Fields that newer documents carry (a target's stable name, failures the expected-failures
 * file covers): read defensively, so a document written before them still renders.
 */
type Document = ResultDocument & {
  target: { name?: string }
  expectedFailures?: { file?: string; matched: number; fixed: { id: string; profile?: Profile; reason: string }[] }
}
const expectedOf = (r: CaseResult) => (r as CaseResult & { expected?: string }).expected

const number = (n: number) => n.toLocaleString('en-US')

function clipped(value: string, max = VISIBLE_TEXT_CHARS): string {
  return value.length > max ? `${escapeHtml(value.slice(0, max))}<span class="note">… (${number(value.length)} chars)</span>` : escapeHtml(value)
}

function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.floor(ms / 60_000)} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`
}

function timestamp(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}

const SEVERITY_RANK = (s: Severity) => SEVERITIES.length - SEVERITIES.indexOf(s)
const worstSeverity = (results: CaseResult[]) => results.map((r) => r.severity).sort((a, b) => SEVERITY_RANK(b) - SEVERITY_RANK(a))[0] ?? 'info'
const COUNT_OF: Record<Verdict, keyof Summary> = { pass: 'passed', fail: 'failed', warn: 'warned', skip: 'skipped', error: 'errored' }
const VERDICT_NAMES: Record<Verdict, string> = { pass: 'Passed', fail: 'Failed', warn: 'Warned', skip: 'Skipped', error: 'Errored' }

const verdictBadge = (v: Verdict) => `<span class="badge v-${v}">${v}</span>`
const severityBadge = (s: Severity) => `<span class="sev sev-${s}">${s}</span>`
/** The attributes the filter script reads, on matrix cells and findings alike. */
const filterData = (r: CaseResult) => `data-suite="${escapeHtml(r.suite)}" data-severity="${escapeHtml(r.severity)}" data-verdict="${escapeHtml(r.verdict)}"`

function referenceLink(id: string): string {
  try {
    const ref = reference(id)
    return `<a class="ref" href="${escapeHtml(ref.url)}" rel="noopener noreferrer" target="_blank">${escapeHtml(ref.label)}</a>`
  } catch {
    return `<span class="ref">${escapeHtml(id)}</span>`
  }
}

function headerTable(headers: Record<string, string> | undefined): string {
  const rows = Object.entries(headers ?? {})
  if (!rows.length) return '<span class="muted">none</span>'
  return `<table class="headers">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${clipped(String(v))}</td></tr>`).join('')}</table>`
}

/** One request and what came back: the HTTP answer, a dropped socket, or what a Chromium page saw. */
function evidenceList(e: Evidence): string {
  const rows: [string, string][] = [['Request', `<code>${escapeHtml(e.request.method)} ${clipped(e.request.url)}</code>`], ['Request headers', headerTable(e.request.headers)]]
  if (e.request.body !== undefined) rows.push(['Request body', `<pre class="body">${clipped(e.request.body)}</pre>`])
  const timing = e.ms !== undefined ? ` <span class="muted">· ${escapeHtml(e.ms)} ms</span>` : ''
  if (e.status) rows.push(['Status', `<strong>${escapeHtml(e.status)}</strong>${timing}`])
  else if (e.dropped) rows.push(['Status', `no HTTP answer: connection dropped (<code>${clipped(e.dropped)}</code>)${timing}`])
  else if (timing) rows.push(['Time', timing])
  if (e.responseHeaders && Object.keys(e.responseHeaders).length) rows.push(['Response headers', headerTable(e.responseHeaders)])
  if (e.bodyHead) rows.push(['Body (head)', `<pre class="body">${clipped(e.bodyHead)}</pre>`])
  if (e.browser) rows.push(['In Chromium', clipped(e.browser)])
  if (e.attackerFetches?.length) rows.push(['Attacker fetches', `<ul class="fetches">${e.attackerFetches.map((url) => `<li><code>${clipped(url)}</code></li>`).join('')}</ul><span class="muted">the target fetched these from the attacker server</span>`])
  return `<dl class="kv">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`
}

/** Key-order-independent JSON, to find which step is the `evidence` that decided the verdict. */
const canonical = (value: unknown): string =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? `{${Object.keys(value).filter((k) => k !== 'label').sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
    : Array.isArray(value) ? `[${value.map(canonical).join(',')}]` : JSON.stringify(value ?? null)

function curlBlock(curl: string, key: string): string {
  const long = curl.length > VISIBLE_CURL_CHARS
  const source = long ? `full-${key}` : `curl-${key}`
  // The full command lives in an inert <template>: parsed once, never laid out, read by Copy.
  const full = long ? `<template id="${source}">${escapeHtml(curl)}</template>` : ''
  const note = long ? `<p class="note">Showing the first ${number(VISIBLE_CURL_CHARS)} of ${number(curl.length)} characters; Copy copies the whole command.</p>` : ''
  return `<div class="replay"><div class="replay-head"><h4>Replay</h4><button type="button" class="copy" data-source="${source}">Copy</button></div><pre class="curl" id="curl-${key}">${escapeHtml(long ? `${curl.slice(0, VISIBLE_CURL_CHARS)}…` : curl)}</pre>${note}${full}</div>`
}

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
  return `<details class="finding" id="${key}" ${filterData(r)}><summary>${verdictBadge(r.verdict)}${severityBadge(r.severity)}<code class="case-id">${escapeHtml(r.id)}</code><span class="profile">${escapeHtml(r.profile)}</span>${expected ? '<span class="tag xfail-tag">expected</span>' : ''}<span class="title">${escapeHtml(r.title)}</span></summary><div class="finding-body">${parts.join('')}</div></details>`
}

function statusLine(document: ResultDocument): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const gating = document.cases.filter((c) => c.verdict === 'fail' && !expectedOf(c) && atLeast(c.severity, document.failOn)).length
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
    ['Started', `${escapeHtml(timestamp(document.startedAt))} <span class="muted">· took ${escapeHtml(duration(document.durationMs))}</span>`],
  ]
  const x = document.expectedFailures
  if (x) {
    const fixed = (x.fixed ?? []).map((f) => `<li><code>${escapeHtml(f.id)}</code>${f.profile ? ` <span class="chip">${escapeHtml(f.profile)}</span>` : ''} no longer fails: remove it from the file <span class="muted">(${escapeHtml(f.reason)})</span></li>`)
    meta.push(['Expected failures', `${number(x.matched)} failure${x.matched === 1 ? '' : 's'} covered${x.file ? ` by <code>${escapeHtml(x.file)}</code>` : ''}${fixed.length ? `<ul class="fixed">${fixed.join('')}</ul>` : ''}`])
  }
  const s = document.summary
  const cards = VERDICTS.map((v) => `<div class="card v-${v}"><div class="card-n">${number(s[COUNT_OF[v]])}</div><div class="card-l">${VERDICT_NAMES[v]}</div></div>`).join('')
  const severities = SEVERITIES.map((sev) => `<span class="sevcount">${severityBadge(sev)} <strong>${number(s.failedBySeverity[sev] ?? 0)}</strong></span>`).join('')
  return `<header class="top"><div class="brand"><h1>authconform <span class="muted">report</span></h1><span class="version">${escapeHtml(document.tool.name)} ${escapeHtml(document.tool.version)} · schema ${escapeHtml(document.schemaVersion)}</span></div>${statusLine(document)}</header>
<section class="overview"><dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
<div class="totals"><div class="cards">${cards}<div class="card total"><div class="card-n">${number(s.total)}</div><div class="card-l">Results</div></div></div><div class="by-severity"><span class="label">Failures by severity</span>${severities}</div></div></section>`
}

/** The side-by-side comparison of signing setups: one row per profile, a bar and the counts. */
function byProfile(document: ResultDocument, profiles: Profile[]): string {
  const rows = profiles.map((p) => {
    const results = document.cases.filter((c) => c.profile === p)
    const s = document.summary.byProfile[p] ?? summarize(results)
    const bar = VERDICTS.filter((v) => s[COUNT_OF[v]]).map((v) => `<span class="seg v-${v}" style="flex-grow:${s[COUNT_OF[v]]}" title="${s[COUNT_OF[v]]} ${v}"></span>`).join('')
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
  const skipGroup = skipped.length ? `<details class="group skipped" id="group-skip"><summary><h3>Skipped <span class="muted count">${skipped.length}</span><span class="hint">cases that did not apply, with the reason</span></h3></summary>${render(skipped)}</details>` : ''
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
  const verdictWord = document.exitCode === 0 ? 'passed' : 'failed'
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
${byProfile(document, profiles)}
<section class="filter-section"><h2>Filter</h2>${filters(document, suites)}</section>
${matrix(document, profiles, keys)}
${findings(document, keys)}
<footer>Rendered from the JSON result document by ${escapeHtml(document.tool.name)} ${escapeHtml(document.tool.version)}. Self-contained: this file loads nothing from the network.</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`
}

const STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--head:#eef1f4;
--pass:#116329;--pass-bg:#dafbe1;--fail:#b3111f;--fail-bg:#ffe2e0;--warn:#7d4e00;--warn-bg:#fff1b8;--skip:#59636e;--skip-bg:#eceff2;--error:#6e2fc0;--error-bg:#efe4ff}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
main{max-width:1400px;margin:0 auto;padding:20px 28px 48px}
h1{font-size:22px;margin:0;font-weight:650;letter-spacing:-.01em}
h2{font-size:16px;margin:28px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:18px 0 8px;display:inline-flex;gap:8px;align-items:baseline}
h4{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:14px 0 6px}
a{color:#0550ae}
.muted{color:var(--muted);font-weight:400}
.note,.hint{color:var(--muted);font-size:12px;font-weight:400}
.top{display:flex;justify-content:space-between;align-items:center;gap:16px;flex-wrap:wrap;padding-bottom:14px;border-bottom:2px solid var(--fg)}
.brand{display:flex;align-items:baseline;gap:12px}
.version{color:var(--muted);font-size:12px}
.status{display:flex;align-items:center;gap:10px;border-radius:6px;padding:6px 12px;font-size:13px}
.status.ok{background:var(--pass-bg);color:var(--pass)}
.status.bad{background:var(--fail-bg);color:var(--fail)}
.status .fail-on{opacity:.8}
.status-word{font-weight:750;letter-spacing:.06em}
.overview{display:grid;grid-template-columns:minmax(0,1.25fr) minmax(0,1fr);gap:24px;margin-top:16px;align-items:start}
.meta{display:grid;grid-template-columns:auto 1fr;gap:5px 14px;margin:0}
.meta dt{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;padding-top:2px}
.meta dd{margin:0;overflow-wrap:anywhere}
.chip{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 8px;font-size:12px;background:var(--soft)}
.cards{display:grid;grid-template-columns:repeat(6,1fr);gap:8px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px;border-top-width:4px}
.card-n{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
.card-l{font-size:12px;color:var(--muted)}
.card.v-pass{border-top-color:var(--pass)}.card.v-fail{border-top-color:var(--fail)}.card.v-warn{border-top-color:#d4a72c}.card.v-skip{border-top-color:#8c959f}.card.v-error{border-top-color:var(--error)}.card.total{border-top-color:var(--fg)}
.card.v-fail .card-n{color:var(--fail)}.card.v-error .card-n{color:var(--error)}.card.v-warn .card-n{color:var(--warn)}
.by-severity{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;margin-top:10px;font-size:13px}
.by-severity .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.badge,.sev{display:inline-block;border-radius:4px;padding:0 6px;font-size:11.5px;font-weight:650;line-height:18px;text-transform:lowercase;white-space:nowrap}
.badge.v-pass{background:var(--pass-bg);color:var(--pass)}.badge.v-fail{background:var(--fail);color:#fff}.badge.v-warn{background:var(--warn-bg);color:var(--warn)}.badge.v-skip{background:var(--skip-bg);color:var(--skip)}.badge.v-error{background:var(--error);color:#fff}
.sev{border:1px solid currentColor;background:#fff}
.sev-critical{color:#fff;background:#82071e;border-color:#82071e}.sev-high{color:#b3111f}.sev-medium{color:#9a3d00}.sev-low{color:#7d4e00}.sev-info{color:#59636e}
table{border-collapse:collapse;width:100%}
th{text-align:left;font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
.profiles th,.profiles td{padding:6px 10px;border-bottom:1px solid var(--line);font-size:13px}
.profiles thead th{background:var(--head);font-size:12px;color:var(--muted);font-weight:600}
.profiles .barcell{width:38%}
.bar{display:flex;height:12px;border-radius:3px;overflow:hidden;background:var(--soft)}
.seg{display:block;min-width:2px}
.seg.v-pass{background:#2da44e}.seg.v-fail{background:#cf222e}.seg.v-warn{background:#d4a72c}.seg.v-skip{background:#afb8c1}.seg.v-error{background:#8250df}
.strong-fail{color:var(--fail);font-weight:700}.strong-warn{color:var(--warn);font-weight:700}.strong-error{color:var(--error);font-weight:700}
.filter-section h2{margin-bottom:8px}
.filters{border:1px solid var(--line);border-radius:6px;background:var(--soft);padding:8px 12px}
.filter-groups{display:flex;flex-wrap:wrap;gap:6px 22px}
fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:2px 10px;align-items:center}
legend{float:left;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin-right:6px}
.filter-option{font-size:13px;white-space:nowrap;cursor:pointer}
.filter-bar{display:flex;justify-content:space-between;align-items:center;margin-top:6px;padding-top:6px;border-top:1px solid var(--line);font-size:13px}
.actions{display:flex;gap:6px}
button{font:inherit;font-size:12px;border:1px solid var(--line);background:#fff;border-radius:5px;padding:2px 10px;cursor:pointer;color:var(--fg)}
button:hover{background:var(--head)}
.matrix{font-size:13px}
.matrix thead th{position:sticky;top:0;z-index:2;background:var(--head);border-bottom:1px solid #afb8c1;padding:6px 8px;font-size:12px;color:var(--muted)}
.matrix td,.matrix tbody th{padding:3px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
.matrix tbody th{font-weight:400;white-space:nowrap}
.matrix .case-title{color:#3d444d}
.matrix .suite-row th{background:#fff;padding:14px 8px 4px;font-size:13px;font-weight:650;border-bottom:1px solid var(--line);text-transform:none}
.matrix tr.case:hover td,.matrix tr.case:hover th{background:#f3f6f9}
.matrix .cell{width:76px;text-align:center;font-weight:600;white-space:nowrap}
.matrix td.cell a{color:inherit;text-decoration:none;display:block}
.matrix td.cell a:hover{text-decoration:underline}
.matrix td.v-pass{background:var(--pass-bg);color:var(--pass)}
.matrix td.v-fail{background:var(--fail-bg);color:var(--fail);font-weight:750}
.matrix td.v-warn{background:var(--warn-bg);color:var(--warn)}
.matrix td.v-skip{background:var(--skip-bg);color:var(--skip);font-weight:400}
.matrix td.v-error{background:var(--error-bg);color:var(--error);font-weight:750}
.matrix td.v-none{color:#afb8c1}
.matrix td.cell{border-left:2px solid #fff}
.matrix td.cell.dim{opacity:.3}
.matrix td.cell.xfail{background:repeating-linear-gradient(135deg,var(--fail-bg) 0 6px,#fff 6px 9px);font-weight:600}
.xfail-tag{background:var(--warn-bg);color:var(--warn)}
.fixed{margin:4px 0 0;padding-left:18px}
.finding{border:1px solid var(--line);border-radius:6px;margin:6px 0;background:#fff}
.finding>summary{display:flex;gap:8px;align-items:baseline;padding:7px 10px;cursor:pointer;list-style:none}
.finding>summary::-webkit-details-marker{display:none}
.finding>summary::before{content:"\\25B8";color:var(--muted);width:10px;flex:none}
.finding[open]>summary::before{content:"\\25BE"}
.finding[open]>summary{border-bottom:1px solid var(--line);background:var(--soft)}
.finding .case-id{font-weight:600}
.finding .profile{font-size:12px;color:var(--muted);border:1px solid var(--line);border-radius:10px;padding:0 7px}
.finding .title{color:#3d444d;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0;flex:1}
.finding[data-verdict=fail]{border-left:4px solid var(--fail)}.finding[data-verdict=error]{border-left:4px solid var(--error)}.finding[data-verdict=warn]{border-left:4px solid #d4a72c}.finding[data-verdict=skip]{border-left:4px solid #afb8c1}.finding[data-verdict=pass]{border-left:4px solid #2da44e}
.finding-body{padding:4px 14px 12px}
.finding-body p{margin:8px 0}
.refs .ref{margin-right:8px}
.kv{display:grid;grid-template-columns:140px minmax(0,1fr);gap:4px 12px;margin:0}
.kv dt{color:var(--muted);font-size:12px;padding-top:1px}
.kv dd{margin:0;overflow-wrap:anywhere}
.headers th,.headers td{padding:1px 10px 1px 0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12px;vertical-align:top;overflow-wrap:anywhere}
.headers th{color:var(--muted);font-weight:400;white-space:nowrap;width:1%}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);border:1px solid #eaeef2;border-radius:4px;padding:6px 8px}
pre.curl{max-height:240px;overflow:auto;background:#1f2328;color:#e6edf3;border-color:#1f2328}
.replay-head{display:flex;align-items:baseline;gap:10px}
.fetches{margin:0;padding-left:18px}
.steps{margin:0;padding-left:22px}
.step{margin:0 0 10px;padding:6px 10px;border:1px solid #eaeef2;border-radius:4px}
.step.decisive{border-color:#8c959f;box-shadow:inset 3px 0 0 #57606a}
.step-label{font-weight:600;margin-bottom:4px}
.tag{font-size:11px;font-weight:600;background:var(--head);border-radius:4px;padding:0 6px;color:var(--muted)}
.group.skipped>summary{cursor:pointer}
.group.skipped>summary h3{margin:14px 0 6px}
.run-errors{border:1px solid var(--fail);background:var(--fail-bg);border-radius:6px;padding:4px 12px}
.run-errors h3{color:var(--fail)}
footer{margin-top:32px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:10px}
[hidden]{display:none!important}
@media print{
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 main{max-width:none;padding:0}
 .filter-section,button{display:none!important}
 .matrix thead th{position:static}
 .matrix thead{display:table-header-group}
 .matrix tr,.finding,.step{break-inside:avoid}
 pre.curl{max-height:none;background:var(--soft);color:var(--fg);border-color:var(--line)}
 .finding .title{white-space:normal}
 a{color:inherit}
 @page{margin:12mm}
}
`

/** Filters, copy, opening a finding from its matrix cell, and printing with findings open. Must not throw. */
const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('filters');
  var shown = document.getElementById('shown');
  function selected(name) {
    var set = {};
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (i) { if (i.checked) set[i.value] = true; });
    return set;
  }
  function apply() {
    var f = { suite: selected('suite'), severity: selected('severity'), verdict: selected('verdict') };
    function matches(el) { return !!(f.suite[el.dataset.suite] && f.severity[el.dataset.severity] && f.verdict[el.dataset.verdict]); }
    var rows = document.querySelectorAll('#matrix tr.case'), rowsShown = 0;
    rows.forEach(function (tr) {
      var any = false;
      tr.querySelectorAll('td.cell[data-verdict]').forEach(function (td) {
        var m = matches(td);
        td.classList.toggle('dim', !m);
        if (m) any = true;
      });
      tr.hidden = !any;
      if (any) rowsShown++;
    });
    document.querySelectorAll('#matrix tbody').forEach(function (body) {
      body.hidden = !body.querySelector('tr.case:not([hidden])');
    });
    var items = document.querySelectorAll('.findings details.finding'), itemsShown = 0;
    items.forEach(function (d) { d.hidden = !matches(d); if (!d.hidden) itemsShown++; });
    document.querySelectorAll('.findings .group').forEach(function (g) {
      g.hidden = !g.querySelector('details.finding:not([hidden])');
    });
    document.getElementById('no-findings').hidden = itemsShown > 0;
    shown.textContent = 'Showing ' + rowsShown + ' of ' + rows.length + ' cases \\u00b7 ' + itemsShown + ' of ' + items.length + ' findings';
  }
  form.addEventListener('change', apply);
  document.getElementById('reset').addEventListener('click', function () {
    form.querySelectorAll('input[type=checkbox]').forEach(function (i) { i.checked = true; });
    apply();
  });
  function setAll(open) {
    document.querySelectorAll('.findings details.finding:not([hidden])').forEach(function (d) { d.open = open; });
  }
  document.getElementById('expand').addEventListener('click', function () { setAll(true); });
  document.getElementById('collapse').addEventListener('click', function () { setAll(false); });

  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || !target.classList.contains('finding')) return;
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === 'DETAILS') el.open = true;
      if (el.hidden) el.hidden = false;
    }
    target.scrollIntoView({ block: 'start' });
  }
  window.addEventListener('hashchange', reveal);
  // Clicking a cell whose finding is already the location hash fires no hashchange.
  document.getElementById('matrix').addEventListener('click', function (event) {
    if (event.target && event.target.closest && event.target.closest('a[href^="#"]')) setTimeout(reveal, 0);
  });

  function report(button, ok) {
    button.textContent = ok ? 'Copied' : 'Copy failed: select the text';
    setTimeout(function () { button.textContent = 'Copy'; }, 2000);
  }
  function fallbackCopy(text, button) {
    try {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand('copy');
      area.remove();
      report(button, ok);
    } catch (e) { report(button, false); }
  }
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('button.copy') : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-source'));
    if (!source) return;
    var text = source.content ? source.content.textContent : source.textContent;
    try {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { report(button, true); }, function () { fallbackCopy(text, button); });
      } else fallbackCopy(text, button);
    } catch (e) { fallbackCopy(text, button); }
  });

  var closedForPrint = [];
  window.addEventListener('beforeprint', function () {
    closedForPrint = Array.prototype.filter.call(document.querySelectorAll('.findings details:not([open])'), function (d) { return !d.hidden; });
    closedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    closedForPrint.forEach(function (d) { d.open = false; });
    closedForPrint = [];
  });

  apply();
  reveal();
})();
`
