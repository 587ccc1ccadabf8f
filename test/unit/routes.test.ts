import { describe, expect, test } from 'vitest'
import { parseRoute } from '../../harness/core/routes.ts'

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
