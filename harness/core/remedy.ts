/**
 * What a remedy is (suites/catalogue/remedies.ts holds them): the fix of a class of bug, per
 * library. It is the long form of the one-line `fix` of each case that names it (see
 * CaseBase.remedy): why the bug matters and the code, shared by the whole class.
 */

/** One place a fix can live: a JWT library or a web framework. */
export const SNIPPET_SOURCES = {
  pyjwt: { heading: 'PyJWT 2.x', language: 'python' },
  pythonJose: { heading: 'python-jose 3.3', language: 'python' },
  jose: { heading: 'jose 6 (Node)', language: 'typescript' },
  fastapi: { heading: 'FastAPI', language: 'python' },
  express: { heading: 'Express', language: 'typescript' },
} as const
export type SnippetSource = keyof typeof SNIPPET_SOURCES
export const LIBRARIES = ['pyjwt', 'pythonJose', 'jose'] as const satisfies readonly SnippetSource[]
export const FRAMEWORKS = ['fastapi', 'express'] as const satisfies readonly SnippetSource[]

/** The fix in one library or framework: code to copy, a one-line caveat, or both. */
export interface Snippet {
  code?: string
  /** One line: what this library cannot do safely here, or where the fix lives instead. */
  note?: string
}

export interface Remedy {
  name: string
  /** One line, imperative. */
  title: string
  /** 2-4 sentences: what goes wrong and what an attacker does with it. */
  why: string
  snippets: Record<(typeof LIBRARIES)[number], Snippet> & Partial<Record<(typeof FRAMEWORKS)[number], Snippet>>
}
