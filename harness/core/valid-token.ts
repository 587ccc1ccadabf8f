import { AuthconformError } from './errors.ts'
import type { Profile } from './profiles.ts'
import { printable } from './text.ts'

/** The valid-token request and what came of it: an HTTP answer, or `failure` when none came. */
export interface ValidTokenAnswer {
  request: { method: string; url: string; headers: Record<string, string> }
  /** The token the request carried: which header held it is part of the diagnosis. */
  token: string
  status: number
  headers: Record<string, string>
  body: string
  /** Why no (whole) answer came: a timeout, a reset, a non-HTTP answer. */
  failure?: string
}

interface TargetUnderTest {
  profile: Profile
  issuer: { jwksURL: string; issuer: string; audience: string }
  /** The route the valid token went to, and the config key that names it (`target.routes.me`). */
  route: { method: string; path: string }
  routeKey: string
}

const BODY_HEAD_BYTES = 200
const TARGET_LOG = "DEBUG=authconform:target prints a started target's output"

/**
 * Why a valid token of a real user did not get 2xx, for a user who has to fix the target: one
 * line (what was sent, what came back, the likely cause) and details (the answer's first bytes,
 * the request, the likely fix, where the target's log is).
 */
export function validTokenRefused(answer: ValidTokenAnswer, target: TargetUnderTest): AuthconformError {
  const { method, url } = answer.request
  const path = new URL(url).pathname + new URL(url).search
  const carrier = Object.keys(answer.request.headers).find((name) => answer.request.headers[name]!.includes(answer.token))
  const sent = `${method} ${path} (${carrier ? `token in the ${carrier} header` : 'the token in no header'})`
  const likely = likelyCause(answer, target)
  const message = answer.status
    ? `the target refused a valid ${target.profile} token: ${sent} answered ${answer.status}${answer.failure ? ` (then ${answer.failure})` : ''}${likely ? ` — ${likely.cause}` : ''}`
    : `the target did not answer a valid ${target.profile} token: ${sent}: ${answer.failure ?? 'no answer'}${likely ? ` — ${likely.cause}` : ''}`
  const challenge = answer.headers['www-authenticate']
  return new AuthconformError('ERR_TARGET_NOT_READY', message, {
    details: [
      `answer:  ${answer.status ? `${answer.status} ` : ''}${printable(headOf(answer.body)) || '(empty body)'}${challenge ? `  WWW-Authenticate: ${printable(challenge)}` : ''}`,
      `request: ${method} ${url}, ${carrier ? `${carrier}: ${redacted(answer.request.headers[carrier]!)}` : 'no header carried the token'}`,
      ...(likely ? [`likely fix: ${likely.fix}`] : []),
      `target log: ${TARGET_LOG}`,
    ],
  })
}

/** The likely fix of a refused valid token (else `general`), and where the target's log is. */
export function validTokenFix(answer: ValidTokenAnswer, target: TargetUnderTest, general: string): string {
  return `${likelyCause(answer, target)?.fix ?? general}; ${TARGET_LOG}`
}

/** The configuration mismatches a refusal of a valid token usually comes from, by status. */
function likelyCause(answer: ValidTokenAnswer, { profile, issuer, route: { method, path }, routeKey }: TargetUnderTest): { cause: string; fix: string } | undefined {
  const route = `${routeKey} ("${method} ${path}")`
  const status = answer.status
  if (status === 401 || status === 403) {
    // The names a started target gets (targetEnv); a running one must be configured alike.
    const keys = profile === 'HS256' ? 'BETTER_AUTH_SECRET (HS256 tokens are signed with it)' : `JWKS_URL=${issuer.jwksURL}`
    return {
      cause: `likely an audience, issuer or ${profile === 'HS256' ? 'secret' : 'JWKS URL'} mismatch`,
      fix: `the verifier must use what the issuer signs with: ${keys}, JWT_ISSUER=${issuer.issuer}, API_AUDIENCE=${issuer.audience}, JWT_ALGORITHMS=${profile} (a started target gets these as env); or set target.issuer / target.audience to what it expects; or, if it needs a header on every request (an API key, a tenant, the frontend's Origin), set target.headers${status === 403 ? '; a 403 can also be a role or scope the route needs, which a fresh user lacks' : ''}`,
    }
  }
  if (status === 404) return { cause: `no such route: check ${route}`, fix: `set ${routeKey} to the target's authenticated route that answers 2xx for a valid token` }
  if (status === 405) return { cause: `wrong method: check ${route}`, fix: `set the method of ${routeKey} to the one the route accepts` }
  if (status >= 300 && status < 400) {
    return { cause: `redirected to ${answer.headers.location ?? 'another page'}: a session (cookie) guard, not a bearer verifier?`, fix: `point ${route} at a route that verifies the Authorization: Bearer token` }
  }
  if (status >= 500) return { cause: 'the target failed while verifying it', fix: "the target's log has the cause" }
  if (!status && /timed out/.test(answer.failure ?? '') && profile !== 'HS256') {
    return { cause: `does its verifier wait on JWKS_URL?`, fix: `the target must reach JWKS_URL=${issuer.jwksURL} (from a container: host networking) and time out fetching it` }
  }
  return undefined
}

/** The first bytes of a body, cut between characters (a partial sequence is held back, not replaced). */
function headOf(text: string): string {
  return new TextDecoder().decode(Buffer.from(text).subarray(0, BODY_HEAD_BYTES), { stream: true })
}

/** As evidence shows credentials: the start (alg and kid are in it), then the length. */
function redacted(value: string): string {
  return value.length > 80 ? `${value.slice(0, 60)}…(${value.length} chars)` : value
}
