import { decodeJwt } from 'jose'
import { isSuccess } from '../support/exchange.ts'
import { readDotted } from '../support/json.ts'
import { SetupFailed } from '../support/resource.ts'
import { pathFor } from '../../harness/core/routes.ts'
import type { Principal } from '../../harness/core/context.ts'
import type { Exchange, InteractionKit, InteractionOutcome, Judgement } from '../../harness/core/case.ts'
import { defineCase } from './define-case.ts'

/**
 * Backends that read Better Auth's database (`target.database`): they can refuse what a
 * stateless JWT cannot — a deleted user, and, when they take Better Auth's opaque session token
 * as a Bearer (`target.sessionTokens`), a signed-out or expired session.
 */

const SESSION_REFS = ['OWASP-API2-2023', 'CWE-613', 'RFC6819-5.1.5.3']
const FIX_SESSION = 'look the session up by its token on every request, joined with its user, and refuse it unless "expiresAt" > now()'

/** The raw session token: the session cookie's value is `<token>.<signature>`. */
const rawToken = (user: Principal) => sessionValue(user).split('.')[0]!
const sessionValue = (user: Principal) => {
  if (!user.sessionToken) throw new SetupFailed(`user ${user.label.toUpperCase()} has no session cookie from sign-up`)
  return user.sessionToken
}

/** The probe route called as `user` with `credential` as the Bearer (a session token, not a JWT). */
const callWith = (kit: InteractionKit, label: string, user: Principal, credential: string) =>
  kit.request(label, { method: kit.target.probeRoute.method, path: pathFor(kit.target.probeRoute, { sub: user.id }), authorization: `Bearer ${credential}` })

/** A credential that must now be refused: 2xx fails, a crash fails milder, any refusal passes. */
function refusedNow(exchange: Exchange, what: string): Judgement {
  if (isSuccess(exchange.status)) return { verdict: 'fail', reason: `${what}: still accepted (${exchange.status})` }
  if (exchange.status >= 500) return { verdict: 'fail', reason: `${what}: answered ${exchange.status} (the lookup crashed)`, severityCap: 'medium' }
  return { verdict: 'pass', reason: `${what}: refused with ${exchange.status}` }
}

/** A throwaway user whose session works before the case ends it; `end` is what ends it. */
async function endedSession(kit: InteractionKit, what: string, end: (user: Principal) => Promise<void>): Promise<InteractionOutcome> {
  const c = await kit.issuerAdmin.signUp()
  const before = await callWith(kit, "C (a throwaway user) calls with C's session token", c, rawToken(c))
  if (!isSuccess(before.status)) throw new SetupFailed(`C's live session token got ${before.status} before ${what}: does the target accept session tokens (target.sessionTokens)?`)
  await end(c)
  const after = await callWith(kit, `C calls with the same session token after ${what}`, c, rawToken(c))
  return { ...refusedNow(after, `C's session token after ${what}`), decisive: after }
}

/** Whether the answer names `user` as the caller, where the me route says who it is. */
function answeredAs(kit: InteractionKit, exchange: Exchange, user: Principal): Judgement | undefined {
  const identity = kit.target.identity
  if (identity?.from !== 'me') return undefined
  const reported = readDotted(exchange.body, identity.idPath)
  if (String(reported) === user.id) return undefined
  return { verdict: 'fail', reason: `accepted as ${String(reported)}, but the session is ${user.label.toUpperCase()}'s (${user.id})` }
}

