import { pageFetchExchange } from '../support/browser.ts'
import { worse } from '../../harness/core/verdict.ts'
import { isSuccess } from '../support/exchange.ts'
import { pathFor } from '../../harness/core/routes.ts'
import type { InteractionKit, InteractionOutcome, Exchange } from '../../harness/core/case.ts'
import { defineCase } from './define-case.ts'

/**
 * CORS as the frontend meets it: pages at the allowed origins (default the issuer's, as a
 * Next.js app on :3000 calls its API) and at an origin nobody allowed call the target's `me`
 * route with a Bearer token in real Chromium. Chromium decides what a page may read; the
 * direct OPTIONS/GET requests next to it are the evidence and the replay.
 */

const FETCH_SPEC = 'Fetch-3.2' // WHATWG Fetch: the CORS protocol
const ORIGIN = 'RFC6454-7' // the Origin header field

/** The probe route (`me`) as A calls it: every request here is A's, or its preflight. */
const mePath = (kit: InteractionKit) => pathFor(kit.target.probeRoute, { sub: kit.user.a.id })

function preflight(kit: InteractionKit, origin: string): Promise<Exchange> {
  const route = kit.target.probeRoute
  return kit.request(`preflight from ${origin}`, {
    method: 'OPTIONS',
    path: mePath(kit),
    headers: { Origin: origin, 'Access-Control-Request-Method': route.method, 'Access-Control-Request-Headers': 'authorization' },
  })
}

/** A page at `origin` calls `me` with A's token; the step records what the page could read. */
async function pageCallsMe(kit: InteractionKit, origin: string) {
  const url = kit.target.baseURL + mePath(kit)
  const headers = { Authorization: `Bearer ${kit.user.a.token}` }
  const started = performance.now()
  const fetched = await kit.browser.fetchFrom(origin, url, { headers })
  const exchange = pageFetchExchange(fetched, url, headers, Math.round(performance.now() - started))
  kit.record(`Chromium page at ${origin} calls ${kit.target.probeRoute.method} ${kit.target.probeRoute.path}`, exchange)
  return { fetched, exchange }
}

/** The worst outcome over the allowed origins decides. */
async function overAllowedOrigins(kit: InteractionKit, judge: (origin: string) => Promise<InteractionOutcome>): Promise<InteractionOutcome> {
  let worst: InteractionOutcome | undefined
  for (const origin of kit.target.cors.allowedOrigins) {
    const outcome = await judge(origin)
    if (!worst || worse(outcome.verdict, worst.verdict)) worst = outcome
  }
  return worst!
}

const header = (exchange: Exchange, name: string) => exchange.headers[name] ?? '(none)'

