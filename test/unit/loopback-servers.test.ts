import http from 'node:http'
import net from 'node:net'
import { expect, test } from 'vitest'
import { freePort, listen, stopServer } from '../../harness/environment/ports.ts'

test('listen starts a server on 127.0.0.1 and returns its port (0: a free one)', async () => {
  const server = http.createServer((_req, res) => res.end('hello'))
  const port = await listen(server, 0)
  try {
    expect(port).toBeGreaterThan(0)
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hello')
  } finally {
    await stopServer(server)
  }
})

test('listen on a port in use rejects with EADDRINUSE', async () => {
  const first = http.createServer()
  const port = await listen(first, 0)
  const second = http.createServer()
  try {
    await expect(listen(second, port)).rejects.toMatchObject({ code: 'EADDRINUSE' })
  } finally {
    await stopServer(first)
  }
})

test('freePort returns a port that can be bound at once', async () => {
  const port = await freePort()
  const server = net.createServer()
  expect(await listen(server, port)).toBe(port)
  await new Promise((resolve) => server.close(resolve))
})

test('stopServer ends a request still in flight instead of waiting for it', async () => {
  // A handler that never answers: close() alone would wait for it forever.
  const server = http.createServer(() => {})
  const port = await listen(server, 0)
  const pending = fetch(`http://127.0.0.1:${port}/`).then(
    () => 'answered',
    () => 'cut',
  )
  await new Promise((resolve) => server.once('request', resolve))
  const started = performance.now()
  await stopServer(server)
  expect(performance.now() - started).toBeLessThan(2000)
  expect(await pending).toBe('cut')
  expect(server.listening).toBe(false)
})
