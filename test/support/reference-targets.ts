import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ResultDocument } from '../../harness/report/document.ts'
import { REPO, runCli } from './cli.ts'

/**
 * A reference target's expectations: the cases it fails and warns, exactly. `mustFail` and
 * `mustWarn` hold in every profile the case is not skipped in; `inProfile` adds what only one
 * profile shows (an HS256 verifier that never reads kid).
 */
export interface Manifest {
  name: string
  stack: string
  kind: 'good' | 'flawed'
  flaw: string | null
  /** The library and how it is configured (good targets: its documented defaults). */
  library?: string
  mustFail: string[]
  mustWarn?: string[]
  inProfile?: Record<string, { mustFail?: string[]; mustWarn?: string[] }>
  /**
   * Flawed targets: the diagnosis (suites/catalogue/diagnoses.ts) that must come first and
   * explain every failure the manifest predicts; null when the flaw shows only as warnings
   * (warnings prove no cause: a mainstream library may show each on its defaults). Good
   * targets have none.
   */
  diagnosis?: string | null
}

export const TARGETS_DIR = path.join(REPO, 'fixtures/targets')

export function referenceTargets(): Manifest[] {
  return readdirSync(TARGETS_DIR)
    .filter((name) => existsSync(path.join(TARGETS_DIR, name, 'manifest.json')))
    .map((name) => JSON.parse(readFileSync(path.join(TARGETS_DIR, name, 'manifest.json'), 'utf8')) as Manifest)
}

/**
 * A verifier that never refetches makes each keys scenario wait its whole window (35 s), so a
 * full run can take four minutes, more on a loaded machine.
 */
export const REFERENCE_RUN_TIMEOUT_MS = 600_000

/** Runs the real CLI against a reference target; returns its JSON result document. */
export async function runReferenceTarget(name: string, extraArgs: string[] = []) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-test-'))
  const out = path.join(dir, 'result.json')
  try {
    const cli = await runCli(['run', '--example', name, '--json', out, ...extraArgs], { timeoutMs: REFERENCE_RUN_TIMEOUT_MS })
    const document = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as ResultDocument) : undefined
    return { cli, document }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface Confusion {
  profile: string
  expected: string[]
  failed: string[]
  missing: string[]
  unexpected: string[]
  errored: string[]
  warned: string[]
  /** The same comparison for warns. */
  warnsMissing: string[]
  warnsUnexpected: string[]
}

/** Per profile: which failures and warns the manifest predicts, which happened, and the differences. */
export function confusion(document: ResultDocument, manifest: Manifest): Confusion[] {
  return document.profiles.map((profile) => {
    const cases = document.cases.filter((c) => c.profile === profile)
    const ids = (verdict: string) => cases.filter((c) => c.verdict === verdict).map((c) => c.id)
    // A case that cannot apply to this profile (an ES256 edge case under EdDSA) is not missing.
    const skipped = ids('skip')
    const predicted = (key: 'mustFail' | 'mustWarn') => [...(manifest[key] ?? []), ...(manifest.inProfile?.[profile]?.[key] ?? [])].filter((id) => !skipped.includes(id))
    const compare = (expected: string[], observed: string[]) => ({ missing: expected.filter((id) => !observed.includes(id)), unexpected: observed.filter((id) => !expected.includes(id)) })
    const failed = ids('fail')
    const warned = ids('warn')
    const expected = predicted('mustFail')
    const warns = compare(predicted('mustWarn'), warned)
    return { profile, expected, failed, ...compare(expected, failed), errored: ids('error'), warned, warnsMissing: warns.missing, warnsUnexpected: warns.unexpected }
  })
}

/**
 * Whether the run's diagnoses match the manifest: a good target has none; a flawed one's first
 * diagnosis is the manifest's and explains each predicted failure in every profile. The
 * mismatch in words, or undefined.
 */
export function diagnosisMismatch(document: ResultDocument, manifest: Manifest): string | undefined {
  const found = document.diagnoses.map((d) => d.id)
  if (manifest.kind === 'good' || manifest.diagnosis === null) return found.length ? `no diagnosis expected, got ${found.join(', ')}` : undefined
  const [top] = document.diagnoses
  if (top?.id !== manifest.diagnosis) return `expected ${manifest.diagnosis} first, got ${found.join(', ') || 'none'}`
  const explained = new Set(top.failures.map((k) => `${k.id} ${k.profile}`))
  const unexplained = confusion(document, manifest).flatMap((row) => row.expected.filter((id) => row.failed.includes(id) && !explained.has(`${id} ${row.profile}`)).map((id) => `${id} [${row.profile}]`))
  return unexplained.length ? `${manifest.diagnosis} does not explain ${unexplained.join(', ')}` : undefined
}
