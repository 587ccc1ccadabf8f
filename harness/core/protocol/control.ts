import type { ProfileContext } from '../context.ts'

/**
 * "conformance control": the reference issuer's back door, spoken by its Better Auth plugin
 * (environment/control-plugin.ts) and by the cases (this client). Every endpoint demands the
 * per-run random key in CONTROL_KEY_HEADER; without it the issuer is any Better Auth app.
 */
export const CONTROL_KEY_HEADER = 'x-authconform-control-key'
/** Under Better Auth's base path (`issuer.basePath`, default /api/auth): see ProfileContext's controlURL. */
export const CONTROL_PATH = '/conformance'

/** Each endpoint's path under CONTROL_PATH. */
export const CONTROL_ENDPOINTS = {
  key: '/key',
  sign: '/sign',
  keys: '/keys',
  rotate: '/rotate',
  remove: '/remove',
  jwksRequests: '/jwks-requests',
  servedKids: '/served-kids',
  deleteUser: '/delete-user',
  expireSession: '/expire-session',
  jwksFault: '/jwks-fault',
} as const

/** How the JWKS endpoint misbehaves on purpose (key lifecycle cases). */
export const JWKS_FAULTS = ['none', 'fail', 'hang', 'junk', 'slow'] as const
export type JwksFaultMode = (typeof JWKS_FAULTS)[number]

/**
 * The key set as other issuers (and older Better Auth versions) serve it, for the key-set cases:
 * the same keys without `alg`, behind a key of an unknown type, behind a key that cannot be
 * parsed, or all marked `use: "enc"`. The issuer serves a shape at its JWKS URL with
 * KEY_SET_PARAMETER set, so a second target instance given that URL reads it while the
 * instance under the rest of the catalogue reads the key set as served.
 */
export const KEY_SET_SHAPES = ['without-alg', 'unknown-key-type', 'broken-key', 'use-enc'] as const
export type KeySetShape = (typeof KEY_SET_SHAPES)[number]
export const KEY_SET_PARAMETER = 'authconform-key-set'

/**
 * A view of the key set at the JWKS URL with `parameter` set to one of `names` (a key-set shape,
 * a lane): the URL a target instance is given, and which view a request to the issuer asks for.
 */
function jwksView<Name extends string>(parameter: string, names: readonly Name[]) {
  const isName = (value: unknown): value is Name => (names as readonly unknown[]).includes(value)
  return {
    url(jwksURL: string, name: Name): string {
      const url = new URL(jwksURL)
      url.searchParams.set(parameter, name)
      return url.toString()
    },
    isName,
    /** The view a JWKS request asks for, if it names a known one. */
    requested(url: URL): Name | undefined {
      const name = url.searchParams.get(parameter)
      return isName(name) ? name : undefined
    },
  }
}

const keySetView = jwksView(KEY_SET_PARAMETER, KEY_SET_SHAPES)
/** The JWKS URL that serves `shape`. */
export const shapedJwksURL = keySetView.url
export const isKeySetShape = keySetView.isName
export const requestedShape = keySetView.requested

/**
 * The keys suite's lanes: a scenario that waits for a refetch of its own (a removal, each JWKS
 * fault) runs on a target instance of its own, given the lifecycle issuer's JWKS URL with
 * LANE_PARAMETER set. A lane counts its own fetches, has its own fault, and can hide a key from
 * its own view of the key set; the issuer, its keys and its users are shared, so the scenarios
 * wait out their verifiers' cooldowns side by side instead of one after another.
 */
export const JWKS_LANES = ['removal', 'outage', 'slow', 'junk'] as const
export type JwksLane = (typeof JWKS_LANES)[number]
export const LANE_PARAMETER = 'authconform-lane'

const laneView = jwksView(LANE_PARAMETER, JWKS_LANES)
/** The JWKS URL of `lane`. */
export const laneJwksURL = laneView.url
export const isJwksLane = laneView.isName
export const requestedLane = laneView.requested

/**
 * The issuer's conformance-control endpoints, called with the per-run key. With `lane`, the
 * JWKS counters, faults and removals are that lane's alone.
 */
export function controlClient(issuer: ProfileContext['issuer'], lane?: JwksLane) {
  const headers = { 'content-type': 'application/json', origin: issuer.baseURL, [CONTROL_KEY_HEADER]: issuer.controlKey }
  async function call<T>(path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${issuer.controlURL}${path}`, body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) })
    if (!response.ok) throw new Error(`issuer control ${path} answered ${response.status}: ${(await response.text()).slice(0, 200)}`)
    return (await response.json()) as T
  }
  const at = CONTROL_ENDPOINTS
  return {
    /** The signature segment over `input`, by the current key (or `kid`), under its alg (or `alg`). */
    signature: async (input: string, options: { alg?: string; kid?: string } = {}) => (await call<{ signature: string }>(at.sign, { signingInput: input, ...options })).signature,
    currentKid: async () => (await call<{ kid?: string }>(at.key)).kid,
    /** The kids in the JWKS, read from the database: a JWKS fetch of ours would skew the counters. */
    publishedKids: async () => (await call<{ kids: string[] }>(at.keys)).kids,
    rotate: async () => (await call<{ kid: string }>(at.rotate, {})).kid,
    /** Unpublishes a key; on a lane, only from that lane's view of the key set. */
    remove: async (kid: string) => void (await call(at.remove, { kid, ...(lane && { lane }) })),
    /** JWKS requests since `sinceMs`: of the key set as served (or the lane's), or (`shape`) of that shape's URL. */
    /** The kids of the key set last served (to the lane, or at the plain URL): what the target can know without a refetch. */
    servedKids: async () => (await call<{ kids: string[] }>(`${at.servedKids}${lane ? `?lane=${lane}` : ''}`)).kids,
    jwksRequests: async (sinceMs = 0, shape?: KeySetShape) => (await call<{ since: number }>(`${at.jwksRequests}?since=${sinceMs}${shape ? `&shape=${shape}` : lane ? `&lane=${lane}` : ''}`)).since,
    deleteUser: async (userId: string) => void (await call(at.deleteUser, { userId })),
    /** Sets the session's expiresAt in the past, as time would: the token stays in the table. */
    expireSession: async (sessionToken: string) => void (await call(at.expireSession, { token: sessionToken })),
    fault: async (mode: JwksFaultMode, ms = 0) => void (await call(at.jwksFault, { mode, ms, ...(lane && { lane }) })),
  }
}

export type ControlClient = ReturnType<typeof controlClient>
