import { describe, expect, test } from 'vitest'
import { AuthconformError } from '../../harness/core/errors.ts'
import { SEVERITIES } from '../../harness/core/severity.ts'
import { findCase, selectCases as selectFrom, validateSelection as validate, type Selection } from '../../harness/core/catalogue.ts'
import { CASES, CATALOGUE, SUITES } from '../../suites/catalogue/index.ts'

const selectCases = (selection: Selection) => selectFrom(CASES, selection)
const validateSelection = (selection: Selection) => validate(CATALOGUE, selection)
import { catchError } from './support.ts'

const ids = (cases: readonly { id: string }[]) => cases.map((c) => c.id)
const idsOfSuite = (suite: string) => ids(CASES.filter((c) => c.suite === suite))
const select = (selection: Partial<Selection>) => ids(selectCases({ suites: ['all'], only: [], skip: [], ...selection }))

describe('the catalogue', () => {
  test('has at least 30 cases with unique kebab-case suite/name ids', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30)
    expect(new Set(ids(CASES)).size).toBe(CASES.length)
    for (const c of CASES) {
      expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\/[a-z0-9]+(-[a-z0-9]+)*$/)
      expect(c.id.startsWith(`${c.suite}/`)).toBe(true)
    }
  })

  test.each(CASES.map((c) => [c.id, c] as const))('%s has a title, a severity, refs and a fix', (_id, c) => {
    expect(c.title.trim()).not.toBe('')
    expect(SEVERITIES).toContain(c.severity)
    expect(c.refs.length).toBeGreaterThanOrEqual(1)
    // RFC sections, CVEs, CWEs, OWASP API Top 10 entries, WHATWG Fetch sections.
    for (const ref of c.refs) expect(ref).toMatch(/^(RFC\d+-[\d.]+|CVE-\d{4}-\d{4,}|CWE-\d+|OWASP-API\d+-\d{4}|Fetch-[\d.]+)$/)
    expect(
      c.refs.some((ref) => ref.startsWith('RFC')),
      'at least one RFC section',
    ).toBe(true)
    expect(c.fix.trim()).not.toBe('')
  })

  test.each(CASES.map((c) => [c.id, c] as const))('%s says its kind, and has what that kind runs and nothing of another', (_id, c) => {
    const runs = { probe: ['probe', 'expect'], assess: ['assess'], scenario: ['scenario'], interaction: ['interact'] } as const
    for (const [kind, members] of Object.entries(runs)) {
      for (const member of members) expect(typeof (c as unknown as Record<string, unknown>)[member], `${kind}: ${member}`).toBe(kind === c.kind ? 'function' : 'undefined')
    }
  })

  test('SUITES lists each suite once, in catalogue order', () => {
    expect(SUITES).toEqual(['baseline', 'claims', 'signature', 'key-confusion', 'header', 'kid', 'crypto', 'malformed', 'bearer', 'better-auth', 'hs256', 'keys', 'key-set', 'ownership', 'database', 'cors', 'flow'])
  })

  test('findCase finds by id', () => {
    expect(findCase(CATALOGUE, 'claims/exp-past')?.severity).toBe('high')
    expect(findCase(CATALOGUE, 'claims/nope')).toBeUndefined()
  })
})

describe('validateSelection', () => {
  const unknownCase = (selection: Partial<Selection>) => {
    const error = catchError(() => validateSelection({ suites: ['all'], only: [], skip: [], ...selection }))
    expect(error).toBeInstanceOf(AuthconformError)
    expect((error as AuthconformError).code).toBe('ERR_UNKNOWN_CASE')
    return error.message
  }

  test('an unknown id in only suggests near ids', () => {
    const message = unknownCase({ only: ['claims/exp-pas'] })
    expect(message).toContain('unknown case id "claims/exp-pas"')
    expect(message).toContain('claims/exp-past')
  })

  test('an unknown id in skip is refused too', () => {
    expect(unknownCase({ skip: ['signature/alg-nope'] })).toContain('signature/alg-none-lower')
  })

  test('an unknown suite lists the valid suites', () => {
    expect(unknownCase({ suites: ['claim'] })).toContain('choose from all, baseline, claims, signature')
  })

  test('known ids and suite names pass', () => {
    expect(() => validateSelection({ suites: ['claims', 'signature'], only: ['claims/exp-past', 'signature'], skip: ['baseline'] })).not.toThrow()
  })
})

describe('selectCases', () => {
  test('everything by default, in catalogue order', () => {
    expect(select({})).toEqual(ids(CASES))
  })

  test('only by id selects exactly that case', () => {
    expect(select({ only: ['claims/exp-past'] })).toEqual(['claims/exp-past'])
  })

  test('only by suite name selects that suite', () => {
    expect(select({ only: ['signature'] })).toEqual(idsOfSuite('signature'))
  })

  test('skip by id removes exactly that case', () => {
    expect(select({ skip: ['claims/exp-past'] })).toEqual(ids(CASES).filter((id) => id !== 'claims/exp-past'))
  })

  test('skip by suite name removes the suite', () => {
    expect(select({ skip: ['claims'] })).toEqual(CASES.filter((c) => c.suite !== 'claims').map((c) => c.id))
    expect(select({ skip: ['claims'] })).toContain('baseline/valid-token')
  })

  test('suites narrows and only/skip apply within it', () => {
    expect(select({ suites: ['claims'] })).toEqual(idsOfSuite('claims'))
    expect(select({ suites: ['claims'], only: ['signature/stripped'] })).toEqual([])
    expect(select({ suites: ['baseline'], skip: ['baseline/no-token'] })).toEqual(idsOfSuite('baseline').filter((id) => id !== 'baseline/no-token'))
  })
})
