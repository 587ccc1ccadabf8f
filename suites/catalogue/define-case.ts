import { defineCase as defineAnyCase, type Case, type CaseSpec } from '../../harness/core/case.ts'
import type { RemedyName } from './remedies.ts'

/** A case as this catalogue writes it: its `remedy` is one of remedies.ts's, so a typo fails tsc. */
export type CatalogueCaseSpec = CaseSpec & { remedy: RemedyName }

/** core's defineCase, typed for this catalogue's remedies. */
export const defineCase = (spec: CatalogueCaseSpec): Case => defineAnyCase(spec)
