import { timingSafeEqual } from 'node:crypto'
import type { BetterAuthPlugin } from 'better-auth'
import { APIError, createAuthEndpoint, createAuthMiddleware } from 'better-auth/api'
import { symmetricDecrypt } from 'better-auth/crypto'
import { createJwk, resolveSigningKey, type JwtOptions } from 'better-auth/plugins/jwt'
import * as z from 'zod'
import { hmac, isHmac, signWithJwk } from '../core/jws.ts'
import {
  CONTROL_ENDPOINTS,
  CONTROL_KEY_HEADER,
  CONTROL_PATH,
  isJwksLane,
  isKeySetShape,
  JWKS_FAULTS,
  JWKS_LANES,
  KEY_SET_SHAPES,
  requestedLane,
  requestedShape,
  type JwksFaultMode,
  type JwksLane,
  type KeySetShape,
} from '../core/protocol/control.ts'
import { shapeKeySet } from './key-set-shapes.ts'
import { sleep } from '../core/time.ts'

/**
 * "conformance control" (core/protocol/control.ts), the issuer's side: it signs arbitrary bytes
 * with the issuer's real current key (or its BETTER_AUTH_SECRET), so a forged token differs
 * from a real one in exactly the named way. New capabilities (rotation, JWKS counters and
 * faults) are further entries in `endpoints` and in CONTROL_ENDPOINTS.
 */

export interface ControlOptions {
  controlKey: string
  /** The jwt plugin's options (JWKS profiles), to find the same signing key it uses. */
  jwt?: JwtOptions
  /** BETTER_AUTH_SECRET: the HS256 profile's key, and the key of secret-fallback attacks. */
  secret: string
  /** The JWKS's path on the server (basePath + jwksPath): the requests counted and faulted. */
  jwksPathname: string
  /** Aborted when the issuer stops: a JWKS request held by a slow or hanging fault is let go. */
  stopping?: AbortSignal
}

