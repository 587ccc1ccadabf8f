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
    expect(top).toMatchObject({ verdict: 'fail', severity: 'critical', profiles: ['EdDSA'], fix: { remedy: 'verify-signature' } })
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

  test('warnings alone make a diagnosis only for causes marked so; a default-library warning stays unexplained', () => {
    const forever = run([result('keys/rotation-new-kid', 'warn'), result('keys/rotation-removed', 'warn'), result('keys/unknown-kid-storm', 'warn')])
    expect(forever.diagnoses.map((d) => [d.id, d.verdict, keys(d.warnings)])).toEqual([['jwks-never-refreshed', 'warn', ['keys/rotation-new-kid [EdDSA]', 'keys/rotation-removed [EdDSA]']]])
    expect(forever.unexplained).toEqual([{ id: 'keys/unknown-kid-storm', profile: 'EdDSA', verdict: 'warn' }])
    // A warn of a fail-sign rule (a session_data cookie accepted the way @fastify/jwt accepts it by default) proves nothing.
    expect(run([result('better-auth/session-data-as-bearer', 'warn')]).diagnoses).toEqual([])
  })

  test('answers of 500: three or more make the cause, fewer stay unexplained', () => {
    const crashed = (id: string) => result(id, 'warn', 'EdDSA', { evidence: { request: { method: 'GET', url: 'http://t/api/me', headers: {} }, status: 500 } })
    expect(run([crashed('kid/absent'), crashed('signature/unknown-kid')]).diagnoses).toEqual([])
    const three = run([crashed('kid/absent'), crashed('signature/unknown-kid'), crashed('header/embedded-jwk'), result('kid/number', 'warn')])
    expect(three.diagnoses.map((d) => [d.id, d.verdict, d.warnings.length])).toEqual([['errors-answered-500', 'warn', 3]])
    expect(keys(three.unexplained)).toEqual(['kid/number [EdDSA]'])
  })

  test('failures outrank warnings, then severity', () => {
    const results = [result('keys/rotation-new-kid', 'warn'), result('ownership/owner-from-body', 'fail'), result('kid/dev-null', 'fail')]
    expect(run(results).diagnoses.map((d) => d.id)).toEqual(['kid-injection', 'owner-from-body', 'jwks-never-refreshed'])
  })
})
