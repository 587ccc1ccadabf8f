import { randomBytes } from 'node:crypto'
import { ASYMMETRIC_PROFILES } from '../../harness/core/profiles.ts'
import { paced, pollUntil, seconds, sendTimed, sleep } from '../support/lifecycle.ts'
import { isSuccess as isAccepted } from '../support/exchange.ts'
import { worse } from '../../harness/core/verdict.ts'
import { signAsAttacker, withChanges } from '../support/tokens.ts'
import type { Judge, Judgement, LifecycleKit, ScenarioOutcome, Exchange } from '../../harness/core/case.ts'
import type { JwksLane } from '../../harness/core/protocol/control.ts'
import { defineCase } from './define-case.ts'
import { answersWithoutCrashing, rejected } from './expect.ts'

/**
 * Key lifecycle, measured at the issuer: rotation, removal, refetch storms and JWKS outages.
 * Each scenario runs on its profile's own issuer and sets up what it needs (rotating first where
 * it needs two keys), so any one of them can run alone. Those that need a refetch of their own
 * (a removal, each JWKS fault) have a lane: a target instance of their own, so the verifiers'
 * cooldowns are waited out side by side; the rest take turns on the lifecycle instance.
 */
const KEYS_ONLY = { profiles: ASYMMETRIC_PROFILES, profilesReason: 'HS256 has no key set to rotate or fetch' }
/**
 * How long a scenario waits for the verifier: keys.windowSeconds (30 s: jose's refetch cooldown),
 * plus slack for a refetch at the very end of a cooldown that began just before the scenario.
 */
const WINDOW_SLACK_MS = 5000
const windowMs = (kit: LifecycleKit) => kit.settings.windowSeconds * 1000 + WINDOW_SLACK_MS

/** A token for user A signed by the issuer's current key (or `kid`), with that kid in its header. */
async function tokenWithKey(kit: LifecycleKit, kid: string | undefined, header: Record<string, unknown> = {}) {
  return kit.signAsIssuer(withChanges(kit.user.a.header, { kid, ...header }), kit.user.a.claims, undefined, kid)
}

/**
 * A measurement needs its starting point: the target must accept this token first (it may
 * still be inside its refetch cooldown for a key it has not seen yet).
 */
async function ensureAccepted(kit: LifecycleKit, token: string, what: string) {
  const { reached, elapsedMs, exchange } = await pollUntil(kit, { token }, isAccepted, windowMs(kit))
  if (!reached) throw new Error(`precondition: the target never accepted ${what} (${exchange.status}) within ${seconds(elapsedMs)}; see keys/rotation-new-kid`)
}

/**
 * A published key the target accepts now: the current one, or (when the target has not learned
 * it yet: another scenario rotated since its last fetch, or its cache never refreshes) an older
 * one; when none is accepted yet, the current key once the target accepts it.
 */
async function acceptedKid(kit: LifecycleKit): Promise<string | undefined> {
  const current = await kit.control.currentKid()
  // Keys the target was last served first: trying a kid it never saw would spend the refetch
  // a rate-limited verifier allows (another lane may have rotated meanwhile), and the next
  // scenario would judge that spent refetch rather than the verifier.
  const served = await kit.control.servedKids()
  const candidates = [current, ...(await kit.control.publishedKids()).filter((k) => k !== current)]
  for (const kid of [...candidates.filter((k) => k && served.includes(k)), ...candidates.filter((k) => !k || !served.includes(k))]) {
    if (isAccepted(await kit.send({ token: await tokenWithKey(kit, kid) }))) return kid
  }
  await ensureAccepted(kit, await tokenWithKey(kit, current), 'the current key')
  return current
}

function unknownKidToken(kit: LifecycleKit) {
  return signAsAttacker(kit.profile, withChanges(kit.user.a.header, { kid: randomBytes(12).toString('base64url') }), kit.user.a.claims)
}

/**
 * jose's JWKS fetch gives up after 5 s. The 3 s of slack is for a loaded machine (several targets,
 * five profiles, lanes on 2 cores took 0.5 s of slack away); 10 s timeouts (Go's common choice)
 * and none at all stay above it.
 */
const PROMPT_MS = 8000
/** How long the slow JWKS takes to answer; well past the common 5-10 s fetch timeouts. */
const SLOW_JWKS_MS = 15_000
/**
 * A request unanswered this long was never going to be: PyJWT 2.6 without a timeout fetches
 * twice for an unknown kid (its cached set, then a refresh), so two slow fetches plus slack.
 */
const NEVER_ANSWERED_MS = 3 * SLOW_JWKS_MS + 5_000

/** During a JWKS outage (500) or junk: never accept; a crash still refuses, so it is a warn. */
const refusedDuringFault = rejected({ alsoFine: [503] })

