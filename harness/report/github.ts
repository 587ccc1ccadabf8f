import type { ResultDocument } from './document.ts'

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
