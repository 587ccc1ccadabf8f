import type { Case } from './case.ts'
import { AuthconformError } from './errors.ts'
import type { DiagnosisRule } from './diagnosis.ts'
import type { Remedy } from './remedy.ts'

/**
 * What the engine knows of a catalogue. The entry points (the CLI, the package entry) hand it
 * the catalogue as this value; nothing in the engine imports the cases themselves.
 */
export interface Catalogue {
  /** Every case, in report order. */
  cases: readonly Case[]
  /** The suites, in report order. */
  suites: readonly string[]
  /** One line per suite: what it checks (the README's table). */
  suiteDescriptions: Readonly<Record<string, string>>
  /** The remedy a case names (`Case.remedy`), as `authconform explain` shows it; throws for a name it lacks. */
  remedy(name: string): Remedy
  /** The root causes behind findings, in the order they claim results (see core/diagnosis.ts). */
  diagnoses: readonly DiagnosisRule[]
}

/** Which cases a run selects: suites, and case ids or suite names to keep (`only`) or drop (`skip`). */
export interface Selection {
  suites: string[]
  only: string[]
  skip: string[]
}

export function findCase(catalogue: Catalogue, id: string): Case | undefined {
  return catalogue.cases.find((c) => c.id === id)
}

/** Names like `name` (its first word), for "did you mean". */
export function closest(name: string, choices: readonly string[]): string[] {
  const stem = name.split('/').pop()!.split('-')[0]!
  return choices.filter((choice) => choice.includes(stem)).slice(0, 5)
}

/** Validates a selection; an unknown suite or case id is a usage error listing the valid names. */
export function validateSelection(catalogue: Catalogue, selection: Selection): void {
  const ids = catalogue.cases.map((c) => c.id)
  for (const suite of selection.suites) {
    if (suite !== 'all' && !catalogue.suites.includes(suite)) {
      throw new AuthconformError('ERR_UNKNOWN_CASE', `unknown suite "${suite}": choose from all, ${catalogue.suites.join(', ')}`)
    }
  }
  for (const id of [...selection.only, ...selection.skip]) {
    if (!ids.includes(id) && !catalogue.suites.includes(id)) {
      const near = closest(id, ids)
      throw new AuthconformError('ERR_UNKNOWN_CASE', `unknown case id "${id}"${near.length ? `: did you mean ${near.join(', ')}?` : ''} (authconform list shows all)`)
    }
  }
}

/** `only`/`skip` take case ids or whole suite names. */
export function selectCases(cases: readonly Case[], selection: Selection): Case[] {
  const matches = (c: Case, names: string[]) => names.includes(c.id) || names.includes(c.suite)
  return cases.filter((c) => (selection.suites.includes('all') || selection.suites.includes(c.suite)) && (selection.only.length === 0 || matches(c, selection.only)) && !matches(c, selection.skip))
}