/**
 * While the JWKS answers only after SLOW_JWKS_MS: accepting is a fail. A request that waited on
 * the fetch is a warn with the time, as libraries differ (jose 5 s, PyJWT 2.7+ 30 s, PyJWT 2.6
 * and Hono none at all), and no attacker chooses when the issuer is slow; so is one still
 * unanswered long after the JWKS answered.
 */
export const judgeSlowJwks: Judge = (exchange, context) => {
  if (isAccepted(exchange)) return refusedDuringFault(exchange, context)
  if (exchange.status === 0 && exchange.ms >= NEVER_ANSWERED_MS - 100) {
    // express-jwt with jwks-rsa on its defaults does this on a loaded machine: a library's behaviour, so a warn.
    return { verdict: 'warn', reason: `no answer within ${seconds(exchange.ms)}, though the slow JWKS answered every fetch after ${seconds(SLOW_JWKS_MS)}: the request hangs` }
  }
  const graded = refusedDuringFault(exchange, context)
  if (exchange.ms <= PROMPT_MS) return graded
  const fetches = Math.round(exchange.ms / SLOW_JWKS_MS)
  const held =
    exchange.ms >= SLOW_JWKS_MS - 1000 ? `: held for ${fetches === 1 ? 'a whole slow JWKS fetch' : `${fetches} whole slow JWKS fetches`}, so its fetch seems to have no timeout` : `: its JWKS fetch timeout is above ${PROMPT_MS / 1000} s`
  return { verdict: graded.verdict === 'pass' ? 'warn' : graded.verdict, reason: `${graded.reason} only after ${seconds(exchange.ms)}${held}`, severityCap: graded.severityCap }
}

/**
 * A JWKS fault must neither open the door nor stall the request. The target only meets the
 * fault when it refetches, which its cooldown may delay (jose: 30 s): unknown-kid tokens are
 * sent once a second until a JWKS request arrives (or the window passes); every answer counts.
 */
const LANE_OF_FAULT = { 'jwks-outage': 'outage', 'jwks-slow': 'slow', 'jwks-junk': 'junk' } as const satisfies Record<string, JwksLane>

function outageCase(name: keyof typeof LANE_OF_FAULT, title: string, fix: string) {
  const slow = name === 'jwks-slow'
  return defineCase({
    id: `keys/${name}`,
    title,
    severity: slow ? 'medium' : 'critical',
    refs: ['RFC8725-3.10', 'RFC7517-5'],
    ...KEYS_ONLY,
    kind: 'scenario',
    lane: LANE_OF_FAULT[name],
    scenario: async (kit) => {
      if (slow) await kit.control.fault('slow', SLOW_JWKS_MS)
      else await kit.control.fault(name === 'jwks-outage' ? 'fail' : 'junk')
      const judge = slow ? judgeSlowJwks : refusedDuringFault
      const started = Date.now()
      let worst: (Judgement & { exchange: Exchange }) | undefined
      let exercised = false
      while (!exercised && Date.now() - started < windowMs(kit)) {
        const before = await kit.control.jwksRequests(started)
        const exchange = await sendTimed(kit, { token: await unknownKidToken(kit), timeoutMs: NEVER_ANSWERED_MS })
        exercised = (await kit.control.jwksRequests(started)) > before
        const judgement = judge(exchange, { user: kit.user })
        if (!worst || worse(judgement.verdict, worst.verdict) || (exercised && worst.verdict === 'pass')) worst = { ...judgement, exchange }
        if (judgement.verdict === 'fail') break
        if (!exercised) await sleep(1000)
      }
      if (exercised) return { ...worst!, reason: `${worst!.reason} (the target refetched the JWKS during the fault)` }
      // Not reached is not proven safe: a fail-open verifier with a long cooldown looks the same.
      if (worst!.verdict === 'pass') {
        return { ...worst!, verdict: 'warn', reason: `${worst!.reason}, but the target did not refetch within ${seconds(windowMs(kit))} of the fault (a refetch cooldown that long also hides a fail-open path)` }
      }
      return worst!
    },
    fix,
    remedy: 'jwks-caching',
  })
}

/** The longest refetch rate limit of a mainstream library's documented defaults (seconds). */
const LONGEST_DEFAULT_REFETCH_LIMIT_S = 300

/**
 * After a rotation real users' tokens carry the new kid, which makes a caching verifier refetch
 * (within its cooldown). This plays that traffic, counts the verifier's JWKS fetches at the
 * issuer, and judges the removed key only against what the verifier has had reason to learn.
 */
