import { AuthconformError, errorMessage } from '../core/errors.ts'
import type { JwksViewInstance, ProfileContext } from '../core/context.ts'
import { controlClient, laneJwksURL, shapedJwksURL, type JwksLane, type KeySetShape } from '../core/protocol/control.ts'
import type { ResolvedConfig } from '../config/schema.ts'
import type { Cleanup } from './cleanup.ts'
import type { IssuerCoordinates } from './issuer.ts'
import { startTarget, type StartedTarget } from './target.ts'

/** An instance given another view of the issuer's JWKS (a key-set shape or a keys-suite lane), being started. */
export interface StartingView<Name extends string> {
  name: Name
  jwksURL: string
  started: Promise<StartedTarget | { failure: string }>
}

/**
 * One more instance of the target per view, given that view's JWKS URL (and the rest of the
 * issuer's coordinates as they are). An instance that cannot start is a finding about the
 * target, not a broken run: its cases say so.
 */
export function startViewTargets<Name extends string>(
  target: ResolvedConfig['target'],
  issuer: IssuerCoordinates,
  views: readonly { name: Name; jwksURL: string; label: string }[],
  cleanup: Cleanup,
  databaseUrl?: string,
): StartingView<Name>[] {
  return views.map(({ name, jwksURL, label }) => {
    const started = startTarget(target, { ...issuer, jwksURL }, databaseUrl).then(
      (instance) => cleanup.use(`target ${label}`, instance),
      (error: unknown) => ({ failure: startFailure(error) }),
    )
    return { name, jwksURL, started }
  })
}

/** The key-set shapes' instances (key-set cases). */
export function startKeySetTargets(target: ResolvedConfig['target'], issuer: IssuerCoordinates, shapes: readonly KeySetShape[], cleanup: Cleanup, label: string, databaseUrl?: string) {
  return startViewTargets(
    target,
    issuer,
    shapes.map((shape) => ({ name: shape, jwksURL: shapedJwksURL(issuer.jwksURL, shape), label: `${label} (${shape} key set)` })),
    cleanup,
    databaseUrl,
  )
}

/** The keys suite's lanes' instances, on the lifecycle issuer. */
export function startLaneTargets(target: ResolvedConfig['target'], issuer: IssuerCoordinates, lanes: readonly JwksLane[], cleanup: Cleanup, label: string, databaseUrl?: string) {
  return startViewTargets(
    target,
    issuer,
    lanes.map((lane) => ({ name: lane, jwksURL: laneJwksURL(issuer.jwksURL, lane), label: `${label} (${lane} lane)` })),
    cleanup,
    databaseUrl,
  )
}

function startFailure(error: unknown): string {
  const last = error instanceof AuthconformError ? error.details.at(-1) : undefined
  return `${errorMessage(error)}${last ? ` (its last line: ${last})` : ''}`
}

/**
 * What each instance does with a valid token, and whether it read its view's URL at all: only
 * then do its answers say anything about that view.
 */
export async function checkViewTargets<Name extends string>(
  starting: StartingView<Name>[],
  fetchesOf: (name: Name) => Promise<number>,
  baselineOf: (baseURL: string, jwksURL: string) => Promise<ProfileContext['baseline']>,
): Promise<Partial<Record<Name, JwksViewInstance>>> {
  const checked = await Promise.all(
    starting.map(async ({ name, jwksURL, started }): Promise<[Name, JwksViewInstance]> => {
      const instance = await started
      if ('failure' in instance) return [name, { jwksURL, baseline: { ok: false, reason: instance.failure }, fetched: false, failure: instance.failure }]
      const baseline = await baselineOf(instance.baseURL, jwksURL)
      return [name, { baseURL: instance.baseURL, jwksURL, baseline, fetched: (await fetchesOf(name)) > 0 }]
    }),
  )
  return Object.fromEntries(checked) as Partial<Record<Name, JwksViewInstance>>
}

export const checkKeySets = (starting: StartingView<KeySetShape>[], issuer: ProfileContext['issuer'], baselineOf: (baseURL: string, jwksURL: string) => Promise<ProfileContext['baseline']>) =>
  checkViewTargets(starting, (shape) => controlClient(issuer).jwksRequests(0, shape), baselineOf)

/**
 * A lane's instance starts where a verifier that has been running is: it has met an unknown kid
 * since its last fetch (`prime` sends one). A verifier that allows one unknown-kid refetch per
 * period (go-good: per 5 min) has used it, as it had when these scenarios took turns after others.
 */
export const checkLanes = (starting: StartingView<JwksLane>[], issuer: ProfileContext['issuer'], baselineOf: (baseURL: string, jwksURL: string) => Promise<ProfileContext['baseline']>, prime: (baseURL: string) => Promise<void>) =>
  checkViewTargets(
    starting,
    (lane) => controlClient(issuer, lane).jwksRequests(0),
    async (baseURL, jwksURL) => {
      const baseline = await baselineOf(baseURL, jwksURL)
      if (baseline.ok) await prime(baseURL)
      return baseline
    },
  )
