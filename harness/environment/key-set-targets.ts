import { AuthconformError, errorMessage } from '../core/errors.ts'
import type { KeySetInstance, ProfileContext } from '../core/context.ts'
import { controlClient, shapedJwksURL, type KeySetShape } from '../core/protocol/control.ts'
import type { ResolvedConfig } from '../config/schema.ts'
import type { Cleanup } from './cleanup.ts'
import type { IssuerCoordinates } from './issuer.ts'
import { startTarget, type StartedTarget } from './target.ts'

/** A key-set instance being started: its JWKS URL and the target, or why it did not start. */
export interface StartingKeySet {
  shape: KeySetShape
  jwksURL: string
  started: Promise<StartedTarget | { failure: string }>
}

/**
 * One more instance of the target per shape, given that shape's JWKS URL (and the rest of the
 * issuer's coordinates as they are). An instance that cannot start is a finding about the
 * target, not a broken run: its cases say so.
 */
export function startKeySetTargets(target: ResolvedConfig['target'], issuer: IssuerCoordinates, shapes: readonly KeySetShape[], cleanup: Cleanup, label: string, databaseUrl?: string): StartingKeySet[] {
  return shapes.map((shape) => {
    const jwksURL = shapedJwksURL(issuer.jwksURL, shape)
    const started = startTarget(target, { ...issuer, jwksURL }, databaseUrl).then(
      (instance) => cleanup.use(`target ${label} (${shape} key set)`, instance),
      (error: unknown) => ({ failure: startFailure(error) }),
    )
    return { shape, jwksURL, started }
  })
}

function startFailure(error: unknown): string {
  const last = error instanceof AuthconformError ? error.details.at(-1) : undefined
  return `${errorMessage(error)}${last ? ` (its last line: ${last})` : ''}`
}

/**
 * What each instance does with a valid token, and whether it read its shaped URL at all: only
 * then do its answers say anything about that shape.
 */
export async function checkKeySets(starting: StartingKeySet[], issuer: ProfileContext['issuer'], baselineOf: (baseURL: string, jwksURL: string) => Promise<ProfileContext['baseline']>): Promise<ProfileContext['keySets']> {
  const control = controlClient(issuer)
  const checked = await Promise.all(
    starting.map(async ({ shape, jwksURL, started }): Promise<[KeySetShape, KeySetInstance]> => {
      const instance = await started
      if ('failure' in instance) return [shape, { jwksURL, baseline: { ok: false, reason: instance.failure }, fetched: false, failure: instance.failure }]
      const baseline = await baselineOf(instance.baseURL, jwksURL)
      return [shape, { baseURL: instance.baseURL, jwksURL, baseline, fetched: (await control.jwksRequests(0, shape)) > 0 }]
    }),
  )
  return Object.fromEntries(checked)
}
