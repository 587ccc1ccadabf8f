import { expect, test } from 'vitest'
import { REFERENCE_RUN_TIMEOUT_MS, runReferenceTarget } from '../support/reference-targets.ts'

/**
 * keys.lanes (--lanes): the removal and the three JWKS faults each run on a target instance of
 * their own, so they wait for their refetches beside the scenarios that take turns — and judge
 * as they do in turn (node-good, jose on its defaults: every keys case passes either way).
 */
test(
  'with --lanes, the removal and each JWKS fault run on an instance of their own and pass as in turn',
  async () => {
    const { cli, document } = await runReferenceTarget('node-good', ['--profile', 'ES256', '--suite', 'keys', '--lanes'])
    expect(document, cli.stderr).toBeDefined()
    expect(document!.cases.map((c) => `${c.id} ${c.verdict}`)).toEqual(
      ['cache-observation', 'rotation-grace', 'kid-absent-multiple-keys', 'rotation-new-kid', 'rotation-removed', 'unknown-kid-storm', 'jwks-outage', 'jwks-slow', 'jwks-junk'].map((id) => `keys/${id} pass`),
    )
    const instanceOf = (id: string) => new URL(document!.cases.find((c) => c.id === id)!.evidence!.request.url).port
    const inTurn = ['cache-observation', 'rotation-grace', 'kid-absent-multiple-keys', 'rotation-new-kid', 'unknown-kid-storm'].map((id) => instanceOf(`keys/${id}`))
    expect(new Set(inTurn).size).toBe(1)
    const laned = ['rotation-removed', 'jwks-outage', 'jwks-slow', 'jwks-junk'].map((id) => instanceOf(`keys/${id}`))
    expect(new Set([...laned, inTurn[0]]).size).toBe(5)
    // A fault on one lane never reached another: each fault case saw its own refetch.
    for (const id of ['jwks-outage', 'jwks-slow', 'jwks-junk']) expect(document!.cases.find((c) => c.id === `keys/${id}`)!.reason).toMatch(/the target refetched the JWKS during the fault/)
    expect(cli.code).toBe(0)
    expect(cli.leftovers()).toEqual([])
  },
  REFERENCE_RUN_TIMEOUT_MS,
)
