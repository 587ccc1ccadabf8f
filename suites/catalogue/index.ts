import { AuthconformError } from '../../harness/errors.ts'
import { baselineCases } from './baseline.ts'
import { bearerCases } from './bearer.ts'
import { betterAuthCases } from './better-auth.ts'
import { claimsCases } from './claims.ts'
import { corsCases } from './cors.ts'
import { cryptoCases } from './crypto.ts'
import type { Case } from './define.ts'
import { flowCases } from './flow.ts'
import { headerCases } from './header.ts'
import { hs256Cases } from './hs256.ts'
import { keyConfusionCases } from './key-confusion.ts'
import { keysCases } from './keys.ts'
import { kidCases } from './kid.ts'
import { malformedCases } from './malformed.ts'
import { ownershipCases } from './ownership.ts'
import { signatureCases } from './signature.ts'

/** Every case authconform knows, in report order. Nothing else knows what an attack is. */
export const CATALOGUE: readonly Case[] = [
  ...baselineCases,
  ...claimsCases,
  ...signatureCases,
  ...keyConfusionCases,
  ...headerCases,
  ...kidCases,
  ...cryptoCases,
  ...malformedCases,
  ...bearerCases,
  ...betterAuthCases,
  ...hs256Cases,
  ...keysCases,
  ...ownershipCases,
  ...corsCases,
  ...flowCases,
]

export const SUITES: readonly string[] = [...new Set(CATALOGUE.map((c) => c.suite))]

const byId = new Map(CATALOGUE.map((c) => [c.id, c]))
if (byId.size !== CATALOGUE.length) throw new Error('duplicate case id in the catalogue')

export function findCase(id: string): Case | undefined {
  return byId.get(id)
}

export function closest(name: string, choices: readonly string[]): string[] {
  const stem = name.split('/').pop()!.split('-')[0]!
  return choices.filter((choice) => choice.includes(stem)).slice(0, 5)
}

export interface Selection {
  suites: string[]
  only: string[]
  skip: string[]
}

/** Validates a selection; an unknown suite or case id is a usage error listing the valid names. */
export function validateSelection(selection: Selection): void {
  for (const suite of selection.suites) {
    if (suite !== 'all' && !SUITES.includes(suite)) {
      throw new AuthconformError('ERR_UNKNOWN_CASE', `unknown suite "${suite}": choose from all, ${SUITES.join(', ')}`)
    }
  }
  for (const id of [...selection.only, ...selection.skip]) {
    if (!byId.has(id) && !SUITES.includes(id)) {
      const near = closest(id, [...byId.keys()])
      throw new AuthconformError('ERR_UNKNOWN_CASE', `unknown case id "${id}"${near.length ? `: did you mean ${near.join(', ')}?` : ''} (authconform list shows all)`)
    }
  }
}

/** `only`/`skip` take case ids or whole suite names. */
export function selectCases(selection: Selection): Case[] {
  const matches = (c: Case, names: string[]) => names.includes(c.id) || names.includes(c.suite)
  return CATALOGUE.filter(
    (c) =>
      (selection.suites.includes('all') || selection.suites.includes(c.suite)) &&
      (selection.only.length === 0 || matches(c, selection.only)) &&
      !matches(c, selection.skip),
  )
}
