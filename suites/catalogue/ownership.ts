import { decodeJwt } from 'jose'
import { randomUUID } from 'node:crypto'
import { parseJson } from '../support/json.ts'
import { isSuccess, resourceClient, type Exchange, type ResourceClient } from '../support/resource.ts'
import { pathFor } from '../../harness/core/routes.ts'
import { worse } from '../../harness/core/verdict.ts'
import type { InteractionKit, InteractionOutcome, Judgement } from '../../harness/core/case.ts'
import { defineCase } from './define-case.ts'

/**
 * Broken object-level authorization (OWASP API1): the verifier proved who B is, and the
 * backend must still refuse B everything of A's. Each case creates what it needs as A (and B)
 * through target.routes.resource and deletes it afterwards.
 */

const OWASP = 'OWASP-API1-2023'
const FIX_OWNER_CHECK = "load the item by id AND owner = the token's sub (WHERE id = $1 AND owner_id = $2); answer 404 when there is none"

/** B's request for A's item: refused with 403 or 404, and nothing of A's item in the answer. */
function refusedForOtherUser(exchange: Exchange, client: ResourceClient, ownersId: string, what: string): Judgement {
  const { status } = exchange
  if (isSuccess(status)) return { verdict: 'fail', reason: `${what}: answered ${status}` }
  const body = parseJson(exchange.body)
  if (body !== undefined && client.itemId(body) === ownersId) return { verdict: 'fail', reason: `${what}: answered ${status} but the body is A's item` }
  if (status === 403 || status === 404) return { verdict: 'pass', reason: `refused with ${status}` }
  if (status >= 500) return { verdict: 'fail', reason: `answered ${status}: the ownership check crashed`, severityCap: 'medium' }
  if (status === 401) return { verdict: 'warn', reason: "answered 401 to B's valid token; another user's item is 403 or 404 (401 makes clients sign B out)" }
  return { verdict: 'warn', reason: `refused with ${status}; another user's item is 403 or 404` }
}

/** The item as its owner sees it, without the fields an update may legitimately bump. */
const comparable = (exchange: Exchange) => {
  const { updatedAt: _u, updated_at: _v, ...rest } = (parseJson(exchange.body) ?? {}) as Record<string, unknown>
  return JSON.stringify(rest)
}

const withResource = (interact: (kit: InteractionKit, client: ResourceClient) => Promise<InteractionOutcome>) => (kit: InteractionKit) => interact(kit, resourceClient(kit))

/** Odd ids a route parameter meets: none may reach the database unparsed. */
const ODD_IDS = ['abc', '99999999999999999999999999999', '-1', '1.5', '00000000-0000-4000-8000-000000000000', "1' OR '1'='1", '%00', '..%2f..%2fetc%2fpasswd']

/** An id shaped like a real one that names nothing (used when there is no delete route). */
function missingIdLike(id: string): string {
  if (/^\d+$/.test(id)) return String(BigInt(id) + 1_000_000_000n)
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return randomUUID()
  return `${id}authconformmissing`
}