function sameKey(given: string | null | undefined, expected: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

type Where = { field: string; value: string }[]
/** The part of Better Auth's endpoint context these helpers read. */
interface EndpointContext {
  context: {
    adapter: {
      findOne<T>(query: { model: string; where: Where }): Promise<T | null>
      delete(query: { model: string; where: Where }): Promise<void>
    }
    secretConfig: unknown
  }
}

type JwksFault = { mode: JwksFaultMode; ms: number }
const NO_FAULT: JwksFault = { mode: 'none', ms: 0 }
const HANG_LIMIT_MS = 60_000

type IssuerKey = { alg: string; kid: string; privateJwk: JsonWebKey }

/**
 * The keys the control plugin has decrypted. A kid's row never changes, so its key is kept
 * until removed. Which kid is current is kept too, unless Better Auth rotates on its own
 * (rotationInterval): otherwise only the rotate and remove endpoints change it, and forget it.
 */
interface KnownKeys {
  decrypted: Map<string, IssuerKey>
  current?: string
  /** Bumped when the current key may have changed: a resolution begun before is not kept. */
  generation: number
  /** Resolutions under way: the cases that ask at once for a key not yet decrypted share one. */
  resolving: Map<string, Promise<IssuerKey | undefined>>
}

/**
 * A real key of the issuer — the current signing key (resolved by the jwt plugin itself, which
 * also rotates lazily), or an older one still in the table — with its private JWK decrypted as
 * the jwt plugin does.
 */
async function issuerKey(ctx: EndpointContext, options: ControlOptions, known: KnownKeys, kid?: string): Promise<IssuerKey | undefined> {
  if (!options.jwt) return undefined
  const wanted = kid ?? known.current
  if (wanted && known.decrypted.has(wanted)) return known.decrypted.get(wanted)
  const asked = `${kid ?? 'current'} ${known.generation}`
  const under = known.resolving.get(asked)
  if (under) return under
  const resolving = resolveIssuerKey(ctx, options, known, kid).finally(() => known.resolving.delete(asked))
  known.resolving.set(asked, resolving)
  return resolving
}

async function resolveIssuerKey(ctx: EndpointContext, options: ControlOptions, known: KnownKeys, kid?: string): Promise<IssuerKey | undefined> {
  if (!options.jwt) return undefined
  const generation = known.generation
  const resolved = await resolveSigningKey(ctx as never, options.jwt)
  if (!resolved) throw new APIError('INTERNAL_SERVER_ERROR', { message: 'no local signing key' })
  if (!options.jwt.jwks?.rotationInterval && generation === known.generation) known.current = resolved.kid
  const id = kid ?? resolved.kid
  if (known.decrypted.has(id)) return known.decrypted.get(id)
  const row = await ctx.context.adapter.findOne<{ privateKey: string; alg?: string }>({ model: 'jwks', where: [{ field: 'id', value: id }] })
  if (!row) throw new APIError('NOT_FOUND', { message: `key ${id} is not in the jwks table` })
  const privateJwk = options.jwt.jwks?.disablePrivateKeyEncryption ? row.privateKey : await symmetricDecrypt({ key: ctx.context.secretConfig as never, data: JSON.parse(row.privateKey) })
  const key = { alg: row.alg ?? resolved.alg, kid: id, privateJwk: JSON.parse(privateJwk) as JsonWebKey }
  known.decrypted.set(id, key)
  return key
}

/** The key-set shape a request to the JWKS path asks for; undefined for other paths and the key set as served. */
function shapeAsked(request: Request | undefined, jwksPathname: string): KeySetShape | undefined {
  if (!request) return undefined
  const url = new URL(request.url)
  return url.pathname === jwksPathname ? requestedShape(url) : undefined
}

/** The keys suite's lane a request to the JWKS path belongs to (core/protocol/control.ts). */
function laneAsked(request: Request | undefined, jwksPathname: string): JwksLane | undefined {
  if (!request) return undefined
  const url = new URL(request.url)
  return url.pathname === jwksPathname ? requestedLane(url) : undefined
}

export function conformanceControl(options: ControlOptions) {
  /** JWKS request times, of the key set as served and of each shape's and lane's URL. */
  const jwksRequests: number[] = []
  const shapedRequests = new Map<KeySetShape, number[]>(KEY_SET_SHAPES.map((shape) => [shape, []]))
  const laneRequests = new Map<JwksLane, number[]>(JWKS_LANES.map((lane) => [lane, []]))
  /** Each lane's own fault, and the kids removed from its view of the key set only. */
  const laneFaults = new Map<JwksLane, JwksFault>()
  const hiddenOnLane = new Map<JwksLane, Set<string>>(JWKS_LANES.map((lane) => [lane, new Set()]))
  /** The kids each view (a lane's, or the plain URL's) served last: a scenario's known-good keys. */
  const lastServed = new Map<JwksLane | 'plain', string[]>()
  const known: KnownKeys = { decrypted: new Map(), generation: 0, resolving: new Map() }
  const forgetCurrent = () => {
    known.current = undefined
    known.generation++
  }
  let mainFault: JwksFault = NO_FAULT
  const requireControlKey = createAuthMiddleware(async (ctx) => {
    if (!sameKey(ctx.headers?.get(CONTROL_KEY_HEADER), options.controlKey)) {
      throw new APIError('FORBIDDEN', { message: 'conformance control requires the per-run key' })
    }
  })

  return {
    id: 'authconform-conformance-control',
    /** Counts every JWKS request and applies the configured fault before Better Auth answers. */
    async onRequest(request: Request) {
      if (new URL(request.url).pathname !== options.jwksPathname) return
      const shape = shapeAsked(request, options.jwksPathname)
      const lane = laneAsked(request, options.jwksPathname)
      ;(shape ? shapedRequests.get(shape)! : lane ? laneRequests.get(lane)! : jwksRequests).push(Date.now())
      const fault = lane ? (laneFaults.get(lane) ?? NO_FAULT) : mainFault
      if (fault.mode === 'fail') return { response: Response.json({ error: 'authconform: JWKS outage' }, { status: 500 }) }
      if (fault.mode === 'junk') return { response: new Response('<html>not a key set', { status: 200, headers: { 'content-type': 'application/json' } }) }
      if (fault.mode === 'hang' || fault.mode === 'slow') {
        // Let go when the issuer stops: its database is closing, the fault's answer has no reader.
        const held = await sleep(fault.mode === 'hang' ? HANG_LIMIT_MS : fault.ms, { unref: true, signal: options.stopping }).then(
          () => true,
          () => false,
        )
        if (!held) return { response: Response.json({ error: 'authconform: the issuer is stopping' }, { status: 503 }) }
      }
      return
    },
    /** Better Auth's own key set, reshaped when the request asks for a shape, less the keys its lane removed. */
    hooks: {
      after: [
        {
          matcher: (context: { request?: Request }) => context.request !== undefined && new URL(context.request.url).pathname === options.jwksPathname,
          handler: createAuthMiddleware(async (ctx) => {
            const served = ctx.context.returned as { keys?: { kty: string; kid?: string }[] } | undefined
            if (!served?.keys) return
            const shape = shapeAsked(ctx.request, options.jwksPathname)
            if (shape) return ctx.json({ keys: shapeKeySet(served.keys, shape) })
            const lane = laneAsked(ctx.request, options.jwksPathname)
            const hidden = lane ? hiddenOnLane.get(lane)! : new Set<string>()
            const keys = served.keys.filter((key) => !hidden.has(key.kid ?? ''))
            lastServed.set(
              lane ?? 'plain',
              keys.flatMap((key) => (key.kid ? [key.kid] : [])),
            )
            return hidden.size ? ctx.json({ keys }) : undefined
          }),
        },
      ],
    },
    endpoints: {
      conformanceKey: createAuthEndpoint(`${CONTROL_PATH}${CONTROL_ENDPOINTS.key}`, { method: 'GET', use: [requireControlKey], requireHeaders: true }, async (ctx) => {
        const key = await issuerKey(ctx as never, options, known)
        return ctx.json(key ? { alg: key.alg, kid: key.kid } : { alg: 'HS256' })
      }),
      /**
       * Signs `signingInput` (the `header.payload` text) with the real current key, under its
       * own alg or an in-family `alg` (RS256 key as PS256, P-256 key with SHA-512); an HS*
       * `alg` uses BETTER_AUTH_SECRET.
       */
      conformanceSign: createAuthEndpoint(
        `${CONTROL_PATH}${CONTROL_ENDPOINTS.sign}`,
        {
          method: 'POST',
          use: [requireControlKey],
          requireHeaders: true,
          body: z.object({ signingInput: z.string().max(2_000_000), alg: z.string().optional(), kid: z.string().optional() }),
        },
        async (ctx) => {
          const key = await issuerKey(ctx as never, options, known, ctx.body.kid)
          const alg = ctx.body.alg ?? key?.alg ?? 'HS256'
          if (isHmac(alg)) return ctx.json({ alg, signature: hmac(alg, options.secret, ctx.body.signingInput) })
          if (!key) throw new APIError('BAD_REQUEST', { message: `the HS256 profile has no key pair to sign ${alg} with` })
          try {
            return ctx.json({ alg, kid: key.kid, signature: await signWithJwk(alg, key.privateJwk, ctx.body.signingInput) })
          } catch (error) {
            throw new APIError('BAD_REQUEST', { message: `cannot sign ${alg} with the ${key.alg} key: ${(error as Error).message}` })
          }
        },
      ),
      conformanceKeys: createAuthEndpoint(`${CONTROL_PATH}${CONTROL_ENDPOINTS.keys}`, { method: 'GET', use: [requireControlKey], requireHeaders: true }, async (ctx) => {
        const rows = await (ctx as unknown as { context: { adapter: { findMany<T>(q: { model: string }): Promise<T[]> } } }).context.adapter.findMany<{ id: string }>({ model: 'jwks' })
        return ctx.json({ kids: rows.map((row) => row.id) })
      }),
      /** Makes a new signing key now (the old one stays published until removed). */
      conformanceRotate: createAuthEndpoint(`${CONTROL_PATH}${CONTROL_ENDPOINTS.rotate}`, { method: 'POST', use: [requireControlKey], requireHeaders: true }, async (ctx) => {
        if (!options.jwt) throw new APIError('BAD_REQUEST', { message: 'the HS256 profile has no key to rotate' })
        const key = await createJwk(ctx as never, options.jwt)
        forgetCurrent()
        return ctx.json({ kid: key.id })
      }),
      /** Unpublishes a key: it leaves the JWKS and can no longer sign. On a lane it only leaves that lane's view. */
      conformanceRemove: createAuthEndpoint(
        `${CONTROL_PATH}${CONTROL_ENDPOINTS.remove}`,
        { method: 'POST', use: [requireControlKey], requireHeaders: true, body: z.object({ kid: z.string(), lane: z.enum(JWKS_LANES).optional() }) },
        async (ctx) => {
          if (ctx.body.lane) {
            hiddenOnLane.get(ctx.body.lane)!.add(ctx.body.kid)
            return ctx.json({ removed: ctx.body.kid, lane: ctx.body.lane })
          }
          await (ctx as unknown as EndpointContext).context.adapter.delete({ model: 'jwks', where: [{ field: 'id', value: ctx.body.kid }] })
          known.decrypted.delete(ctx.body.kid)
          forgetCurrent()
          return ctx.json({ removed: ctx.body.kid })
        },
      ),
      conformanceServedKids: createAuthEndpoint(`${CONTROL_PATH}${CONTROL_ENDPOINTS.servedKids}`, { method: 'GET', use: [requireControlKey], requireHeaders: true }, async (ctx) => {
        const lane = ctx.query?.lane
        return ctx.json({ kids: lastServed.get(isJwksLane(lane) ? lane : 'plain') ?? [] })
      }),
      /** JWKS requests so far, and since a given time (ms since the epoch). */
      conformanceJwksRequests: createAuthEndpoint(`${CONTROL_PATH}${CONTROL_ENDPOINTS.jwksRequests}`, { method: 'GET', use: [requireControlKey], requireHeaders: true }, async (ctx) => {
        const since = Number(ctx.query?.since ?? 0)
        const { shape, lane } = ctx.query ?? {}
        const requests = isKeySetShape(shape) ? shapedRequests.get(shape)! : isJwksLane(lane) ? laneRequests.get(lane)! : jwksRequests
        return ctx.json({ total: requests.length, since: requests.filter((t) => t >= since).length })
      }),
      /**
       * Deletes a user and their sessions the way an admin (or the user) would; tokens already
       * issued stay signed and unexpired, which is what the deleted-user case measures.
       */
      conformanceDeleteUser: createAuthEndpoint(`${CONTROL_PATH}${CONTROL_ENDPOINTS.deleteUser}`, { method: 'POST', use: [requireControlKey], requireHeaders: true, body: z.object({ userId: z.string().min(1) }) }, async (ctx) => {
        // Better Auth's own deletion: sessions, accounts, then the user row.
        const internal = (ctx as unknown as { context: { internalAdapter: { deleteUser(id: string): Promise<void> } } }).context.internalAdapter
        await internal.deleteUser(ctx.body.userId)
        return ctx.json({ deleted: ctx.body.userId })
      }),
      conformanceExpireSession: createAuthEndpoint(`${CONTROL_PATH}${CONTROL_ENDPOINTS.expireSession}`, { method: 'POST', use: [requireControlKey], requireHeaders: true, body: z.object({ token: z.string().min(1) }) }, async (ctx) => {
        const internal = (ctx as unknown as { context: { internalAdapter: { updateSession(token: string, session: { expiresAt: Date }): Promise<unknown> } } }).context.internalAdapter
        // The raw token: the cookie's value is `<token>.<signature>`.
        await internal.updateSession(ctx.body.token.split('.')[0]!, { expiresAt: new Date(Date.now() - 60_000) })
        return ctx.json({ expired: true })
      }),
      conformanceJwksFault: createAuthEndpoint(
        `${CONTROL_PATH}${CONTROL_ENDPOINTS.jwksFault}`,
        { method: 'POST', use: [requireControlKey], requireHeaders: true, body: z.object({ mode: z.enum(JWKS_FAULTS), ms: z.number().int().min(0).max(HANG_LIMIT_MS).default(0), lane: z.enum(JWKS_LANES).optional() }) },
        async (ctx) => {
          const fault = { mode: ctx.body.mode, ms: ctx.body.ms }
          if (ctx.body.lane) laneFaults.set(ctx.body.lane, fault)
          else mainFault = fault
          return ctx.json(fault)
        },
      ),
    },
  } satisfies BetterAuthPlugin
}
