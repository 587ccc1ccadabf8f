import http from 'node:http'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { describe, expect, test } from 'vitest'
import { appBuildsInstances, startAppTarget } from '../../harness/environment/app-target.ts'

/** `target.app` as each framework hands its app out: served on 127.0.0.1 in this process, then stopped. */
const ENV = { JWKS_URL: 'http://127.0.0.1:1/api/auth/jwks', JWT_ALGORITHMS: 'EdDSA' }

async function answer(app: unknown): Promise<{ status: number; body: string; url: string }> {
  const started = await startAppTarget(app as object, ENV, 'target.app (test)')
  try {
    const response = await fetch(`${started.baseURL}/hello`, { method: 'POST', body: 'ping' })
    return { status: response.status, body: await response.text(), url: started.baseURL }
  } finally {
    await started[Symbol.asyncDispose]()
  }
}

describe('target.app shapes', () => {
  test('an Express app, a node:http listener and server, Fastify, Hono: each answers on loopback', async () => {
    const expressApp = express().post('/hello', express.text(), (req, res) => res.send(`express ${req.body}`))
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => res.end(`listener ${req.method} ${req.url}`)
    const fastify = Fastify()
    fastify.post('/hello', async (request) => `fastify ${request.body}`)
    const hono = new Hono().post('/hello', async (c) => c.text(`hono ${await c.req.text()}`, 201, { 'x-from': 'hono' }))
    const shapes: [unknown, string][] = [
      [expressApp, 'express ping'],
      [listener, 'listener POST /hello'],
      [http.createServer(listener), 'listener POST /hello'],
      [fastify, 'fastify ping'],
      [hono, 'hono ping'],
    ]
    for (const [app, body] of shapes) {
      const got = await answer(app)
      expect(got.body).toBe(body)
      expect(got.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    }
    expect((await answer(new Hono().post('/hello', (c) => c.text('made', 201)))).status).toBe(201)
  })

  test('a factory, sync or async, is given the issuer coordinates and builds one instance per call', async () => {
    const seen: Record<string, string>[] = []
    const factory = async (env: Record<string, string>) => {
      seen.push(env)
      return (_req: http.IncomingMessage, res: http.ServerResponse) => res.end(env.JWKS_URL)
    }
    expect(await appBuildsInstances(factory)).toBe(true)
    expect((await answer(factory)).body).toBe(ENV.JWKS_URL)
    expect((await answer(factory)).body).toBe(ENV.JWKS_URL)
    expect(seen).toEqual([ENV, ENV])
    expect(await appBuildsInstances(() => express())).toBe(true)
    expect(await appBuildsInstances(express())).toBe(false)
    expect(await appBuildsInstances((_req: unknown, _res: unknown) => {})).toBe(false)
  })

  test('an app is one instance; what is no app, or a factory that throws, says what to give', async () => {
    const app = express()
    await (await startAppTarget(app, ENV, 'target.app (test)'))[Symbol.asyncDispose]()
    await expect(startAppTarget(app, ENV, 'target.app (test)')).rejects.toThrow(/exports an app, not a factory \(env\) => app, and this run needs another instance/)
    await expect(startAppTarget(() => ({ port: 3000 }), ENV, 'target.app x.mjs')).rejects.toThrow(/target\.app x\.mjs gave an object \(keys: port\), not an app/)
    await expect(
      startAppTarget(
        () => {
          throw new Error('JWKS_URL is not set')
        },
        ENV,
        'target.app x.mjs',
      ),
    ).rejects.toThrow(/target\.app x\.mjs: the factory threw while building the app: JWKS_URL is not set/)
  })
})
