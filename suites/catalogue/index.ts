import type { Catalogue } from '../../harness/core/catalogue.ts'
import { baselineCases } from './baseline.ts'
import { bearerCases } from './bearer.ts'
import { betterAuthCases } from './better-auth.ts'
import { claimsCases } from './claims.ts'
import { corsCases } from './cors.ts'
import { cryptoCases } from './crypto.ts'
import { databaseCases } from './database.ts'
import { DIAGNOSES } from './diagnoses.ts'
import type { Case } from '../../harness/core/case.ts'
import { remedyNamed } from './remedies.ts'
import { SUITE_DESCRIPTIONS } from './suites.ts'
import { flowCases } from './flow.ts'
import { headerCases } from './header.ts'
import { hs256Cases } from './hs256.ts'
import { keyConfusionCases } from './key-confusion.ts'
import { keysCases } from './keys.ts'
import { keySetCases } from './key-set.ts'
import { kidCases } from './kid.ts'
import { malformedCases } from './malformed.ts'
import { ownershipCases } from './ownership.ts'
import { signatureCases } from './signature.ts'

/** Every case authconform knows, in report order. Nothing else knows what an attack is. */
export const CASES: readonly Case[] = [
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
  ...keySetCases,
  ...ownershipCases,
  ...databaseCases,
  ...corsCases,
  ...flowCases,
]

export const SUITES: readonly string[] = [...new Set(CASES.map((c) => c.suite))]
if (new Set(CASES.map((c) => c.id)).size !== CASES.length) throw new Error('duplicate case id in the catalogue')

/** The catalogue as the engine receives it (harness/core/catalogue.ts). */
export const CATALOGUE: Catalogue = { cases: CASES, suites: SUITES, suiteDescriptions: SUITE_DESCRIPTIONS, remedy: remedyNamed, diagnoses: DIAGNOSES }