export const ownershipCases = [
  defineCase({
    id: 'ownership/read-other-users-item',
    title: "B cannot read A's item by its id (403/404, nothing of A's in the body)",
    severity: 'critical',
    refs: [OWASP, 'CWE-639', 'RFC9110-15.5.5'],
    needs: ['resource'],
    kind: 'interaction',
    interact: withResource(async ({ user }, client) => {
      const { id } = await client.create(user.a)
      await client.ownRead(user.a, id)
      const read = await client.read(user.b, id, `B reads A's item ${id}`)
      return { ...refusedForOtherUser(read, client, id, "B read A's item"), decisive: read }
    }),
    fix: FIX_OWNER_CHECK,
    remedy: 'ownership',
  }),
  defineCase({
    id: 'ownership/update-other-users-item',
    title: "B cannot update A's item, and A's item is unchanged afterwards",
    severity: 'critical',
    refs: [OWASP, 'CWE-639', 'RFC9110-15.5.5'],
    needs: ['resource'],
    kind: 'interaction',
    interact: withResource(async ({ user, target }, client) => {
      if (!target.resource?.update) return { verdict: 'skip', reason: 'set target.routes.resource.update to enable' }
      const { id } = await client.create(user.a)
      const before = await client.ownRead(user.a, id, 'A reads its item before')
      const update = await client.update(user.b, id, `B updates A's item ${id}`)
      const after = await client.ownRead(user.a, id, 'A reads its item after')
      const refusal = refusedForOtherUser(update, client, id, "B updated A's item")
      if (comparable(before) !== comparable(after)) {
        return { verdict: 'fail', reason: `A's item changed after B's update (B got ${update.status})`, decisive: update }
      }
      return { ...refusal, decisive: update }
    }),
    fix: FIX_OWNER_CHECK,
    remedy: 'ownership',
  }),
  defineCase({
    id: 'ownership/delete-other-users-item',
    title: "B cannot delete A's item, and A's item still exists afterwards",
    severity: 'critical',
    refs: [OWASP, 'CWE-639', 'RFC9110-15.5.5'],
    needs: ['resource'],
    kind: 'interaction',
    interact: withResource(async ({ user, target }, client) => {
      if (!target.resource?.remove) return { verdict: 'skip', reason: 'set target.routes.resource.remove to enable' }
      const { id } = await client.create(user.a)
      await client.ownRead(user.a, id)
      const removal = await client.remove(user.b, id, `B deletes A's item ${id}`)
      const after = await client.read(user.a, id, 'A reads its item after')
      if (!isSuccess(after.status)) {
        return { verdict: 'fail', reason: `A's item is gone after B's delete (B got ${removal.status}, A now gets ${after.status})`, decisive: removal }
      }
      return { ...refusedForOtherUser(removal, client, id, "B deleted A's item"), decisive: removal }
    }),
    fix: FIX_OWNER_CHECK,
    remedy: 'ownership',
  }),
  defineCase({
    id: 'ownership/list-other-users-items',
    title: "B's list holds none of A's items",
    severity: 'critical',
    refs: [OWASP, 'CWE-639', 'RFC9110-15.5.5'],
    needs: ['resource'],
    kind: 'interaction',
    interact: withResource(async ({ user }, client) => {
      const { id } = await client.create(user.a)
      const own = await client.list(user.a, 'A lists its items')
      if (!own.ids?.includes(id)) {
        throw new Error(`A's own list does not show the item A just created (${id}): check target.routes.resource.list and items`)
      }
      const other = await client.list(user.b, 'B lists its items')
      if (!isSuccess(other.exchange.status)) return { verdict: 'warn', reason: `B's list answered ${other.exchange.status}; a valid user gets their own (maybe empty) list`, decisive: other.exchange }
      if (other.ids?.includes(id)) return { verdict: 'fail', reason: `B's list contains A's item ${id}`, decisive: other.exchange }
      return { verdict: 'pass', reason: `B's list (${other.ids?.length ?? 0} items) holds none of A's`, decisive: other.exchange }
    }),
    fix: "filter every list query by the token's sub (WHERE owner_id = $1), never by a client-supplied owner",
    remedy: 'ownership',
  }),
  defineCase({
    id: 'ownership/owner-from-body',
    title: 'the owner of a new item comes from the token, not from owner fields in the body (mass assignment)',
    severity: 'high',
    refs: [OWASP, 'OWASP-API3-2023', 'CWE-915', 'RFC7519-4.1.2'],
    needs: ['resource'],
    kind: 'interaction',
    interact: withResource(async ({ user }, client) => {
      const claimed = Object.fromEntries(['owner', 'ownerId', 'owner_id', 'user_id', 'userId'].map((field) => [field, user.a.id]))
      const created = await client.tryCreate(user.b, 'B creates an item naming A as its owner', claimed)
      if (created.id === undefined) return { verdict: 'pass', reason: `refused the owner fields with ${created.exchange.status}`, decisive: created.exchange }
      const list = await client.list(user.a, 'A lists its items')
      if (list.ids?.includes(created.id)) {
        return { verdict: 'fail', reason: `B's item ${created.id} appears in A's list: the owner came from the request body`, decisive: created.exchange }
      }
      return { verdict: 'pass', reason: `the item is B's: A's list does not show it`, decisive: list.exchange }
    }),
    fix: "set the owner from the verified token's sub on the server; never bind owner/user_id from the request body",
    remedy: 'ownership',
  }),
  defineCase({
    id: 'ownership/missing-item-404',
    title: 'a missing item is 404 for its would-be owner, not 500',
    severity: 'low',
    refs: ['RFC9110-15.5.5'],
    needs: ['resource'],
    kind: 'interaction',
    interact: withResource(async ({ user, target }, client) => {
      const { id } = await client.create(user.a)
      let missing = missingIdLike(id)
      if (target.resource?.remove) {
        const removal = await client.remove(user.a, id, 'A deletes its item')
        if (isSuccess(removal.status)) missing = id
      }
      const read = await client.read(user.a, missing, `A reads missing item ${missing}`)
      if (read.status === 404 || read.status === 410) return { verdict: 'pass', reason: `answered ${read.status}` }
      if (isSuccess(read.status)) return { verdict: 'fail', reason: `answered ${read.status} for an item that does not exist`, severityCap: 'low' }
      if (read.status >= 500) return { verdict: 'fail', reason: `answered ${read.status}: a missing row crashed the handler` }
      return { verdict: 'warn', reason: `answered ${read.status}; a missing item is 404` }
    }),
    fix: 'map "no row" to 404 before touching the item',
    remedy: 'ownership',
  }),
  defineCase({
    id: 'ownership/odd-ids',
    title: 'non-numeric, UUID-shaped, huge and injected ids are 4xx, never 5xx',
    severity: 'medium',
    refs: ['CWE-20', 'CWE-89', 'RFC9110-15.5.1'],
    needs: ['resource'],
    kind: 'interaction',
    interact: withResource(async ({ user }, client) => {
      let worst: InteractionOutcome | undefined
      for (const odd of ODD_IDS) {
        const read = await client.read(user.a, odd, `A reads item ${JSON.stringify(odd)}`)
        const outcome: InteractionOutcome =
          read.status >= 500
            ? { verdict: 'fail', reason: `id ${JSON.stringify(odd)} answered ${read.status}`, decisive: read }
            : read.status === 0
              ? { verdict: 'warn', reason: `id ${JSON.stringify(odd)} dropped the connection (${read.dropped})`, decisive: read }
              : isSuccess(read.status)
                ? { verdict: 'warn', reason: `id ${JSON.stringify(odd)} answered ${read.status}; no item has that id`, decisive: read }
                : { verdict: 'pass', reason: `every odd id answered 4xx (${ODD_IDS.length} ids)`, decisive: read }
        if (!worst || worse(outcome.verdict, worst.verdict)) worst = outcome
      }
      return worst!
    }),
    fix: 'validate the id against its type (int, UUID) before the query and answer 404/422; use bound parameters',
    remedy: 'ownership',
  }),
  defineCase({
    id: 'ownership/deleted-user-token',
    title: "a deleted user's unexpired token: how long it still works (stateless JWTs live until exp)",
    severity: 'info',
    refs: ['RFC7519-4.1.4', 'RFC8725-2'],
    kind: 'interaction',
    interact: async ({ issuerAdmin, target, request }) => {
      const doomed = await issuerAdmin.signUp()
      const me = { method: target.me.method, path: pathFor(target.me, { sub: doomed.id }), as: doomed }
      const before = await request('C (a throwaway user) calls the API', me)
      if (!isSuccess(before.status)) throw new Error(`the throwaway user's valid token got ${before.status} before deletion`)
      await issuerAdmin.deleteUser(doomed.id)
      const after = await request('C calls again after Better Auth deleted C', me)
      const exp = Number(decodeJwt(doomed.token).exp)
      const window = Math.max(0, Math.round(exp - Date.now() / 1000))
      if (isSuccess(after.status)) {
        return { verdict: 'pass', measured: true, reason: `still accepted after deletion, for up to ${window} s more (until exp); keep expiry short or check a revocation list for sensitive routes` }
      }
      if (after.status >= 500) return { verdict: 'fail', reason: `answered ${after.status} for a deleted user's token`, severityCap: 'medium' }
      return { verdict: 'pass', measured: true, reason: `refused after deletion with ${after.status}: the backend checks the user still exists` }
    },
    fix: 'accept the exp window knowingly (short expiresIn), or look the user up / check a revocation list on sensitive routes',
    remedy: 'verify-claims-time',
  }),
]
