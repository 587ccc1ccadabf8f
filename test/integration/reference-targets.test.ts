import { describe, test } from 'vitest'
import { confusion, diagnosisMismatch, REFERENCE_RUN_TIMEOUT_MS, referenceTargets, runReferenceTarget } from '../support/reference-targets.ts'

/**
 * The harness proves itself: good reference targets (libraries on their documented defaults)
 * fail nothing; each flawed one fails exactly the case ids in its manifest, in every profile —
 * no more, no fewer. Warns are exact too, so a judgement that drifts shows up here. Its first
 * diagnosis names its flaw and explains those failures; a good target has no diagnosis.
 */
// Three targets at a time: most of a run waits on the verifiers' JWKS cooldowns (30 s each).
describe.concurrent.each(referenceTargets())('reference target $name ($kind)', (manifest) => {
  test(
    manifest.kind === 'good' ? 'passes every case in every profile' : `fails exactly its manifest: ${manifest.flaw}`,
    async ({ expect }) => {
      const { cli, document } = await runReferenceTarget(manifest.name)
      expect(document, cli.stderr).toBeDefined()
      expect(document!.profiles.length).toBeGreaterThan(0)
      // An environment that did not start, or what vitest itself reported, explains any result the run lost.
      expect(document!.error).toBeUndefined()
      expect(document!.runErrors).toEqual([])
      for (const row of confusion(document!, manifest)) {
        const { missing, unexpected, errored, warnsMissing, warnsUnexpected } = row
        expect({ profile: row.profile, missing, unexpected, errored, warnsMissing, warnsUnexpected }).toEqual({
          profile: row.profile,
          missing: [],
          unexpected: [],
          errored: [],
          warnsMissing: [],
          warnsUnexpected: [],
        })
      }
      if (manifest.kind === 'good') expect(manifest.mustFail).toEqual([])
      // The root cause comes first and explains the manifest's failures; a good target has none.
      expect(diagnosisMismatch(document!, manifest)).toBeUndefined()
      // Warns never gate: a target whose flaw is warn-level (a refetch storm) exits 0.
      expect(cli.code).toBe(manifest.mustFail.length ? 1 : 0)
      expect(cli.stdout.trim().split('\n').pop()).toMatch(/^\d+ passed, \d+ failed, \d+ warned, \d+ skipped, 0 errored$/)
      expect(cli.leftovers()).toEqual([])
    },
    REFERENCE_RUN_TIMEOUT_MS + 30_000,
  )
})
