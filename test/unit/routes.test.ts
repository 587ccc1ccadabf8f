import { describe, expect, test } from 'vitest'
import { itemPlaceholders, parseRoute, pathFor } from '../../harness/core/routes.ts'
import { resolveConfig } from '../../harness/config/resolve.ts'
import { resourceClient } from '../../suites/support/resource.ts'
import { runCase } from '../../suites/support/run-case.ts'
import { interacting, loopbackTarget, probing } from './loopback-target.ts'
import { configErrorOf } from './support.ts'

describe('parseRoute', () => {
  test.each([
    ['GET /api/me', { method: 'GET', path: '/api/me' }],
    ['POST /api/v1/todos', { method: 'POST', path: '/api/v1/todos' }],
    ['PATCH /api/todos/{id}', { method: 'PATCH', path: '/api/todos/{id}' }],
    ['DELETE /me?hard=1', { method: 'DELETE', path: '/me?hard=1' }],
    ['PUT /', { method: 'PUT', path: '/' }],
    ['  GET /me  ', { method: 'GET', path: '/me' }],
  ])('%j parses', (text, route) => {
    expect(parseRoute(text)).toEqual(route)
  })

  test.each(['FETCH /x', 'GET api/me', 'get /api/me', 'GET', '/api/me', 'GET /api/ me', 'GET  /api/me', 'HEAD /api/me', ''])('%j is not a route', (text) => {
    expect(parseRoute(text)).toBeUndefined()
  })
})

describe('pathFor', () => {
  const route = (text: string) => parseRoute(text)!

  test('{sub} is the caller, any other placeholder the item', () => {
    expect(pathFor(route('POST /api/{sub}/tasks'), { sub: 'user-a' })).toBe('/api/user-a/tasks')
    expect(pathFor(route('GET /api/todos/{todo_id}'), { sub: 'user-a', item: '42' })).toBe('/api/todos/42')
    expect(pathFor(route('PATCH /api/users/{sub}/todos/{id}'), { sub: 'user-b', item: '7' })).toBe('/api/users/user-b/todos/7')
    expect(pathFor(route('GET /api/{sub}/shared/{sub}'), { sub: 'x' })).toBe('/api/x/shared/x')
  })

  test('a route without placeholders is its path', () => {
    expect(pathFor(route('GET /api/me'))).toBe('/api/me')
    expect(pathFor(route('GET /api/me'), { sub: 'user-a', item: '1' })).toBe('/api/me')
  })

  test('ids are one path segment each, whatever they hold', () => {
    expect(pathFor(route('GET /api/{sub}/todos/{id}'), { sub: 'a/../b', item: '1 2?x=#' })).toBe('/api/a%2F..%2Fb/todos/1%202%3Fx%3D%23')
  })

  test('a placeholder with no id to fill it is a programming error naming the route', () => {
    expect(() => pathFor(route('GET /api/users/{sub}'))).toThrow("GET /api/users/{sub} needs the caller's id for {sub}")
    expect(() => pathFor(route('GET /api/todos/{id}'), { sub: 'user-a' })).toThrow('GET /api/todos/{id} needs an item id for {id}')
  })
})

describe('itemPlaceholders', () => {
  test.each([
    ['/api/todos', []],
    ['/api/{sub}/todos', []],
    ['/api/todos/{id}', ['id']],
    ['/api/{sub}/todos/{todo_id}', ['todo_id']],
    ['/api/{list_id}/items/{item_id}', ['list_id', 'item_id']],
    ['/api/{id}/copy/{id}', ['id']],
  ])('%s', (path, names) => {
    expect(itemPlaceholders(path)).toEqual(names)
  })
})

describe('routes in the config', () => {
  const target = (routes: Record<string, unknown>) => ({ target: { command: 'node server.js', routes: { me: 'GET /api/me', ...routes } } })
  const resource = { create: 'POST /api/{sub}/tasks', list: 'GET /api/{sub}/tasks', read: 'GET /api/{sub}/tasks/{task_id}' }
  const configError = configErrorOf

  test('{sub} may be in any route, next to one item placeholder', () => {
    const resolved = resolveConfig(target({ me: 'GET /api/users/{sub}', resource: { ...resource, update: 'PUT /api/{sub}/tasks/{task_id}', remove: 'DELETE /api/tasks/{id}' } }))
    expect(resolved.target.routes.me).toBe('GET /api/users/{sub}')
    expect(resolved.target.routes.resource?.create).toBe('POST /api/{sub}/tasks')
  })

  test('without a me route the list is the route probes call; read is optional', () => {
    const { create, list } = resource
    const resolved = resolveConfig({ target: { command: 'node server.js', routes: { meId: 'user_id', resource: { create, list } } } })
    expect(resolved.target.routes).toMatchObject({ meId: 'user_id', resource: { create, list } })
    expect(resolved.target.routes.me).toBeUndefined()
  })

  test('neither a me route nor a resource is an error saying which to give', () => {
    expect(configError({ target: { command: 'node server.js', routes: { meId: 'user.id' } } })).toBe(
      'invalid config: target.routes.me: give routes.me (a route any valid token may call, e.g. "GET /api/me") or routes.resource (its list route is then called instead)',
    )
  })

  test.each(['read', 'update', 'remove'])('two item placeholders in %s are an error naming the route', (key) => {
    const message = configError(target({ resource: { ...resource, [key]: 'GET /api/{list_id}/items/{item_id}' } }))
    expect(message).toContain(`target.routes.resource.${key}: "GET /api/{list_id}/items/{item_id}" has 2 item placeholders ({list_id}, {item_id})`)
    expect(message).not.toContain('\n')
  })

  test.each([
    ['me', { me: 'GET /api/users/{user_id}' }],
    ['resource.create', { resource: { ...resource, create: 'POST /api/lists/{list_id}/items' } }],
    ['resource.list', { resource: { ...resource, list: 'GET /api/lists/{list_id}/items' } }],
  ])('an item placeholder in %s, a route about no item, is an error pointing at {sub}', (key, routes) => {
    const message = configError(target(routes))
    expect(message).toMatch(new RegExp(`target\\.routes\\.${key.replace('.', '\\.')}: "[^"]+" has \\{\\w+\\}, which would be an item id, but this route is about no item: only \\{sub\\}`))
  })
})

