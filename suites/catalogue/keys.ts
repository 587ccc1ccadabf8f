import { randomBytes } from 'node:crypto'
import { ASYMMETRIC_PROFILES } from '../../harness/profiles.ts'
import { isAccepted, paced, pollUntil, seconds, sendTimed } from '../support/lifecycle.ts'
import { signAsAttacker, withChanges } from '../support/tokens.ts'
import type { Exchange } from '../support/exchange.ts'
import { defineCase, type Judgement, type LifecycleKit } from './define.ts'
import { answersWithoutCrashing, rejected } from './expect.ts'

/**
 * Key lifecycle, measured at the issuer: rotation, removal, refetch storms and JWKS outages.
 * Each scenario runs on its profile's own issuer and target instance and sets up what it needs
 * (rotating first where it needs two keys), so any one of them can run alone.
 */
const KEYS_ONLY = { profiles: ASYMMETRIC_PROFILES, profilesReason: 'HS256 has no key set to rotate or fetch' }
// 5 s, plus slack so a client with the common 5 s fetch timeout (jose's default) is not failed by milliseconds.
const OUTAGE_LIMIT_MS = 5500

/** A token for user A signed by the issuer's current key (or `kid`), with that kid in its header. */
async function tokenWithKey(kit: LifecycleKit, kid: string | undefined, header: Record<string, unknown> = {}) {
  return kit.signAsIssuer(withChanges(kit.user.a.header, { kid, ...header }), kit.user.a.claims, undefined, kid)
}

/**
 * A measurement needs its starting point: the target must accept this token first (it may
 * still be inside its refetch cooldown for a key it has not seen yet).
 */
async function ensureAccepted(kit: LifecycleKit, token: string, what: string) {
  const { reached, elapsedMs, exchange } = await pollUntil(kit, { token }, isAccepted, kit.settings.windowSeconds * 1000)
  if (!reached) throw new Error(`precondition: the target never accepted ${what} (${exchange.status}) within ${seconds(elapsedMs)}; see keys/rotation-new-kid`)
}

function unknownKidToken(kit: LifecycleKit) {
  return signAsAttacker(kit.profile, withChanges(kit.user.a.header, { kid: randomBytes(12).toString('base64url') }), kit.user.a.claims)
}

/** How long an outage scenario keeps asking until the target's refetch cooldown lets it fetch. */
const EXERCISE_MS = 15_000

/**
 * A JWKS fault must neither open the door nor stall the request (hang = fail). The target only
 * meets the fault when it refetches, which its cooldown may delay: unknown-kid tokens are sent
 * once a second until a JWKS request arrives (or EXERCISE_MS passes), and every answer counts.
 */
function outageCase(name: 'jwks-outage' | 'jwks-slow' | 'jwks-junk', fault: 'fail' | 'hang' | 'junk', title: string, fix: string) {
  return defineCase({
    id: `keys/${name}`,
    title,
    severity: fault === 'hang' ? 'medium' : 'critical',
    refs: ['RFC8725-3.10', 'RFC7517-5'],
    ...KEYS_ONLY,
    scenario: async (kit) => {
      await kit.control.fault(fault)
      const started = Date.now()
      const judge = rejected({ alsoFine: [503], withinMs: OUTAGE_LIMIT_MS })
      let worst: (Judgement & { exchange: Exchange }) | undefined
      let exercised = false
      while (!exercised && Date.now() - started < EXERCISE_MS) {
        const before = await kit.control.jwksRequests(started)
        // A hang comes back after the probe's timeout, so withinMs turns it into a fail.
        const exchange = await sendTimed(kit, { token: await unknownKidToken(kit), timeoutMs: OUTAGE_LIMIT_MS + 3000 })
        exercised = (await kit.control.jwksRequests(started)) > before
        const judgement = judge(exchange, { user: kit.user })
        if (!worst || judgement.verdict === 'fail' || (exercised && worst.verdict === 'pass')) worst = { ...judgement, exchange }
        if (judgement.verdict === 'fail') break
        if (!exercised) await new Promise((resolve) => setTimeout(resolve, 1000))
      }
      if (exercised) return { ...worst!, reason: `${worst!.reason} (the target refetched the JWKS during the fault)` }
      // Not reached is not proven safe: a fail-open verifier with a long cooldown looks the same.
      if (worst!.verdict === 'pass') {
        return { ...worst!, verdict: 'warn', reason: `${worst!.reason}, but the target did not refetch within ${EXERCISE_MS / 1000} s of the fault (a refetch cooldown that long also hides a fail-open path)` }
      }
      return worst!
    },
    fix,
  })
}

