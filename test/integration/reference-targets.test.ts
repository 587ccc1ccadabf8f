import { describe, expect, test } from 'vitest'
import { confusion, referenceTargets, runReferenceTarget } from '../support/reference-targets.ts'

/**
 * The harness proves itself: good reference targets fail nothing; each flawed one fails
 * exactly the case ids in its manifest, in every profile — no more, no fewer.
 */
describe.each(referenceTargets())('reference target $name ($kind)', (manifest) => {
  test(manifest.kind === 'good' ? 'passes every case in every profile' : `fails exactly its manifest: ${manifest.flaw}`, async () => {
    const { cli, document } = await runReferenceTarget(manifest.name)
    expect(document, cli.stderr).toBeDefined()
    expect(document!.profiles.length).toBeGreaterThan(0)
    for (const row of confusion(document!, manifest)) {
      expect({ profile: row.profile, missing: row.missing, unexpected: row.unexpected, errored: row.errored }).toEqual({
        profile: row.profile,
        missing: [],
        unexpected: [],
        errored: [],
      })
      if (manifest.kind === 'good') expect(row.warned, `${row.profile} warnings`).toEqual([])
    }
    expect(cli.code).toBe(manifest.kind === 'good' ? 0 : 1)
    expect(cli.stdout.trim().split('\n').pop()).toMatch(/^\d+ passed, \d+ failed, \d+ warned, \d+ skipped, 0 errored$/)
    expect(cli.leftovers()).toEqual([])
  })
})
