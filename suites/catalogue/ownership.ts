import { decodeJwt } from 'jose'
import { randomUUID } from 'node:crypto'
import { parseJson } from '../support/json.ts'
import { isSuccess, resourceClient, type Exchange, type Operation, type ResourceClient } from '../support/resource.ts'
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

/**
 * B's request on A's path (`/api/{A}/tasks`): a refusal as for A's item, and an answer that
 * holds none of A's data is no leak — only not the 403/404 a path of someone else's gets.
 */
function refusedOnOthersPath(exchange: Exchange, client: ResourceClient, ownersId: string, what: string): Judgement {
  if (!isSuccess(exchange.status)) return refusedForOtherUser(exchange, client, ownersId, what)
  if (client.holds(exchange.body, ownersId)) return { verdict: 'fail', reason: `${what}: answered ${exchange.status} with A's item ${ownersId}` }
  return { verdict: 'warn', reason: `${what}: answered ${exchange.status} without A's data; another user's path is 403 or 404` }
}

/** The item as its owner sees it, without the fields an update may legitimately bump. */
const comparable = (item: unknown) => {
  const { updatedAt: _u, updated_at: _v, ...rest } = (typeof item === 'object' && item !== null ? item : { item }) as Record<string, unknown>
  return JSON.stringify(rest)
}

/** The worst of several judged requests; the first of equally bad ones. */
const worstOf = (outcomes: InteractionOutcome[]) => outcomes.reduce((worst, outcome) => (worse(outcome.verdict, worst.verdict) ? outcome : worst))

const withResource = (interact: (kit: InteractionKit, client: ResourceClient) => Promise<InteractionOutcome>) => (kit: InteractionKit) => interact(kit, resourceClient(kit))

/** A request with owner fields that was not carried out: a 4xx refusal passes, a crash is no pass. */
function refusedOwnerFields(exchange: Exchange): Judgement {
  if (exchange.status >= 500) return { verdict: 'fail', reason: `answered ${exchange.status} to the owner fields: the handler crashed instead of ignoring or refusing them`, severityCap: 'medium' }
  return { verdict: 'pass', reason: `refused the owner fields with ${exchange.status}` }
}

/** The owner fields a mass-assignment attempt sets, each naming `id`. */
const ownerFields = (id: string) => Object.fromEntries(['owner', 'ownerId', 'owner_id', 'user_id', 'userId'].map((field) => [field, id]))