export const keysCases = [
  defineCase({
    id: 'keys/cache-observation',
    title: 'caches the JWKS across requests (20 valid requests, JWKS fetches counted)',
    severity: 'info',
    refs: ['RFC7517-5', 'RFC8725-3.10'],
    ...KEYS_ONLY,
    scenario: async (kit) => {
      const since = Date.now()
      let last
      for (let i = 0; i < 20; i++) last = await kit.send({ token: kit.user.a.token })
      const fetches = await kit.control.jwksRequests(since)
      if (fetches > 2) return { verdict: 'warn', reason: `${fetches} JWKS fetches for 20 requests: the key set is not cached`, exchange: last }
      return { verdict: 'pass', reason: `${fetches} JWKS fetch${fetches === 1 ? '' : 'es'} for 20 requests`, exchange: last }
    },
    fix: 'cache the JWKS (jose createRemoteJWKSet, PyJWKClient with cache_jwk_set) and refetch only for an unknown kid, rate-limited',
  }),
  defineCase({
    id: 'keys/rotation-grace',
    title: 'still accepts a token from the previous key while it is published',
    severity: 'high',
    refs: ['RFC7517-5'],
    ...KEYS_ONLY,
    scenario: async (kit) => {
      const previous = await kit.control.currentKid()
      await ensureAccepted(kit, await tokenWithKey(kit, previous), 'the current key')
      await kit.control.rotate()
      const exchange = await kit.send({ token: await tokenWithKey(kit, previous) })
      if (isAccepted(exchange)) return { verdict: 'pass', reason: 'the previous key, still in the JWKS, is accepted', exchange }
      return { verdict: 'fail', reason: `the previous key, still in the JWKS, was refused (${exchange.status}): users are logged out at every rotation`, exchange }
    },
    fix: 'select the key by kid among all published keys, not only the newest',
  }),
  defineCase({
    id: 'keys/kid-absent-multiple-keys',
    title: 'answers a real token without kid while two keys are published, without crashing',
    severity: 'low',
    refs: ['RFC7515-4.1.4', 'RFC7517-4.5'],
    ...KEYS_ONLY,
    scenario: async (kit) => {
      if ((await kit.control.publishedKids()).length < 2) await kit.control.rotate()
      const exchange = await kit.send({ token: await tokenWithKey(kit, undefined) })
      return { ...answersWithoutCrashing()(exchange, { user: kit.user }), exchange }
    },
    fix: 'with no kid and several keys, try each key of the pinned algorithm or refuse with 401 — never raise',
  }),
  defineCase({
    id: 'keys/rotation-new-kid',
    title: 'accepts a token from a newly rotated key within the window, without a restart',
    severity: 'high',
    refs: ['RFC7517-5', 'RFC7515-4.1.4'],
    ...KEYS_ONLY,
    scenario: async (kit) => {
      const kid = await kit.control.rotate()
      const token = await tokenWithKey(kit, kid)
      const windowMs = kit.settings.windowSeconds * 1000
      const { exchange, elapsedMs, reached } = await pollUntil(kit, { token }, isAccepted, windowMs)
      if (reached) return { verdict: 'pass', reason: `the new key was accepted ${seconds(elapsedMs)} after rotation`, exchange }
      return { verdict: 'fail', reason: `the new key was still refused ${seconds(elapsedMs)} after rotation (window ${kit.settings.windowSeconds} s): the JWKS cache never refreshes`, exchange }
    },
    fix: 'refetch the JWKS when a token names an unknown kid (rate-limited), instead of caching the first key set forever',
  }),
  defineCase({
    id: 'keys/rotation-removed',
    title: 'stops accepting a removed key within the window (observed cache lifetime reported)',
    severity: 'medium',
    refs: ['RFC7517-5', 'RFC8725-3.10'],
    ...KEYS_ONLY,
    scenario: async (kit) => {
      // The key to remove must be one the target accepts now: the current key, or, when the
      // target never learned it (a cache that never refreshes, see keys/rotation-new-kid),
      // an older key still published. Otherwise this case would only repeat that one's failure.
      const current = await kit.control.currentKid()
      let removed = current
      for (const kid of [current, ...(await kit.control.publishedKids()).filter((k) => k !== current)]) {
        if (isAccepted(await kit.send({ token: await tokenWithKey(kit, kid) }))) {
          removed = kid
          break
        }
      }
      const token = await tokenWithKey(kit, removed)
      await ensureAccepted(kit, token, 'the key about to be removed')
      await kit.control.rotate()
      await kit.control.remove(removed!)
      const windowMs = kit.settings.windowSeconds * 1000
      const { exchange, elapsedMs, reached } = await pollUntil(kit, { token }, (e) => !isAccepted(e), windowMs, 500)
      if (reached) return { verdict: 'pass', reason: `the removed key was refused ${seconds(elapsedMs)} after removal (observed cache lifetime)`, exchange }
      return { verdict: 'fail', reason: `the removed key was still accepted ${seconds(elapsedMs)} after removal (window ${kit.settings.windowSeconds} s): a leaked key cannot be revoked`, exchange }
    },
    fix: 'bound the JWKS cache lifetime (jose cacheMaxAge, PyJWKClient lifespan) below keys.windowSeconds, so a removed (leaked) key stops working fast',
  }),
  defineCase({
    id: 'keys/unknown-kid-storm',
    title: 'tokens with random kids do not turn into JWKS requests (a refetch storm)',
    severity: 'medium',
    refs: ['RFC8725-3.10', 'RFC7517-5'],
    ...KEYS_ONLY,
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
      if (fetches > stormBudget) return { verdict: 'fail', reason: `${summary}: every attacker request becomes a request to the issuer`, exchange: exchanges[0] }
      return { verdict: 'pass', reason: summary, exchange: exchanges[0] }
    },
    fix: 'rate-limit JWKS refetches for unknown kids (jose: cooldownDuration; PyJWKClient: wrap it), never clear the cache per request',
  }),
  outageCase('jwks-outage', 'fail', 'rejects an unknown-kid token promptly while the JWKS answers 500 (never fails open)', 'treat a JWKS error as "no key": 401 (or 503), never skip verification'),
  outageCase('jwks-slow', 'hang', 'answers within 5 s (+0.5 s slack) while the JWKS hangs', 'set a fetch timeout on the JWKS client (2-3 s) so a slow issuer cannot hold every request'),
  outageCase('jwks-junk', 'junk', 'rejects an unknown-kid token while the JWKS serves junk', 'validate the fetched key set and keep the last good one; junk never yields a key'),
]
