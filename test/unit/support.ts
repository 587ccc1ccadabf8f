import { diagnose } from '../../harness/core/diagnosis.ts'
import { compareProfiles } from '../../harness/report/comparison.ts'
import { CATALOGUE } from '../../suites/catalogue/index.ts'
import { expect } from 'vitest'
import { resolveConfig } from '../../harness/config/resolve.ts'
import type { Principal } from '../../harness/core/context.ts'
import { AuthconformError } from '../../harness/core/errors.ts'
import type { ResultDocument } from '../../harness/report/document.ts'
import { exitCodeFor, summarizeDocument } from '../../harness/report/document.ts'
import type { Profile } from '../../harness/core/profiles.ts'
import type { CaseResult } from '../../harness/core/verdict.ts'
import type { Exchange } from '../../harness/core/case.ts'

/** Hand-built data for the unit tests: no environment, just the shapes the code reads. */

export function catchError(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to throw, but it returned')
}

/** The message of the config error (ERR_CONFIG_INVALID, exit 2) that resolving `config` throws. */
export function configErrorOf(config: unknown): string {
  const error = catchError(() => resolveConfig(config as Parameters<typeof resolveConfig>[0]))
  expect(error).toBeInstanceOf(AuthconformError)
  expect((error as AuthconformError).code).toBe('ERR_CONFIG_INVALID')
  return error.message
}

export function exchange(answer: Partial<Omit<Exchange, 'request'>> & { request?: Partial<Exchange['request']> } = {}): Exchange {
  return {
    status: 200,
    headers: {},
    body: '',
    ms: 12,
    ...answer,
    request: { method: 'GET', url: 'http://127.0.0.1:8000/api/me', headers: {}, ...answer.request },
  }
}

export function principal(label: 'a' | 'b', id: string): Principal {
  return { label, id, email: `${label}@example.test`, token: `token-of-${label}`, password: 'not-a-real-password', header: { alg: 'EdDSA' }, claims: { sub: id } }
}

export function caseResult(result: Partial<CaseResult> & Pick<CaseResult, 'id' | 'verdict'>): CaseResult {
  return {
    suite: result.id.split('/')[0]!,
    profile: 'EdDSA',
    severity: 'high',
    refs: ['RFC7519-4.1.4'],
    title: `title of ${result.id}`,
    fix: `fix for ${result.id}`,
    reason: `reason for ${result.verdict}`,
    ...result,
  }
}

export function resultDocument(cases: CaseResult[], options: { profiles?: Profile[]; runErrors?: string[] } = {}): ResultDocument {
  const failOn = 'low'
  const runErrors = options.runErrors ?? []
  const profiles = options.profiles ?? ['EdDSA']
  return {
    schemaVersion: 1,
    tool: { name: 'authconform', version: '0.0.0-test' },
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1234,
    target: { name: '127.0.0.1:8000', url: 'http://127.0.0.1:8000' },
    runtime: { postgres: 'embedded', reason: 'test' },
    profiles,
    failOn,
    cases,
    ...diagnose(cases, CATALOGUE.diagnoses, CATALOGUE.remedy),
    summary: summarizeDocument(cases),
    ...(profiles.length > 1 && { comparison: compareProfiles(cases, profiles) }),
    runErrors,
    exitCode: exitCodeFor(cases, failOn, runErrors),
  }
}
