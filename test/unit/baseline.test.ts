import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { compareWithBaseline, readBaseline, type Baseline } from '../../harness/report/baseline.ts'
import { exitCodeFor } from '../../harness/report/document.ts'
import { renderTerminal } from '../../harness/report/terminal.ts'
import { caseResult, resultDocument } from './support.ts'

const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-baseline-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const BASELINE: Baseline = {
  file: 'previous.json',
  version: '0.1.0',
  results: [
    { id: 'claims/exp-past', profile: 'EdDSA', verdict: 'fail' },
    { id: 'claims/aud-wrong', profile: 'EdDSA', verdict: 'fail' },
    { id: 'claims/iss-wrong', profile: 'EdDSA', verdict: 'pass' },
    { id: 'keys/unknown-kid-storm', profile: 'EdDSA', verdict: 'warn' },
    { id: 'claims/retired-case', profile: 'EdDSA', verdict: 'pass' },
  ],
}
const NOW = [
  caseResult({ id: 'claims/exp-past', verdict: 'fail' }),
  caseResult({ id: 'claims/aud-wrong', verdict: 'pass' }),
  caseResult({ id: 'claims/iss-wrong', verdict: 'fail' }),
  caseResult({ id: 'keys/unknown-kid-storm', verdict: 'warn' }),
  caseResult({ id: 'claims/nbf-future', verdict: 'fail' }),
]
const CATALOGUE_IDS = NOW.map((c) => c.id)

describe('--baseline', () => {
  test('each result is new, fixed or unchanged against the same case and profile', () => {
    const { cases, summary } = compareWithBaseline(NOW, BASELINE, '0.1.0', CATALOGUE_IDS)
    expect(cases.map((c) => [c.id, c.change])).toEqual([
      ['claims/exp-past', 'unchanged'],
      ['claims/aud-wrong', 'fixed'],
      ['claims/iss-wrong', 'new'],
      ['keys/unknown-kid-storm', 'unchanged'],
      ['claims/nbf-future', 'new'],
    ])
    expect(summary).toEqual({ file: 'previous.json', version: '0.1.0', new: 2, fixed: 1, unchanged: 2, notInBaseline: ['claims/nbf-future'], otherCatalogue: false, goneFromCatalogue: ['claims/retired-case'] })
    // Another profile is another result: a failure in HS256 is new even when EdDSA failed before.
    expect(compareWithBaseline([caseResult({ id: 'claims/exp-past', verdict: 'fail', profile: 'HS256' })], BASELINE, '0.1.0', CATALOGUE_IDS).cases[0]!.change).toBe('new')
  })

  test('a baseline of another catalogue version says which cases are new to the catalogue', () => {
    const { summary } = compareWithBaseline(NOW, { ...BASELINE, version: '0.0.9' }, '0.1.0', CATALOGUE_IDS)
    expect(summary.otherCatalogue).toBe(true)
    const out = renderTerminal({ ...resultDocument(NOW), baseline: summary }, { color: false })
    expect(out).toContain('new to the catalogue since 0.0.9: claims/nbf-future')
    expect(out).toContain('no longer in the catalogue: claims/retired-case')
  })

  test('--fail-on-new: only new failures gate; errors still do', () => {
    const { cases } = compareWithBaseline(NOW, BASELINE, '0.1.0', CATALOGUE_IDS)
    expect(exitCodeFor(cases, 'low', [], true)).toBe(1)
    const onlyKnown = cases.filter((c) => c.change !== 'new')
    expect(exitCodeFor(onlyKnown, 'low', [], false)).toBe(1)
    expect(exitCodeFor(onlyKnown, 'low', [], true)).toBe(0)
    expect(exitCodeFor([...onlyKnown, caseResult({ id: 'claims/exp-missing', verdict: 'error', change: 'unchanged' })], 'low', [], true)).toBe(1)
  })

  test('the terminal names what moved and marks new findings', () => {
    const { cases, summary } = compareWithBaseline(NOW, BASELINE, '0.1.0', CATALOGUE_IDS)
    const out = renderTerminal({ ...resultDocument(cases), baseline: summary, failOnNew: true }, { color: false })
    expect(out).toContain('Since the baseline previous.json (authconform 0.1.0): 2 new, 1 fixed, 2 unchanged — only new failures fail the run (--fail-on-new)')
    expect(out).toContain('  new or worse:\n    FAIL claims/iss-wrong (EdDSA)\n    FAIL claims/nbf-future (EdDSA)\n  fixed or milder:\n    now pass claims/aud-wrong (EdDSA)')
    expect(out).toContain('claims/iss-wrong (EdDSA) — title of claims/iss-wrong [new since the baseline]')
  })

  test('a baseline that cannot be used is one line naming the file and what to pass', () => {
    const error = (file: string) => {
      try {
        readBaseline(file)
      } catch (e) {
        return (e as Error).message
      }
      return 'no error'
    }
    expect(error(path.join(dir, 'missing.json'))).toMatch(/^baseline .*missing\.json does not exist: pass the JSON result document of an earlier run/)
    writeFileSync(path.join(dir, 'junk.json'), '<html>')
    expect(error(path.join(dir, 'junk.json'))).toMatch(/junk\.json is not JSON/)
    writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ runs: [] }))
    expect(error(path.join(dir, 'other.json'))).toMatch(/other\.json is not an authconform result document/)
    mkdirSync(path.join(dir, 'a-directory.json'))
    expect(error(path.join(dir, 'a-directory.json'))).toMatch(/a-directory\.json is a directory/)
    if (process.getuid?.() !== 0) {
      writeFileSync(path.join(dir, 'locked.json'), '{}')
      chmodSync(path.join(dir, 'locked.json'), 0)
      expect(error(path.join(dir, 'locked.json'))).toMatch(/cannot be read \(permission denied\)/)
    }
    writeFileSync(path.join(dir, 'good.json'), JSON.stringify(resultDocument(NOW)))
    expect(readBaseline(path.join(dir, 'good.json'))).toMatchObject({ version: '0.0.0-test', results: NOW.map(({ id, profile, verdict }) => ({ id, profile, verdict })) })
  })
})