export const corsCases = [
  defineCase({
    id: 'cors/allowed-origin-reads',
    title: 'a page at an allowed origin can call the API with a Bearer token (preflight passes, answer readable)',
    severity: 'medium',
    refs: [FETCH_SPEC, ORIGIN],
    needs: ['frontend', 'browser'],
    kind: 'interaction',
    interact: (kit) =>
      overAllowedOrigins(kit, async (origin) => {
        const { fetched, exchange } = await pageCallsMe(kit, origin)
        if (fetched.readable && isSuccess(fetched.status!)) return { verdict: 'pass', reason: `a page at ${origin} read ${fetched.status}`, decisive: exchange }
        if (fetched.readable) return { verdict: 'fail', reason: `a page at ${origin} read ${fetched.status} for a valid token`, decisive: exchange }
        const seen = await preflight(kit, origin)
        return {
          verdict: 'fail',
          reason: `a page at ${origin} cannot read the answer (${fetched.error}); the preflight answered ${seen.status || seen.dropped} with Access-Control-Allow-Origin ${header(seen, 'access-control-allow-origin')} and -Headers ${header(seen, 'access-control-allow-headers')}`,
          decisive: seen,
        }
      }),
    fix: 'allow each frontend origin explicitly (Starlette CORSMiddleware allow_origins / express cors origin list) with Authorization in the allowed headers',
    remedy: 'cors',
  }),
  defineCase({
    id: 'cors/preflight-not-401',
    title: 'the CORS preflight (OPTIONS, no token) is answered by CORS, not rejected 401 by authentication',
    severity: 'medium',
    refs: [FETCH_SPEC, 'RFC9110-9.3.7'],
    needs: ['frontend'],
    kind: 'interaction',
    interact: (kit) =>
      overAllowedOrigins(kit, async (origin) => {
        const seen = await preflight(kit, origin)
        if (seen.status === 401 || seen.status === 403) {
          return { verdict: 'fail', reason: `the preflight from ${origin} was answered ${seen.status}: authentication runs before CORS, so no browser can call the API` }
        }
        if (isSuccess(seen.status)) return { verdict: 'pass', reason: `the preflight from ${origin} answered ${seen.status}` }
        return { verdict: 'warn', reason: `the preflight from ${origin} answered ${seen.status || seen.dropped}; browsers need 2xx (does the target handle CORS at all?)` }
      }),
    fix: 'let OPTIONS through authentication: add the CORS middleware outermost (FastAPI: add it last) or skip auth for OPTIONS',
    remedy: 'cors',
  }),
  defineCase({
    id: 'cors/disallowed-origin-blocked',
    title: "a page at an origin nobody allowed cannot read the API's answers",
    severity: 'high',
    refs: [FETCH_SPEC, ORIGIN, 'CWE-942'],
    needs: ['frontend', 'browser'],
    kind: 'interaction',
    interact: async (kit) => {
      const origin = kit.browser.disallowedOrigin
      const { fetched, exchange } = await pageCallsMe(kit, origin)
      if (!fetched.readable) return { verdict: 'pass', reason: `Chromium kept the answer from ${origin} (${fetched.error})`, decisive: exchange }
      const direct = await kit.request(`${kit.target.probeRoute.method} from ${origin} with A's token`, { method: kit.target.probeRoute.method, path: mePath(kit), as: kit.user.a, headers: { Origin: origin } })
      const wildcard = direct.headers['access-control-allow-origin'] === '*' && direct.headers['access-control-allow-credentials']?.toLowerCase() !== 'true'
      // "*" without credentials only exposes what a page already holds a token for: milder.
      if (wildcard) return { verdict: 'fail', reason: `a page at ${origin} read ${fetched.status}: Access-Control-Allow-Origin is *`, severityCap: 'low', decisive: exchange }
      return { verdict: 'fail', reason: `a page at ${origin} read ${fetched.status}: the target grants its origin (Access-Control-Allow-Origin: ${header(direct, 'access-control-allow-origin')})`, decisive: exchange }
    },
    fix: 'answer Access-Control-Allow-Origin only for origins on an explicit allow-list; never reflect the Origin header',
    remedy: 'cors',
  }),
  defineCase({
    id: 'cors/credentials-with-any-origin',
    title: 'Access-Control-Allow-Credentials: true never comes with * or a reflected foreign origin',
    severity: 'high',
    refs: [FETCH_SPEC, ORIGIN, 'CWE-942'],
    needs: ['frontend'],
    kind: 'interaction',
    interact: async (kit) => {
      const origin = 'https://attacker.authconform.test'
      const answers = [
        await preflight(kit, origin),
        await kit.request(`${kit.target.probeRoute.method} from ${origin} with A's token`, { method: kit.target.probeRoute.method, path: mePath(kit), as: kit.user.a, headers: { Origin: origin } }),
      ]
      for (const answer of answers) {
        const allowOrigin = answer.headers['access-control-allow-origin']
        const credentials = answer.headers['access-control-allow-credentials']?.toLowerCase() === 'true'
        if (credentials && (allowOrigin === '*' || allowOrigin === origin)) {
          return { verdict: 'fail', reason: `answered ${answer.request.method} from ${origin} with Access-Control-Allow-Origin: ${allowOrigin} and Allow-Credentials: true`, decisive: answer }
        }
      }
      return { verdict: 'pass', reason: `no credentialed grant to ${origin} (Allow-Origin ${header(answers[1]!, 'access-control-allow-origin')})`, decisive: answers[1] }
    },
    fix: 'with allow_credentials=True list the origins; never combine it with "*" or origin reflection (cors({ origin: true }))',
    remedy: 'cors',
  }),
]
