import { closest, findCase, type Catalogue } from './core/catalogue.ts'
import type { Case, CaseKind } from './core/case.ts'
import { FRAMEWORKS, LIBRARIES, SNIPPET_SOURCES, type Snippet, type SnippetSource } from './core/remedy.ts'
import { AuthconformError } from './core/errors.ts'
import { PROFILES } from './core/profiles.ts'
import { ansi, colorWanted } from './report/color.ts'
import { reference } from './report/references.ts'
import type { Severity } from './core/severity.ts'
import type { Style } from './report/terminal.ts'

/**
 * `authconform explain <case-id>`: everything a developer needs to understand and fix one case,
 * built only from the catalogue (the case), its remedy and the reference table. Plain text for
 * a terminal; `style.color` adds ANSI bold headings and a coloured severity, nothing else, so
 * the snippets stay copy-pasteable.
 */

const WIDTH = 92
const SEVERITY_COLOR: Record<Severity, string> = { critical: '31;1', high: '31', medium: '33', low: '36', info: '90' }

const paint = (style: Style, codes: string, text: string) => ansi(style.color, codes, text)
const heading = (style: Style, text: string) => paint(style, '1', text)

/** Words filled to WIDTH, each line indented. */
function wrap(text: string, indent: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(indent + line)
  return lines
}

/** What a case of each kind does to the target: one request, a sequence, an assessment. */
const SENDS: Record<CaseKind, string> = {
  probe: "the valid request with this one change (a few variants for some cases); the target's answer decides",
  assess: 'no request: judged from what the harness knows of the setup',
  scenario: "a sequence on the profile's own issuer and target instance (rotate keys, wait, break the JWKS), judged on what the target then answers",
  interaction: 'several requests as users A and B (and pages in Chromium where needed), judged together',
}

const NEEDS: Record<NonNullable<Case['needs']>[number], string> = {
  identity: "target.routes.meId in the config (in the me answer, or the owner field of resource.create's)",
  resource: 'target.routes.resource in the config',
  database: "target.database: true (the target reads Better Auth's database)",
  sessionTokens: 'target.sessionTokens: true (the target accepts session tokens as a Bearer)',
  frontend: 'a backend that browsers call (skipped when target.cors is false)',
  browser: 'Chromium',
}

function profiles(c: Case): string {
  if (!c.profiles || c.profiles === 'all') return `all (${PROFILES.join(', ')})`
  const skipped = PROFILES.filter((p) => !c.profiles!.includes(p))
  return `${c.profiles.join(', ')}${skipped.length ? ` (not ${skipped.join(', ')}: ${c.profilesReason ?? 'does not apply'})` : ''}`
}

function snippetLines(source: SnippetSource, snippet: Snippet, style: Style): string[] {
  const lines = ['', heading(style, SNIPPET_SOURCES[source].heading)]
  if (snippet.note) lines.push(...wrap(`Note: ${snippet.note}`, '  '))
  if (snippet.code) lines.push(...snippet.code.split('\n').map((line) => (line ? `    ${line}` : '')))
  return lines
}

export function explainCase(id: string, catalogue: Catalogue, style: Style = { color: colorWanted(process.stdout) }): string {
  const c = findCase(catalogue, id)
  if (!c) {
    const near = closest(
      id,
      catalogue.cases.map((known) => known.id),
    )
    throw new AuthconformError('ERR_UNKNOWN_CASE', `unknown case id "${id}"${near.length ? `: did you mean ${near.join(', ')}?` : ''} (authconform list shows all)`)
  }
  const remedy = catalogue.remedy(c.remedy)
  const refs = c.refs.map(reference)
  const labelWidth = Math.max(...refs.map((r) => r.label.length))
  const field = (name: string, value: string) => `  ${name.padEnd(10)}${value}`

  const out = [
    heading(style, c.id),
    field('severity', paint(style, SEVERITY_COLOR[c.severity], c.severity)),
    field('suite', c.suite),
    field('profiles', profiles(c)),
    ...(c.needs?.length ? [field('needs', c.needs.map((n) => NEEDS[n]).join('; '))] : []),
    '',
    heading(style, 'What it sends and expects'),
    `  ${c.title}`,
    ...wrap(SENDS[c.kind], '  '),
    '',
    heading(style, 'Why it matters'),
    `  ${remedy.name}: ${remedy.title}`,
    ...wrap(remedy.why, '  '),
    '',
    heading(style, 'References'),
    ...refs.map((r) => `  ${r.label.padEnd(labelWidth)}  ${r.url}`),
    '',
    heading(style, 'Fix'),
    // One line, unwrapped: the case's own words, to grep for and to paste into a ticket.
    `  ${c.fix}`,
    ...LIBRARIES.flatMap((library) => snippetLines(library, remedy.snippets[library], style)),
    ...FRAMEWORKS.flatMap((framework) => {
      const snippet = remedy.snippets[framework]
      return snippet ? snippetLines(framework, snippet, style) : []
    }),
  ]
  return `${out.join('\n')}\n`
}