async function watchRemovedKey(kit: LifecycleKit, { removedToken, freshToken, removedAt }: { removedToken: string; freshToken: string; removedAt: number }): Promise<ScenarioOutcome> {
  const started = performance.now()
  let learnedAfterMs: number | undefined // when the verifier had fetched a key set without the removed key
  for (;;) {
    const user = await kit.send({ token: freshToken })
    if (learnedAfterMs === undefined && isAccepted(user) && (await kit.control.jwksRequests(removedAt)) > 0) learnedAfterMs = performance.now() - started
    const exchange = await kit.send({ token: removedToken })
    const elapsedMs = performance.now() - started
    const learned = learnedAfterMs === undefined ? '' : ` (it fetched a key set without it ${seconds(learnedAfterMs)} after removal)`
    if (!isAccepted(exchange)) return { verdict: 'pass', reason: `the removed key was refused ${seconds(elapsedMs)} after removal${learned}`, exchange }
    if (elapsedMs >= windowMs(kit)) {
      if (learnedAfterMs === undefined) {
        const never = `the removed key was still accepted ${seconds(elapsedMs)} after removal, and the verifier never fetched the key set, not even for users' tokens with the new kid`
        // Within a shorter window, a cache that never refreshes looks like a documented refetch
        // rate limit (ruby-jwt's README loader, keyfunc: one refetch per 5 min).
        if (kit.settings.windowSeconds >= LONGEST_DEFAULT_REFETCH_LIMIT_S) return { verdict: 'fail', reason: `${never}: a removed (leaked) key is trusted until a restart`, exchange }
        return {
          verdict: 'warn',
          reason: `${never}: either its cache never refreshes (a leaked key is trusted until a restart) or it rate-limits refetches beyond the window (ruby-jwt's README: 5 min); keys.windowSeconds: ${LONGEST_DEFAULT_REFETCH_LIMIT_S} tells them apart`,
          exchange,
        }
      }
      return {
        verdict: 'warn',
        reason: `the removed key was still accepted ${seconds(elapsedMs)} after removal${learned}: it keeps keys per kid beyond a refetch (get-jwks and jwks-rsa do, until their TTL), so a leaked key works until that TTL ends`,
        exchange,
      }
    }
    await sleep(500)
  }
}