const NO_READ = 'set target.routes.resource.read (a route that reads one item) to enable'
const NOT_PATH_SCOPED = "no resource route has {sub}: the API is not scoped by the caller's id in the path"
/** How a label says where B's request went, when routes carry the caller's id. */
const onBsPath = (client: ResourceClient, operation: Operation) => (client.onCallersPath(operation) ? " on B's own path" : '')

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
      if (!client.routes.read) return { verdict: 'skip', reason: NO_READ }
      const { id } = await client.create(user.a)
      await client.ownView(user.a, id)
      const read = await client.read(user.b, id, `B reads A's item ${id}${onBsPath(client, 'read')}`)
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
      const before = await client.ownView(user.a, id, 'A reads its item before')
      const update = await client.update(user.b, id, `B updates A's item ${id}${onBsPath(client, 'update')}`)
      const after = await client.view(user.a, id, 'A reads its item after')
      const refusal = refusedForOtherUser(update, client, id, "B updated A's item")
      if (after.item === undefined || comparable(before.item) !== comparable(after.item)) {
        const what = after.item === undefined ? 'A can no longer see its item' : "A's item changed"
        return { verdict: 'fail', reason: `${what} after B's update (B got ${update.status})`, decisive: update }
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
      await client.ownView(user.a, id)
      const removal = await client.remove(user.b, id, `B deletes A's item ${id}${onBsPath(client, 'remove')}`)
      const after = await client.view(user.a, id, 'A reads its item after')
      if (after.item === undefined) {
        return { verdict: 'fail', reason: `A's item is gone after B's delete (B got ${removal.status}, A now gets ${after.exchange.status})`, decisive: removal }
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
    id: 'ownership/other-users-path-read',
    title: "B calling A's path (/…/{A's id}/…) cannot list or read A's items (403/404)",
    severity: 'critical',
    refs: [OWASP, 'CWE-639', 'RFC9110-15.5.4'],
    needs: ['resource'],
    kind: 'interaction',
    interact: withResource(async ({ user }, client) => {
      const operations = (['list', 'read'] as const).filter(client.onCallersPath)
      if (!operations.length) return { verdict: 'skip', reason: NOT_PATH_SCOPED }
      const { id } = await client.create(user.a)
      const outcomes: InteractionOutcome[] = []
      if (operations.includes('list')) {
        const { exchange } = await client.list(user.b, "B lists the items at A's path", user.a)
        outcomes.push({ ...refusedOnOthersPath(exchange, client, id, "B listed A's path"), decisive: exchange })
      }
      if (operations.includes('read')) {
        const read = await client.read(user.b, id, `B reads A's item ${id} at A's path`, user.a)
        outcomes.push({ ...refusedOnOthersPath(read, client, id, "B read A's item at A's path"), decisive: read })
      }
      return worstOf(outcomes)
    }),
    fix: "compare the path's user id with the token's sub before anything else and answer 403 (or 404) when they differ; better, drop the id from the path and use the sub",
    remedy: 'ownership',
  }),
  defineCase({
    id: 'ownership/other-users-path-write',
    title: "B calling A's path cannot create, update or delete there, and A's items are unchanged",
    severity: 'critical',
    refs: [OWASP, 'CWE-639', 'RFC9110-15.5.4'],
    needs: ['resource'],
    kind: 'interaction',
    interact: withResource(async ({ user }, client) => {
      const operations = (['create', 'update', 'remove'] as const).filter(client.onCallersPath)
      if (!operations.length) return { verdict: 'skip', reason: NOT_PATH_SCOPED }
      const { id } = await client.create(user.a)
      const before = await client.ownView(user.a, id, 'A reads its item before')
      const outcomes: InteractionOutcome[] = []
      if (operations.includes('create')) {
        const made = await client.tryCreate(user.b, "B creates an item at A's path", {}, user.a)
        const landed = made.id !== undefined && (await client.list(user.a, "A lists its items after B's create")).ids?.includes(made.id)
        outcomes.push(
          landed
            ? { verdict: 'fail', reason: `B's item ${made.id} is in A's list: B wrote into A's account`, decisive: made.exchange }
            : { ...refusedOnOthersPath(made.exchange, client, id, "B created at A's path"), decisive: made.exchange },
        )
      }
      if (operations.includes('update')) {
        const update = await client.update(user.b, id, `B updates A's item ${id} at A's path`, {}, user.a)
        const after = await client.view(user.a, id, "A reads its item after B's update")
        const changed = after.item === undefined || comparable(after.item) !== comparable(before.item)
        outcomes.push(
          changed ? { verdict: 'fail', reason: `A's item changed after B's update at A's path (B got ${update.status})`, decisive: update } : { ...refusedOnOthersPath(update, client, id, "B updated at A's path"), decisive: update },
        )
      }
      if (operations.includes('remove')) {
        const removal = await client.remove(user.b, id, `B deletes A's item ${id} at A's path`, user.a)
        const after = await client.view(user.a, id, "A reads its item after B's delete")
        outcomes.push(
          after.item === undefined
            ? { verdict: 'fail', reason: `A's item is gone after B's delete at A's path (B got ${removal.status})`, decisive: removal }
            : { ...refusedOnOthersPath(removal, client, id, "B deleted at A's path"), decisive: removal },
        )
      }
      return worstOf(outcomes)
    }),
    fix: "compare the path's user id with the token's sub on every write route and answer 403 (or 404) when they differ; better, drop the id from the path and use the sub",
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
      const created = await client.tryCreate(user.b, 'B creates an item naming A as its owner', ownerFields(user.a.id))
      if (created.id === undefined) return { ...refusedOwnerFields(created.exchange), decisive: created.exchange }
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
    id: 'ownership/owner-from-update-body',
    title: 'an update naming another owner (user_id, owner, …) does not move the item (mass assignment)',
    severity: 'high',
    refs: [OWASP, 'OWASP-API3-2023', 'CWE-915', 'RFC7519-4.1.2'],
    needs: ['resource'],
    kind: 'interaction',
    interact: withResource(async ({ user }, client) => {
      if (!client.routes.update) return { verdict: 'skip', reason: 'set target.routes.resource.update to enable' }
      const { id } = await client.create(user.a)
      const update = await client.update(user.a, id, `A updates its item ${id} naming B as its owner`, ownerFields(user.b.id))
      if (!isSuccess(update.status)) return { ...refusedOwnerFields(update), decisive: update }
      const others = await client.list(user.b, 'B lists its items')
      if (others.ids?.includes(id)) {
        return { verdict: 'fail', reason: `A's item ${id} is in B's list after A's update named B: the owner came from the update body`, decisive: update }
      }
      const own = await client.view(user.a, id, 'A reads its item after')
      if (own.item === undefined) return { verdict: 'fail', reason: `A's item ${id} left A's account after an update naming B as its owner`, decisive: update }
      return { verdict: 'pass', reason: "the owner fields were ignored: the item is still A's and not in B's list", decisive: others.exchange }
    }),
    fix: 'bind only the editable fields from an update body (a separate update model); the owner is never client-supplied',
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
      if (!client.routes.read) return { verdict: 'skip', reason: NO_READ }
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
      // Any route that takes an id will do: with no read route, a delete of nothing changes nothing.
      const ask = client.routes.read ? client.read : client.routes.remove ? client.remove : client.routes.update ? client.update : undefined
      if (!ask) return { verdict: 'skip', reason: 'set a resource route that takes an item id (read, remove or update) to enable' }
      let worst: InteractionOutcome | undefined
      for (const odd of ODD_IDS) {
        const read = await ask(user.a, odd, `A asks for item ${JSON.stringify(odd)}`)
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
      if (target.database) return { verdict: 'skip', reason: "the target reads Better Auth's database (target.database): database/deleted-user-jwt-refused judges this" }
      const doomed = await issuerAdmin.signUp()
      const me = { method: target.probeRoute.method, path: pathFor(target.probeRoute, { sub: doomed.id }), as: doomed }
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
