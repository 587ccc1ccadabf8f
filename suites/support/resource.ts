import type { Principal, ResourceRoutes } from '../../harness/core/context.ts'
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
 * `target.routes.resource` as calls made as a user. Every item created is deleted after the
 * case by whoever owns it (the creator, or the user a flawed target gave it to).
 */
export function resourceClient(kit: InteractionKit) {
  const routes: ResourceRoutes = kit.target.resource!
  const call = (label: string, user: Principal, route: Route, id?: string, json?: unknown) => kit.request(label, { method: route.method, path: pathOf(route, user, id), as: user, json })

  /** The id of an item in a list answer: the create answer's id path, or its last key. */
  const itemId = (item: unknown) => {
    const id = readPath(item, routes.id) ?? readPath(item, routes.id.split('.').pop()!)
    return id === undefined ? undefined : String(id)
  }

  /** Deletes an item as each user until one may: whoever a flawed target made the owner. */
  async function removeQuietly(id: string) {
    if (!routes.remove) return
    for (const user of [kit.user.a, kit.user.b]) {
      const headers = withTargetHeaders(kit.target.headers, { authorization: `Bearer ${user.token}` })
      const response = await fetch(kit.target.baseURL + pathOf(routes.remove, user, id), { method: routes.remove.method, headers }).catch(() => undefined)
      await response?.body?.cancel()
      if (response && isSuccess(response.status)) return
    }
  }

  return {
    routes,
    itemId,
    /** Creates an item as `user` (with `extra` body fields); the id is undefined when the target refused. */
    async tryCreate(user: Principal, label: string, extra: Record<string, unknown> = {}) {
      const exchange = await call(label, user, routes.create, undefined, { ...routes.body, ...extra })
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
      const { exchange, id } = await this.tryCreate(user, label)
      if (id === undefined) {
        throw new SetupFailed(`${name(user)} could not create an item: ${routes.create.method} ${routes.create.path} answered ${exchange.status} (check target.routes.resource.create and body)`)
      }
      return { exchange, id }
    },
    read: (user: Principal, id: string, label = `${name(user)} reads item ${id}`) => call(label, user, routes.read, id),
    update: (user: Principal, id: string, label = `${name(user)} updates item ${id}`) => call(label, user, routes.update!, id, routes.updateBody ?? routes.body),
    remove: (user: Principal, id: string, label = `${name(user)} deletes item ${id}`) => call(label, user, routes.remove!, id),
    /** The caller's list, and the ids in it (undefined when the answer holds no array at `items`). */
    async list(user: Principal, label = `${name(user)} lists items`) {
      const exchange = await call(label, user, routes.list)
      const body = parseJson(exchange.body)
      const items = routes.items ? readPath(body, routes.items) : body
      return { exchange, ids: Array.isArray(items) ? items.map(itemId).filter((id): id is string => id !== undefined) : undefined }
    },
    /** The item as its owner reads it, which must succeed for the case to mean anything. */
    async ownRead(user: Principal, id: string, label = `${name(user)} reads its own item ${id}`) {
      const exchange = await call(label, user, routes.read, id)
      if (!isSuccess(exchange.status)) {
        throw new SetupFailed(`${name(user)} cannot read its own item: ${routes.read.method} ${pathOf(routes.read, user, id)} answered ${exchange.status} (check target.routes.resource.read)`)
      }
      return exchange
    },
  }
}

export type ResourceClient = ReturnType<typeof resourceClient>
export type { Exchange }
