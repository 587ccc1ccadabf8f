import type { CaseResult } from '../core/verdict.ts'
import { gates, type ResultDocument } from './document.ts'
import { REPLAY_NOTE } from './replay.ts'

const escapeXml = (text: string) =>
  text
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')

/**
 * How a result shows on a CI dashboard, which reads red wherever there is a <failure>: only a
 * failure that fails the run (exit code 1) is one. An expected failure is <skipped>, as
 * pytest writes an xfail; a failure below --fail-on and a warning pass, carrying their verdict,
 * severity, reason and replay as properties; a case that could not be judged is an <error>.
 */
type Outcome = 'passed' | 'finding' | 'failure' | 'expected' | 'error' | 'skipped'

/** What decides whether a failure fails the run. */
type Policy = Pick<ResultDocument, 'failOn' | 'failOnNew'>

function outcomeOf(result: CaseResult, policy: Policy): Outcome {
  if (result.verdict === 'fail') return result.expected ? 'expected' : gates(result, policy.failOn, policy.failOnNew) ? 'failure' : 'finding'
  if (result.verdict === 'warn') return 'finding'
  if (result.verdict === 'error') return 'error'
  if (result.verdict === 'skip') return 'skipped'
  return 'passed'
}

/** The counts of a <testsuite> or <testsuites>: each matches the elements written for it. */
function counts(results: CaseResult[], policy: Policy): string {
  const outcomes = results.map((r) => outcomeOf(r, policy))
  const count = (...kinds: Outcome[]) => outcomes.filter((o) => kinds.includes(o)).length
  return `tests="${results.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped', 'expected')}"`
}

const seconds = (ms: number) => (ms / 1000).toFixed(3)

/** Everything a developer needs to act on the result, as text. */
function detailOf(r: CaseResult): string {
  const replay = r.curl ? [`replay: ${r.curl}`, `note: ${REPLAY_NOTE}`] : []
  return [r.title, `severity: ${r.severity}`, `refs: ${r.refs.join(', ')}`, `reason: ${r.reason}`, ...(r.expected ? [`expected failure: ${r.expected}`] : []), `fix: ${r.fix}`, ...replay].join('\n')
}

/** The fields a dashboard can filter on, for results that pass here but are findings all the same. */
function properties(r: CaseResult): string {
  const entries: [string, string | undefined][] = [
    ['authconform.verdict', r.verdict],
    ['authconform.severity', r.severity],
    ['authconform.reason', r.reason],
    ['authconform.expected', r.expected],
    ['authconform.replay', r.curl],
  ]
  const lines = entries.filter(([, value]) => value !== undefined).map(([name, value]) => `        <property name="${name}" value="${escapeXml(value!)}"/>`)
  return `      <properties>\n${lines.join('\n')}\n      </properties>`
}

function testcase(r: CaseResult, policy: Policy): string {
  const attrs = `classname="authconform.${escapeXml(r.suite)}.${r.profile}" name="${escapeXml(r.id)}" time="${seconds(r.evidence?.ms ?? 0)}"`
  const detail = escapeXml(detailOf(r))
  const body = (...children: string[]) => `    <testcase ${attrs}>\n${children.map((c) => `${c}\n`).join('')}    </testcase>`
  switch (outcomeOf(r, policy)) {
    case 'passed':
      return `    <testcase ${attrs}/>`
    case 'failure':
      return body(`      <failure message="${escapeXml(`[${r.severity}] ${r.reason}`)}" type="${r.severity}">${detail}</failure>`)
    case 'expected':
      return body(properties(r), `      <skipped message="${escapeXml(`expected failure: ${r.expected}`)}"/>`, `      <system-out>${detail}</system-out>`)
    case 'finding': {
      const why =
        r.verdict === 'warn' ? 'a warning never fails the run' : policy.failOnNew && r.change !== 'new' ? 'not new since the baseline (--fail-on-new): does not fail the run' : `below --fail-on ${policy.failOn}: does not fail the run`
      return body(properties(r), `      <system-out>${escapeXml(`${r.verdict.toUpperCase()} (${why})`)}\n${detail}</system-out>`)
    }
    case 'error':
      return body(`      <error message="${escapeXml(r.reason)}">${detail}</error>`)
    case 'skipped':
      return body(`      <skipped message="${escapeXml(r.reason)}"/>`)
  }
}

/** The environment never came up: one errored testcase naming the cause, so the job still has a report. */
function environmentError(document: ResultDocument, error: NonNullable<ResultDocument['error']>): string[] {
  const time = seconds(document.durationMs)
  return [
    `<testsuites name="authconform" tests="1" failures="0" errors="1" skipped="0" time="${time}">`,
    `  <testsuite name="environment" tests="1" failures="0" errors="1" skipped="0" time="${time}">`,
    `    <testcase classname="authconform" name="environment" time="${time}">`,
    `      <error message="${escapeXml(`${error.message} [${error.code}]`)}" type="${escapeXml(error.code)}">${escapeXml([error.message, ...error.details].join('\n'))}</error>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
  ]
}

/** JUnit XML: one testsuite per suite × profile, one testcase per case. */
export function renderJunit(document: ResultDocument): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>']
  if (document.error) return [...lines, ...environmentError(document, document.error)].join('\n') + '\n'
  const groups = new Map<string, CaseResult[]>()
  for (const result of document.cases) {
    const key = `${result.suite} [${result.profile}]`
    groups.set(key, [...(groups.get(key) ?? []), result])
  }
  lines.push(`<testsuites name="authconform" ${counts(document.cases, document)} time="${seconds(document.durationMs)}">`)
  for (const [name, results] of groups) {
    const time = results.reduce((t, r) => t + (r.evidence?.ms ?? 0), 0)
    lines.push(`  <testsuite name="${escapeXml(name)}" ${counts(results, document)} time="${seconds(time)}">`)
    for (const r of results) lines.push(testcase(r, document))
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>')
  return lines.join('\n') + '\n'
}
