import { issuerProxyPath, PAGES_PATH } from '../../harness/core/protocol/page-channel.ts'
import { ASYMMETRIC_PROFILES } from '../../harness/core/profiles.ts'
import { pathFor } from '../../harness/core/routes.ts'
import { isSuccess } from '../support/resource.ts'
import type { InteractionKit, InteractionOutcome, Exchange } from '../../harness/core/case.ts'
import { defineCase } from './define-case.ts'

/**
 * The frontend → backend flow the seeds describe, in Chromium: the issuer's page signs user A
 * in with the real Better Auth client (createAuthClient + jwtClient), takes a JWT the way the
 * frontend does, and calls the target's `me` route with it.
 */

interface FlowArgs {
  baseURL: string
  email: string
  password: string
  targetURL: string
  source: 'token' | 'set-auth-jwt'
}

interface FlowResult {
  stage: 'sign-in' | 'token' | 'api'
  error?: string
  readable?: boolean
  status?: number
  body?: string
  token?: string
}

/** Runs inside the page: everything here is the browser's, nothing is node's. */
async function signInAndCall({ baseURL, email, password, targetURL, source }: FlowArgs): Promise<FlowResult> {
  const { createAuthClient, jwtClient } = (globalThis as any).authconform
  // basePath: a baseURL with no path would get the client's default /api/auth appended, and an
  // app whose basePath is '/' is served at its origin's root.
  const client = createAuthClient({ baseURL, basePath: new URL(baseURL).pathname, plugins: [jwtClient()] })
  const signedIn = await client.signIn.email({ email, password })
  if (signedIn.error) return { stage: 'sign-in', error: JSON.stringify(signedIn.error) }
  let token: string | undefined
  if (source === 'token') {
    const answer = await client.token()
    if (answer.error) return { stage: 'token', error: JSON.stringify(answer.error) }
    token = answer.data?.token
  } else {
    await client.getSession({ fetchOptions: { onSuccess: (ctx: any) => void (token = ctx.response.headers.get('set-auth-jwt') ?? undefined) } })
  }
  if (!token) return { stage: 'token', error: `no JWT from ${source === 'token' ? 'authClient.token()' : 'the set-auth-jwt header of get-session'}` }
  try {
    const response = await fetch(targetURL, { headers: { Authorization: `Bearer ${token}` } })
    return { stage: 'api', readable: true, status: response.status, body: (await response.text()).slice(0, 200), token }
  } catch (error) {
    return { stage: 'api', readable: false, error: String(error), token }
  }
}

/**
 * Where the frontend lives: the issuer's own origin when the target allows it (the Next.js
 * app is the frontend), else the first configured origin, whose page server forwards
 * Better Auth's routes to the issuer as a Next.js rewrite would.
 */
function frontendOf(kit: InteractionKit): { origin: string; page: string; authBaseURL: string } {
  const issuerOrigin = new URL(kit.issuer.baseURL).origin
  const origins = kit.target.cors.allowedOrigins
  if (origins.includes(issuerOrigin)) return { origin: issuerOrigin, page: `${kit.issuer.pagesURL}/flow`, authBaseURL: kit.issuer.authURL }
  const origin = origins[0]!
  return { origin, page: `${origin}${PAGES_PATH}/flow`, authBaseURL: `${origin}${issuerProxyPath(new URL(kit.issuer.baseURL).port)}${new URL(kit.issuer.authURL).pathname.replace(/\/$/, '')}` }
}

async function browserFlow(kit: InteractionKit, source: FlowArgs['source']): Promise<InteractionOutcome> {
  const { target, user } = kit
  const targetURL = target.baseURL + pathFor(target.probeRoute, { sub: user.a.id })
  const frontend = frontendOf(kit)
  const started = performance.now()
  const result = await kit.browser.evaluateAt(frontend.page, signInAndCall, {
    baseURL: frontend.authBaseURL,
    email: user.a.email,
    password: user.a.password,
    targetURL,
    source,
  })
  if (result.stage !== 'api') throw new Error(`the Better Auth client failed at ${result.stage}: ${result.error}`)
  const exchange: Exchange = {
    request: { method: 'GET', url: targetURL, headers: { Origin: frontend.origin, Authorization: `Bearer ${result.token}` } },
    status: result.status ?? 0,
    headers: {},
    body: result.body ?? '',
    ms: Math.round(performance.now() - started),
    browser: `Chromium, a page at ${frontend.origin} signed A in with the Better Auth client, took the JWT from ${source === 'token' ? 'authClient.token()' : "get-session's set-auth-jwt header"} and called the API: ${result.readable ? `read ${result.status}` : `fetch threw ${result.error}`}`,
  }
  kit.record(`A signs in in Chromium and calls ${target.probeRoute.method} ${target.probeRoute.path}`, exchange)
  if (!result.readable) return { verdict: 'fail', reason: `the frontend page cannot read the API's answer (${result.error}): see cors/allowed-origin-reads` }
  if (!isSuccess(result.status!)) return { verdict: 'fail', reason: `the API answered ${result.status} to the frontend's own token` }
  return { verdict: 'pass', reason: `signed in, got the JWT, the API answered ${result.status}` }
}

const JWKS_ONLY = "the jwt plugin (authClient.token(), set-auth-jwt) issues the JWKS profiles' tokens; the HS256 profile is hand-rolled"

export const flowCases = [
  defineCase({
    id: 'flow/browser-sign-in',
    title: "Better Auth's client signs in in Chromium, gets the JWT with authClient.token(), and the API accepts it",
    severity: 'high',
    refs: ['RFC6750-2.1'],
    profiles: ASYMMETRIC_PROFILES,
    profilesReason: JWKS_ONLY,
    needs: ['frontend', 'browser'],
    kind: 'interaction',
    interact: (kit) => browserFlow(kit, 'token'),
    fix: 'verify the tokens Better Auth really issues (alg, iss, aud as configured) and let the frontend origin through CORS',
    remedy: 'better-auth-tokens',
  }),
  defineCase({
    id: 'flow/session-jwt-header',
    title: "the JWT in get-session's set-auth-jwt header is accepted by the API too",
    severity: 'medium',
    refs: ['RFC6750-2.1'],
    profiles: ASYMMETRIC_PROFILES,
    profilesReason: JWKS_ONLY,
    needs: ['frontend', 'browser'],
    kind: 'interaction',
    interact: (kit) => browserFlow(kit, 'set-auth-jwt'),
    fix: 'accept every token the jwt plugin issues: /token and the set-auth-jwt header carry the same claims',
    remedy: 'better-auth-tokens',
  }),
]