export const databaseCases = [
  defineCase({
    id: 'database/deleted-user-jwt-refused',
    title: "a deleted user's unexpired JWT is refused by a backend that reads the user table",
    severity: 'medium',
    refs: ['RFC7519-4.1.4', 'RFC8725-2', 'CWE-613'],
    needs: ['database'],
    kind: 'interaction',
    interact: async (kit) => {
      const c = await kit.issuerAdmin.signUp()
      const before = await callWith(kit, "C (a throwaway user) calls with C's JWT", c, c.token)
      if (!isSuccess(before.status)) throw new SetupFailed(`C's valid JWT got ${before.status} before deletion`)
      await kit.issuerAdmin.deleteUser(c.id)
      const after = await callWith(kit, 'C calls again after Better Auth deleted C', c, c.token)
      if (isSuccess(after.status)) {
        const window = Math.max(0, Math.round(Number(decodeJwt(c.token).exp) - Date.now() / 1000))
        return { verdict: 'warn', reason: `accepted after the user was deleted, for up to ${window} s more (until exp), though the target reads Better Auth's database: look the user up`, decisive: after }
      }
      return { ...refusedNow(after, "a deleted user's JWT"), decisive: after }
    },
    fix: 'after verifying the JWT, look its sub up in Better Auth\'s "user" table and answer 401 when the row is gone',
    remedy: 'session-lookup',
  }),
  defineCase({
    id: 'database/session-token-accepted',
    title: "A's live session token as a Bearer is accepted, as A (the target says it takes them)",
    severity: 'high',
    refs: ['RFC6750-2.1'],
    needs: ['sessionTokens'],
    kind: 'interaction',
    interact: async (kit) => {
      const { a } = kit.user
      const exchange = await callWith(kit, "A calls with A's raw session token", a, rawToken(a))
      if (!isSuccess(exchange.status)) return { verdict: 'fail', reason: `A's live session token was refused with ${exchange.status} (target.sessionTokens says the target accepts them)`, decisive: exchange }
      return { ...(answeredAs(kit, exchange, a) ?? { verdict: 'pass', reason: `accepted with ${exchange.status}` }), decisive: exchange }
    },
    fix: 'look the raw token up in Better Auth\'s "session" table (column token) and take the caller from its "userId"; or set target.sessionTokens: false',
    remedy: 'session-lookup',
  }),
  defineCase({
    id: 'database/session-signed-value-accepted',
    title: "the session cookie's signed value (<token>.<signature>) as a Bearer is accepted too",
    severity: 'low',
    refs: ['RFC6265-4.1.1'],
    needs: ['sessionTokens'],
    kind: 'interaction',
    interact: async (kit) => {
      const { a } = kit.user
      const exchange = await callWith(kit, "A calls with A's session cookie value", a, sessionValue(a))
      if (isSuccess(exchange.status)) return { ...(answeredAs(kit, exchange, a) ?? { verdict: 'pass', reason: `accepted with ${exchange.status}` }), decisive: exchange }
      const crashed = exchange.status >= 500
      return { verdict: 'warn', reason: `answered ${exchange.status}${crashed ? ' (a crash)' : ''}: a frontend that forwards the cookie's value gets no answer; the token is the part before the dot`, decisive: exchange }
    },
    fix: 'strip the signature before the lookup: the token is the part of the cookie value before the first dot',
    remedy: 'session-lookup',
  }),
  defineCase({
    id: 'database/session-signed-out-refused',
    title: 'a session token is refused once its user signed out',
    severity: 'critical',
    refs: SESSION_REFS,
    needs: ['sessionTokens'],
    kind: 'interaction',
    interact: (kit) => endedSession(kit, 'C signed out', (c) => kit.issuerAdmin.signOut(c)),
    fix: FIX_SESSION,
    remedy: 'session-lookup',
  }),
  defineCase({
    id: 'database/session-expired-refused',
    title: 'a session token is refused once its session expired (the row is still there)',
    severity: 'critical',
    refs: SESSION_REFS,
    needs: ['sessionTokens'],
    kind: 'interaction',
    interact: (kit) => endedSession(kit, "C's session expired", (c) => kit.issuerAdmin.expireSession(c)),
    fix: FIX_SESSION,
    remedy: 'session-lookup',
  }),
  defineCase({
    id: 'database/session-deleted-user-refused',
    title: "a deleted user's session token is refused",
    severity: 'high',
    refs: SESSION_REFS,
    needs: ['sessionTokens'],
    kind: 'interaction',
    interact: (kit) => endedSession(kit, 'Better Auth deleted C', (c) => kit.issuerAdmin.deleteUser(c.id)),
    fix: FIX_SESSION,
    remedy: 'session-lookup',
  }),
  defineCase({
    id: 'database/session-signature-ignored',
    title: "whether the cookie value's signature part is checked (the raw token is the secret either way)",
    severity: 'info',
    refs: ['RFC6265-8.6'],
    needs: ['sessionTokens'],
    kind: 'interaction',
    interact: async (kit) => {
      const { a } = kit.user
      const forged = `${rawToken(a)}.${'A'.repeat(43)}=`
      const exchange = await callWith(kit, "A calls with A's session token and a made-up signature", a, forged)
      if (exchange.status >= 500) return { verdict: 'warn', reason: `answered ${exchange.status} to a made-up signature (a crash)`, severityCap: 'low', decisive: exchange }
      const seen = isSuccess(exchange.status) ? 'accepted: the signature part is ignored, which gives nothing more than the raw token already does' : `refused with ${exchange.status}: the signature is checked`
      return { verdict: 'pass', measured: true, reason: seen, decisive: exchange }
    },
    fix: 'nothing to fix: whoever holds the raw token is already in; checking the HMAC only rejects values a browser would never send',
    remedy: 'session-lookup',
  }),
]
