import type { ResultDocument } from './document.ts'

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')

/** JUnit XML: one testsuite per suite × profile, one testcase per case. */
export function renderJunit(document: ResultDocument): string {
  const groups = new Map<string, ResultDocument['cases']>()
  for (const result of document.cases) {
    const key = `${result.suite} [${result.profile}]`
    groups.set(key, [...(groups.get(key) ?? []), result])
  }
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>']
  const s = document.summary
  lines.push(`<testsuites name="authconform" tests="${s.total}" failures="${s.failed}" errors="${s.errored}" skipped="${s.skipped}" time="${(document.durationMs / 1000).toFixed(3)}">`)
  for (const [name, results] of groups) {
    const count = (v: string) => results.filter((r) => r.verdict === v).length
    const time = results.reduce((t, r) => t + (r.evidence?.ms ?? 0), 0) / 1000
    lines.push(`  <testsuite name="${escapeXml(name)}" tests="${results.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skip')}" time="${time.toFixed(3)}">`)
    for (const r of results) {
      const attrs = `classname="authconform.${escapeXml(r.suite)}.${r.profile}" name="${escapeXml(r.id)}" time="${((r.evidence?.ms ?? 0) / 1000).toFixed(3)}"`
      const detail = [r.title, `severity: ${r.severity}`, `refs: ${r.refs.join(', ')}`, `reason: ${r.reason}`, `fix: ${r.fix}`, ...(r.curl ? [`replay: ${r.curl}`] : [])].join('\n')
      if (r.verdict === 'pass') lines.push(`    <testcase ${attrs}/>`)
      else if (r.verdict === 'fail') lines.push(`    <testcase ${attrs}>\n      <failure message="${escapeXml(`[${r.severity}] ${r.reason}`)}" type="${r.severity}">${escapeXml(detail)}</failure>\n    </testcase>`)
      else if (r.verdict === 'error') lines.push(`    <testcase ${attrs}>\n      <error message="${escapeXml(r.reason)}">${escapeXml(detail)}</error>\n    </testcase>`)
      else if (r.verdict === 'skip') lines.push(`    <testcase ${attrs}>\n      <skipped message="${escapeXml(r.reason)}"/>\n    </testcase>`)
      else lines.push(`    <testcase ${attrs}>\n      <system-out>${escapeXml(`WARN ${detail}`)}</system-out>\n    </testcase>`)
    }
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>')
  return lines.join('\n') + '\n'
}
