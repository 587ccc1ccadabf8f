import type { Principal, ProfileContext, ResourceRoutes } from '../../harness/core/context.ts'
import { pathFor, type Route } from '../../harness/core/routes.ts'
import { withTargetHeaders } from '../../harness/core/target-headers.ts'
import type { InteractionKit, Exchange } from '../../harness/core/case.ts'
import { isSuccess } from './exchange.ts'
import { parseJson, readPath } from './json.ts'

export { isSuccess }

/** A precondition of the case failed (A cannot create or read its own item): error, not a verdict. */
export class SetupFailed extends Error {}

const name = (user: Principal) => user.label.toUpperCase()
/** The route as `user` requests it: `{sub}` is the user's id, the item placeholder (`{id}`, `{todo_id}`) `id`. */
const pathOf = (route: Route, user: Principal, id?: string) => pathFor(route, { sub: user.id, item: id })

/**
 * Deletes item `id` as each of `users` until one may (whoever a flawed target made the owner),
 * unrecorded: cleaning up after a case is not part of its evidence.
 */
export async function removeItem(target: ProfileContext['target'], users: Principal[], id: string): Promise<void> {
  const route = target.resource?.remove
  if (!route) return
  for (const user of users) {
    const headers = withTargetHeaders(target.headers, { authorization: `Bearer ${user.token}` })
    const response = await fetch(target.baseURL + pathOf(route, user, id), { method: route.method, headers }).catch(() => undefined)
    await response?.body?.cancel()
    if (response && isSuccess(response.status)) return
  }
}

/** The resource routes an operation uses, by name: the ones a target may lack are undefined. */
export type Operation = 'create' | 'list' | 'read' | 'update' | 'remove'

/**
 * `target.routes.resource` as calls made as a user. Every item created is deleted after the
 * case by whoever owns it (the creator, or the user a flawed target gave it to). A request's
 * `{sub}` is its caller's id unless `onPathOf` names another user: B on A's path.
 */
export function resourceClient(kit: InteractionKit) {
  const routes: ResourceRoutes = kit.target.resource!
  interface Call {
    id?: string
    json?: unknown
    /** The user whose id fills `{sub}`; default the caller. */
    onPathOf?: Principal
  }
  const call = (label: string, user: Principal, route: Route, { id, json, onPathOf = user }: Call = {}) => kit.request(label, { method: route.method, path: pathOf(route, onPathOf, id), as: user, json })

  /** The id of an item in a list answer: the create answer's id path, or its last key. */
  const itemId = (item: unknown) => {
    const id = readPath(item, routes.id) ?? readPath(item, routes.id.split('.').pop()!)
    return id === undefined ? undefined : String(id)
  }
  /** The items of a list answer, or undefined when it holds no array at `items`. */
  const itemsOf = (body: unknown): unknown[] | undefined => {
    const items = routes.items ? readPath(body, routes.items) : body
    return Array.isArray(items) ? items : undefined
  }
  /** Whether an answer body is, or lists, the item `id`. */
  const holds = (body: string, id: string) => {
    const parsed = parseJson(body)
    return itemId(parsed) === id || (itemsOf(parsed)?.some((item) => itemId(item) === id) ?? false)
  }

  const removeQuietly = (id: string) => removeItem(kit.target, [kit.user.a, kit.user.b], id)

  const client = {
    routes,
    itemId,
    holds,
    /** Whether the route of `operation` exists and holds `{sub}`: the API is scoped by the caller's path. */
    onCallersPath: (operation: Operation) => routes[operation]?.path.includes('{sub}') ?? false,
    /** Creates an item as `user` (with `extra` body fields); the id is undefined when the target refused. */
    async tryCreate(user: Principal, label: string, extra: Record<string, unknown> = {}, onPathOf?: Principal) {
      const exchange = await call(label, user, routes.create, { json: { ...routes.body, ...extra }, onPathOf })
      const raw = readPath(parseJson(exchange.body), routes.id)
      const id = raw === undefined || raw === null ? undefined : String(raw)
      if (isSuccess(exchange.status) && id === undefined) {
        throw new SetupFailed(`${routes.create.method} ${routes.create.path} answered ${exchange.status} without an id at "${routes.id}": check target.routes.resource.id`)
      }
      if (id !== undefined) kit.afterwards(() => removeQuietly(id))
      return { exchange, id }
    },
    /** Creates an item as `user`; a refusal means the routes are misconfigured (SetupFailed). */
    async create(user: Principal, label = `${name(user)} creates an item`): Promise<{ exchange: Exchange; id: string }> {
      const { exchange, id } = await client.tryCreate(user, label)
      if (id === undefined) {
        throw new SetupFailed(`${name(user)} could not create an item: ${routes.create.method} ${routes.create.path} answered ${exchange.status} (check target.routes.resource.create and body)`)
      }
      return { exchange, id }
    },
    read: (user: Principal, id: string, label = `${name(user)} reads item ${id}`, onPathOf?: Principal) => call(label, user, routes.read!, { id, onPathOf }),
    update: (user: Principal, id: string, label = `${name(user)} updates item ${id}`, extra: Record<string, unknown> = {}, onPathOf?: Principal) =>
      call(label, user, routes.update!, { id, json: { ...(routes.updateBody ?? routes.body), ...extra }, onPathOf }),
    remove: (user: Principal, id: string, label = `${name(user)} deletes item ${id}`, onPathOf?: Principal) => call(label, user, routes.remove!, { id, onPathOf }),
    /** The caller's list (or, with `onPathOf`, the list at that user's path), and the ids in it. */
    async list(user: Principal, label = `${name(user)} lists items`, onPathOf?: Principal) {
      const exchange = await call(label, user, routes.list, { onPathOf })
      return {
        exchange,
        ids: itemsOf(parseJson(exchange.body))
          ?.map(itemId)
          .filter((id): id is string => id !== undefined),
      }
    },
    /**
     * Item `id` as `user` sees it: through the read route, or found in the user's list when the
     * target has none. `item` is undefined when the user cannot see it.
     */
    async view(user: Principal, id: string, label: string): Promise<{ exchange: Exchange; item: unknown }> {
      if (routes.read) {
        const exchange = await call(label, user, routes.read, { id })
        return { exchange, item: isSuccess(exchange.status) ? (parseJson(exchange.body) ?? exchange.body) : undefined }
      }
      const exchange = await call(label, user, routes.list)
      return { exchange, item: itemsOf(parseJson(exchange.body))?.find((item) => itemId(item) === id) }
    },
    /** The item as its owner sees it, which must succeed for the case to mean anything. */
    async ownView(user: Principal, id: string, label = `${name(user)} reads its own item ${id}`) {
      const seen = await client.view(user, id, label)
      if (seen.item === undefined) {
        const { method, path } = routes.read ?? routes.list
        const key = routes.read ? 'read' : 'list (there is no read route)'
        throw new SetupFailed(`${name(user)} cannot see its own item ${id}: ${method} ${pathOf({ method, path }, user, id)} answered ${seen.exchange.status} (check target.routes.resource.${key})`)
      }
      return seen
    },
  }
  return client
}

export type ResourceClient = ReturnType<typeof resourceClient>
export type { Exchange }
