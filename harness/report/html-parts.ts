import type { Severity } from '../core/severity.ts'
import { SEVERITIES } from '../core/severity.ts'
import type { Evidence, Verdict } from '../core/verdict.ts'
import { reference } from './references.ts'
import { REPLAY_NOTE, VISIBLE_CURL_CHARS } from './replay.ts'

/** The HTML report's building blocks: escaping, badges, evidence and replay blocks, shared by its sections. */

/** Any other evidence string (a header value, a body head) is cut here in the visible page. */
export const VISIBLE_TEXT_CHARS = 2000

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text and attribute values alike; control characters become visible `\xNN` escapes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

export const number = (n: number) => n.toLocaleString('en-US')

export function clipped(value: string, max = VISIBLE_TEXT_CHARS): string {
  return value.length > max ? `${escapeHtml(value.slice(0, max))}<span class="note">… (${number(value.length)} chars)</span>` : escapeHtml(value)
}

export const SEVERITY_RANK = (s: Severity) => SEVERITIES.length - SEVERITIES.indexOf(s)

export const verdictBadge = (v: Verdict) => `<span class="badge v-${v}">${v}</span>`

export const severityBadge = (s: Severity) => `<span class="sev sev-${s}">${s}</span>`

export function referenceLink(id: string): string {
  try {
    const ref = reference(id)
    return `<a class="ref" href="${escapeHtml(ref.url)}" rel="noopener noreferrer" target="_blank">${escapeHtml(ref.label)}</a>`
  } catch {
    return `<span class="ref">${escapeHtml(id)}</span>`
  }
}

export function headerTable(headers: Record<string, string> | undefined): string {
  const rows = Object.entries(headers ?? {})
  if (!rows.length) return '<span class="muted">none</span>'
  return `<table class="headers">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${clipped(String(v))}</td></tr>`).join('')}</table>`
}

/** One request and what came back: the HTTP answer, a dropped socket, or what a Chromium page saw. */
export function evidenceList(e: Evidence): string {
  const rows: [string, string][] = [
    ['Request', `<code>${escapeHtml(e.request.method)} ${clipped(e.request.url)}</code>`],
    ['Request headers', headerTable(e.request.headers)],
  ]
  if (e.request.body !== undefined) rows.push(['Request body', `<pre class="body">${clipped(e.request.body)}</pre>`])
  const timing = e.ms !== undefined ? ` <span class="muted">· ${escapeHtml(e.ms)} ms</span>` : ''
  const cut = e.dropped ? ` <span class="muted">· body cut off (<code>${clipped(e.dropped)}</code>)</span>` : ''
  if (e.status) rows.push(['Status', `<strong>${escapeHtml(e.status)}</strong>${cut}${timing}`])
  else if (e.dropped) rows.push(['Status', `no HTTP answer: connection dropped (<code>${clipped(e.dropped)}</code>)${timing}`])
  else if (timing) rows.push(['Time', timing])
  if (e.responseHeaders && Object.keys(e.responseHeaders).length) rows.push(['Response headers', headerTable(e.responseHeaders)])
  if (e.bodyHead) rows.push(['Body (head)', `<pre class="body">${clipped(e.bodyHead)}</pre>`])
  if (e.browser) rows.push(['In Chromium', clipped(e.browser)])
  if (e.attackerFetches?.length)
    rows.push(['Attacker fetches', `<ul class="fetches">${e.attackerFetches.map((url) => `<li><code>${clipped(url)}</code></li>`).join('')}</ul><span class="muted">the target fetched these from the attacker server</span>`])
  return `<dl class="kv">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`
}

export function curlBlock(curl: string, key: string): string {
  const long = curl.length > VISIBLE_CURL_CHARS
  const source = long ? `full-${key}` : `curl-${key}`
  // The full command lives in an inert <template>: parsed once, never laid out, read by Copy.
  const full = long ? `<template id="${source}">${escapeHtml(curl)}</template>` : ''
  const note = long ? `<p class="note">Showing the first ${number(VISIBLE_CURL_CHARS)} of ${number(curl.length)} characters; Copy copies the whole command.</p>` : ''
  return `<div class="replay"><div class="replay-head"><h4>Replay</h4><button type="button" class="copy" data-source="${source}">Copy</button></div><pre class="curl" id="curl-${key}">${escapeHtml(long ? `${curl.slice(0, VISIBLE_CURL_CHARS)}…` : curl)}</pre>${note}<p class="hint replay-note">${escapeHtml(REPLAY_NOTE)}</p>${full}</div>`
}