describe('{sub} in the requests a case makes is the id of the user making it', () => {
  const target = loopbackTarget(1000)
  const { context, received, run } = target
  const pathsSince = (before: number) => received.slice(before).map((r) => `${r.method} ${r.path}`)
  const me = { method: 'GET' as const, path: '/api/users/{sub}' }
  const pass = () => ({ verdict: 'pass' as const, reason: 'ok' })
  /** A JWT whose payload names `sub` (unsigned: only the path is read from it here). */
  const tokenOf = (sub: unknown) => ['{"alg":"EdDSA"}', JSON.stringify({ sub }), 'sig'].map((part) => Buffer.from(part).toString('base64url')).join('.')

  test("a probe: the user its token names, else A (the happy path's caller)", async () => {
    const before = received.length
    const probes = () => [{ token: 'not-a-jwt' }, { token: tokenOf('id-b') }, { token: tokenOf(42) }, { authorization: null }]
    await runCase(probing('claims/sub-path', probes, { expect: pass }), context({ probeRoute: me }), run)
    expect(pathsSince(before)).toEqual(['GET /api/users/id-a', 'GET /api/users/id-b', 'GET /api/users/id-a', 'GET /api/users/id-a'])
  })

  test("the resource routes: A's requests carry A's id, B's carry B's; the clean-up too", async () => {
    const before = received.length
    const resource = {
      create: parseRoute('POST /api/{sub}/tasks')!,
      body: {},
      id: 'user.id',
      list: parseRoute('GET /api/{sub}/tasks')!,
      read: parseRoute('GET /api/{sub}/tasks/{task_id}')!,
      remove: parseRoute('DELETE /api/{sub}/tasks/{task_id}')!,
    }
    const spec = interacting('ownership/sub-path', async (kit) => {
      const client = resourceClient(kit)
      const { id } = await client.create(kit.user.a)
      await client.read(kit.user.b, id)
      await client.list(kit.user.b)
      // Another user's id in {sub}, on purpose: what a later case may ask for.
      await kit.request("A asks for B's tasks", { method: 'GET', path: pathFor(client.routes.list, { sub: kit.user.b.id }), as: kit.user.a })
      return pass()
    })
    const result = await runCase(spec, context({ resource, headers: { 'x-api-key': 'k1' } }), run)
    expect(result.verdict).toBe('pass')
    expect(pathsSince(before)).toEqual(['POST /api/id-a/tasks', 'GET /api/id-b/tasks/id-a', 'GET /api/id-b/tasks', 'GET /api/id-b/tasks', 'DELETE /api/id-a/tasks/id-a'])
    // The clean-up bypasses kit.request, not the configured headers.
    expect(received.at(-1)?.headers['x-api-key']).toBe('k1')
  })

  const tasks = { create: parseRoute('POST /api/{sub}/tasks')!, body: { title: 't' }, id: 'user.id', list: parseRoute('GET /api/{sub}/tasks')!, remove: parseRoute('DELETE /api/{sub}/tasks/{task_id}')! }

  const identity = { route: tasks.create, idPath: 'user.id', body: tasks.body, from: 'create' as const }
  /** The meId each judge was given, in order. */
  const judged: (string | undefined)[] = []
  const judgingWith = (_exchange: unknown, { meId }: { meId?: string }) => {
    judged.push(meId)
    return pass()
  }

  test("B on A's path: onPathOf fills {sub} with A's id while B's token goes along", async () => {
    const before = received.length
    const spec = interacting('ownership/on-path-of', async (kit) => {
      const client = resourceClient(kit)
      await client.list(kit.user.b, "B lists A's path", kit.user.a)
      await client.remove(kit.user.b, 'x1', "B deletes at A's path", kit.user.a)
      return pass()
    })
    await runCase(spec, context({ resource: tasks }), run)
    expect(received.slice(before).map((r) => `${r.method} ${r.path} ${r.headers.authorization}`)).toEqual(['GET /api/id-a/tasks Bearer fine-b', 'DELETE /api/id-a/tasks/x1 Bearer fine-b'])
  })

  test('with no me route, an identity probe creates an item, reads its owner field, and deletes it', async () => {
    const before = received.length
    const spec = probing('baseline/who', ({ user }) => ({ token: user.a.token }), { needs: ['identity'], expect: judgingWith })
    const result = await runCase(spec, context({ resource: tasks, identity, probeRoute: tasks.list }), run)
    expect(result.verdict).toBe('pass')
    expect(judged.at(-1)).toBe('user.id')
    expect(pathsSince(before)).toEqual(['POST /api/id-a/tasks', 'DELETE /api/id-a/tasks/id-a'])
    expect(received[before]?.headers['content-type']).toBe('application/json')
  })

  test('a probe that does not read the identity goes to the probe route, judged without meId', async () => {
    const before = received.length
    const spec = probing('claims/any', ({ user }) => ({ token: user.a.token }), { expect: judgingWith })
    await runCase(spec, context({ resource: tasks, identity, probeRoute: tasks.list }), run)
    expect(judged.at(-1)).toBeUndefined()
    expect(pathsSince(before)).toEqual(['GET /api/id-a/tasks'])
  })
})
