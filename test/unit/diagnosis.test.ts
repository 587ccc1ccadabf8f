import { describe, expect, test } from 'vitest'
import { checkRules, diagnose, type DiagnosisRule } from '../../harness/core/diagnosis.ts'
import type { Profile } from '../../harness/core/profiles.ts'
import type { CaseResult, Verdict } from '../../harness/core/verdict.ts'
import { CATALOGUE } from '../../suites/catalogue/index.ts'
import { REMEDY_NAMES } from '../../suites/catalogue/remedies.ts'
import { caseResult } from './support.ts'

const result = (id: string, verdict: Verdict, profile: Profile = 'EdDSA', extra: Partial<CaseResult> = {}) => caseResult({ id, verdict, profile, severity: CATALOGUE.cases.find((c) => c.id === id)!.severity, ...extra })
const run = (results: CaseResult[], rules: readonly DiagnosisRule[] = CATALOGUE.diagnoses) => diagnose(results, rules, CATALOGUE.remedy)
const keys = (list: { id: string; profile: Profile }[]) => list.map((k) => `${k.id} [${k.profile}]`)

describe('diagnoses', () => {
  test('every rule names cases the catalogue has and a remedy that exists', () => {
    expect(
      checkRules(
        CATALOGUE.diagnoses,
        CATALOGUE.cases.map((c) => c.id),
        (name) => (REMEDY_NAMES as string[]).includes(name),
      ),
    ).toEqual([])
    expect(checkRules([{ id: 'x', title: 'x', remedy: 'nope', sign: { any: ['signature/no-such-case'] } }], ['signature/stripped'], () => false)).toEqual([
      'diagnosis x: no remedy named nope',
      'diagnosis x: signature/no-such-case matches no case',
    ])
  })

  test('a verifier that checks no signature: one diagnosis explains every forged-token failure, with a proving case as evidence', () => {
    const forged = ['signature/stripped', 'signature/bit-flipped', 'signature/payload-tampered', 'signature/alg-none-lower', 'kid/sql-injection', 'key-confusion/hs256-raw', 'header/embedded-jwk', 'keys/jwks-outage']
    const results = [
      ...forged.map((id) => result(id, 'fail', 'EdDSA', id === 'signature/bit-flipped' ? { curl: 'curl …', evidence: { request: { method: 'GET', url: 'http://t/api/me', headers: {} }, status: 200 } } : {})),
      result('crypto/ps256-as-rs256', 'warn'),
      result('claims/exp-past', 'pass'),
      result('ownership/read-other-users-item', 'fail'),
    ]
    const { diagnoses, unexplained } = run(results)
    expect(diagnoses.map((d) => d.id)).toEqual(['signature-not-verified', 'items-not-scoped-to-owner'])
    const [top] = diagnoses
    expect(top).toMatchObject({ severity: 'critical', profiles: ['EdDSA'], fix: { remedy: 'verify-signature' } })
    expect(keys(top!.failures)).toEqual(forged.map((id) => `${id} [EdDSA]`))
    expect(keys(top!.warnings)).toEqual(['crypto/ps256-as-rs256 [EdDSA]'])
    expect(['signature/stripped', 'signature/bit-flipped', 'signature/payload-tampered']).toContain(top!.evidence.id)
    expect(top!.fix.title).toMatch(/Verify the signature/)
    expect(top!.fix.snippets.pyjwt.code).toMatch(/jwt\.decode/)
    expect(unexplained).toEqual([])
  })

  test('each result belongs to at most one diagnosis: the first proven rule claims it', () => {
    const results = ['signature/stripped', 'signature/bit-flipped', 'signature/payload-tampered', 'signature/alg-none-lower', 'key-confusion/hs256-raw'].map((id) => result(id, 'fail'))
    const { diagnoses } = run(results)
    const claimed = diagnoses.flatMap((d) => keys([...d.failures, ...d.warnings]))
    expect(new Set(claimed).size).toBe(claimed.length)
    expect(diagnoses.map((d) => d.id)).toEqual(['signature-not-verified'])
  })

  test('a diagnosis is proven per profile: HS256 alone can show a cause', () => {
    const results = [
      ...['signature/stripped', 'signature/bit-flipped', 'signature/payload-tampered'].map((id) => result(id, 'pass', 'EdDSA')),
      result('hs256/secret-fallback', 'skip', 'EdDSA'),
      result('hs256/secret-fallback', 'fail', 'HS256'),
      result('claims/aud-missing', 'fail', 'HS256'),
    ]
    const { diagnoses, unexplained } = run(results)
    expect(diagnoses.map((d) => [d.id, d.profiles])).toEqual([['hs256-secret-fallback', ['HS256']]])
    expect(unexplained).toEqual([{ id: 'claims/aud-missing', profile: 'HS256', verdict: 'fail' }])
  })

  test('warnings never prove a cause, as a library on its defaults warns; a proven cause claims the warnings it explains', () => {
    // ruby-jwt refetches at most every 5 minutes: within the window that looks like a cache kept forever.
    const rateLimited = run([result('keys/rotation-new-kid', 'warn'), result('keys/rotation-removed', 'warn'), result('keys/unknown-kid-storm', 'warn')])
    expect(rateLimited.diagnoses).toEqual([])
    expect(keys(rateLimited.unexplained)).toEqual(['keys/rotation-new-kid [EdDSA]', 'keys/rotation-removed [EdDSA]', 'keys/unknown-kid-storm [EdDSA]'])
    // With keys.windowSeconds ≥ 300 a removed key still trusted is a failure: then it is the cause.
    const forever = run([result('keys/rotation-new-kid', 'warn'), result('keys/rotation-removed', 'fail'), result('keys/unknown-kid-storm', 'warn')])
    expect(forever.diagnoses.map((d) => [d.id, keys(d.failures), keys(d.warnings)])).toEqual([['jwks-never-refreshed', ['keys/rotation-removed [EdDSA]'], ['keys/rotation-new-kid [EdDSA]']]])
    expect(run([result('better-auth/session-data-as-bearer', 'warn')]).diagnoses).toEqual([])
  })

  test('a cause whose proof a deeper cause already explained takes nothing: its leftovers stay unexplained', () => {
    const rules: DiagnosisRule[] = [
      { id: 'deep', title: 'deep', remedy: 'verify-signature', sign: { any: ['signature/stripped'] }, explains: ['signature/alg-none-lower'] },
      { id: 'shallow', title: 'shallow', remedy: 'pin-algorithms', sign: { any: ['signature/alg-none-lower'] }, explains: ['kid/number'] },
    ]
    const { diagnoses, unexplained } = run([result('signature/stripped', 'fail'), result('signature/alg-none-lower', 'fail'), result('kid/number', 'warn')], rules)
    expect(diagnoses.map((d) => [d.id, keys(d.failures)])).toEqual([['deep', ['signature/stripped [EdDSA]', 'signature/alg-none-lower [EdDSA]']]])
    expect(keys(unexplained)).toEqual(['kid/number [EdDSA]'])
  })

  test('the worst severity first, then the most failures', () => {
    const results = [result('ownership/owner-from-body', 'fail'), result('claims/aud-wrong', 'fail'), result('claims/aud-empty-array', 'fail'), result('kid/dev-null', 'fail')]
    expect(run(results).diagnoses.map((d) => d.id)).toEqual(['kid-injection', 'audience-not-checked', 'owner-from-body'])
  })
})