export const keysCases = [
  defineCase({
    id: 'keys/cache-observation',
    title: 'caches the JWKS across requests (20 valid requests, JWKS fetches counted)',
    severity: 'info',
    refs: ['RFC7517-5', 'RFC8725-3.10'],
    ...KEYS_ONLY,
    kind: 'scenario',
    scenario: async (kit) => {
      const since = Date.now()
      let last: Exchange | undefined
      for (let i = 0; i < 20; i++) last = await kit.send({ token: kit.user.a.token })
      const fetches = await kit.control.jwksRequests(since)
      if (fetches > 2) return { verdict: 'warn', reason: `${fetches} JWKS fetches for 20 requests: the key set is not cached`, exchange: last }
      return { verdict: 'pass', reason: `${fetches} JWKS fetch${fetches === 1 ? '' : 'es'} for 20 requests`, exchange: last }
    },
    fix: 'cache the JWKS (jose createRemoteJWKSet, PyJWKClient with cache_jwk_set) and refetch only for an unknown kid, rate-limited',
    remedy: 'jwks-caching',
  }),
  defineCase({
    id: 'keys/rotation-grace',
    title: 'still accepts a token from the previous key while it is published',
    severity: 'high',
    refs: ['RFC7517-5'],
    ...KEYS_ONLY,
    kind: 'scenario',
    scenario: async (kit) => {
      const previous = await acceptedKid(kit)
      await kit.control.rotate()
      const exchange = await kit.send({ token: await tokenWithKey(kit, previous) })
      if (isAccepted(exchange)) return { verdict: 'pass', reason: 'the previous key, still in the JWKS, is accepted', exchange }
      // Refusing a valid token locks users out but lets nobody in: a warn, however bad.
      return { verdict: 'warn', reason: `the previous key, still in the JWKS, was refused (${exchange.status}): users are logged out at every rotation`, exchange }
    },
    fix: 'select the key by kid among all published keys, not only the newest',
    remedy: 'jwks-caching',
  }),
  defineCase({
    id: 'keys/kid-absent-multiple-keys',
    title: 'answers a real token without kid while two keys are published, without crashing',
    severity: 'low',
    refs: ['RFC7515-4.1.4', 'RFC7517-4.5'],
    ...KEYS_ONLY,
    kind: 'scenario',
    scenario: async (kit) => {
      if ((await kit.control.publishedKids()).length < 2) await kit.control.rotate()
      const exchange = await kit.send({ token: await tokenWithKey(kit, undefined) })
      return { ...answersWithoutCrashing()(exchange, { user: kit.user }), exchange }
    },
    fix: 'with no kid and several keys, try each key of the pinned algorithm or refuse with 401 — never raise',
    remedy: 'kid-lookup',
  }),
  defineCase({
    id: 'keys/rotation-new-kid',
    title: 'accepts a token from a newly rotated key within the window, without a restart',
    severity: 'high',
    refs: ['RFC7517-5', 'RFC7515-4.1.4'],
    ...KEYS_ONLY,
    kind: 'scenario',
    scenario: async (kit) => {
      const kid = await kit.control.rotate()
      const token = await tokenWithKey(kit, kid)
      const { exchange, elapsedMs, reached } = await pollUntil(kit, { token }, isAccepted, windowMs(kit))
      if (reached) return { verdict: 'pass', reason: `the new key was accepted ${seconds(elapsedMs)} after rotation`, exchange }
      // Users with new tokens are refused until the cache refreshes: an outage, not a way in.
      return {
        verdict: 'warn',
        reason: `the new key was still refused ${seconds(elapsedMs)} after rotation (window ${kit.settings.windowSeconds} s): users with new tokens are locked out until the verifier refetches (a refetch rate limit that long, or a cache that never refreshes)`,
        exchange,
      }
    },
    fix: 'refetch the JWKS when a token names an unknown kid (rate-limited), instead of caching the first key set forever',
    remedy: 'jwks-caching',
  }),
  defineCase({
    id: 'keys/rotation-removed',
    title: "stops accepting a removed key once it has fetched a key set without it (users' new-kid traffic)",
    severity: 'medium',
    refs: ['RFC7517-5', 'RFC8725-3.10'],
    ...KEYS_ONLY,
    kind: 'scenario',
    lane: 'removal',
    scenario: async (kit) => {
      // The key to remove must be one the target accepts now: otherwise (a cache that never
      // refreshes, see keys/rotation-new-kid) this case would only repeat that one's failure.
      const removed = await acceptedKid(kit)
      const removedToken = await tokenWithKey(kit, removed)
      const fresh = await kit.control.rotate()
      const removedAt = Date.now()
      // On its lane the key leaves only this instance's view of the key set: the scenarios
      // beside it still sign with it and see it published.
      await kit.control.remove(removed!)
      return watchRemovedKey(kit, { removedToken, freshToken: await tokenWithKey(kit, fresh), removedAt })
    },
    fix: 'refetch the key set when a token names an unknown kid (jose createRemoteJWKSet, PyJWKClient do) and replace it whole; with per-kid caches (get-jwks ttl, jwks-rsa cacheMaxAge) keep the TTL to minutes',
    remedy: 'jwks-caching',
  }),
  defineCase({
    id: 'keys/unknown-kid-storm',
    title: 'tokens with random kids do not turn into JWKS requests (a refetch storm)',
    severity: 'medium',
    refs: ['RFC8725-3.10', 'RFC7517-5'],
    ...KEYS_ONLY,
    kind: 'scenario',
    scenario: async (kit) => {
      const { stormTokens, stormSeconds, stormBudget } = kit.settings
      const tokens = await Promise.all(Array.from({ length: stormTokens }, () => unknownKidToken(kit)))
      const since = Date.now()
      const exchanges = await paced(stormTokens, stormSeconds, (i) => sendTimed(kit, { token: tokens[i] }))
      await new Promise((resolve) => setTimeout(resolve, 300))
      const fetches = await kit.control.jwksRequests(since)
      const accepted = exchanges.find(isAccepted)
      if (accepted) return { verdict: 'fail', reason: 'a token with an unknown kid was accepted', exchange: accepted }
      const summary = `${fetches} JWKS fetches for ${stormTokens} unknown kids in ${stormSeconds} s (budget ${stormBudget})`
      // PyJWKClient and get-jwks refetch for every unknown kid on their defaults: a warn.
      if (fetches > stormBudget) return { verdict: 'warn', reason: `${summary}: every attacker request becomes a request to the issuer`, exchange: exchanges[0] }
      return { verdict: 'pass', reason: summary, exchange: exchanges[0] }
    },
    fix: 'rate-limit JWKS refetches for unknown kids (jose: cooldownDuration; PyJWKClient: wrap it), never clear the cache per request',
    remedy: 'jwks-caching',
  }),
  outageCase('jwks-outage', 'rejects an unknown-kid token promptly while the JWKS answers 500 (never fails open)', 'treat a JWKS error as "no key": 401 (or 503), never skip verification'),
  outageCase(
    'jwks-slow',
    'answers promptly while the JWKS takes 15 s (never accepts, never hangs)',
    'set a fetch timeout on the JWKS client (jose: 5 s by default; PyJWT 2.6 has none: upgrade to 2.7+ or wrap fetch_data) so a slow issuer cannot hold every request',
  ),
  outageCase('jwks-junk', 'rejects an unknown-kid token while the JWKS serves junk', 'validate the fetched key set and keep the last good one; junk never yields a key'),
]
