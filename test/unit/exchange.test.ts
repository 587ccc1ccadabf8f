import { execFileSync, spawnSync } from 'node:child_process'
import http from 'node:http'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { curlOf, evidenceOf, isSuccess, send, TargetUnanswered } from '../../suites/support/exchange.ts'
import { closedPort } from '../support/cli-output.ts'
import { targetAt } from './loopback-target.ts'
import { exchange } from './support.ts'
import type { Exchange } from '../../harness/core/case.ts'

const REQUEST = {
  method: 'POST',
  url: 'http://127.0.0.1:8000/api/me?a=1&b=2',
  headers: { authorization: 'Bearer abc.def.ghi', 'x-note': "it's $HOME `id`" },
}

describe('isSuccess', () => {
  test('a 2xx is a success, given the status or the exchange', () => {
    expect([199, 200, 204, 299, 300, 401, 0].map((status) => isSuccess(status))).toEqual([false, true, true, true, false, false, false])
    expect(isSuccess(exchange({ status: 201 }))).toBe(true)
    expect(isSuccess(exchange({ status: 302 }))).toBe(false)
  })

  test('it serves as a predicate over exchanges', () => {
    const answers = [exchange({ status: 401 }), exchange({ status: 204 }), exchange({ status: 200 })]
    expect(answers.find(isSuccess)?.status).toBe(204)
  })
})

describe('curlOf', () => {
  test('single-quotes every argument and escapes embedded single quotes', () => {
    expect(curlOf(REQUEST)).toBe(`curl -sS -i -X POST 'http://127.0.0.1:8000/api/me?a=1&b=2' -H 'authorization: Bearer abc.def.ghi' -H 'x-note: it'\\''s $HOME \`id\`'`)
  })

  test('a shell reads back exactly the original arguments', () => {
    const args = curlOf(REQUEST).slice('curl '.length)
    const argv = execFileSync('bash', ['-c', `printf '%s\\n' ${args}`], { encoding: 'utf8' })
      .split('\n')
      .slice(0, -1)
    expect(argv).toEqual(['-sS', '-i', '-X', 'POST', REQUEST.url, '-H', 'authorization: Bearer abc.def.ghi', '-H', "x-note: it's $HOME `id`"])
  })

  test('a long run of one character is a shell expansion that makes it, read back exactly', () => {
    const token = `eyJhbGciOiJFZERTQSJ9.${'A'.repeat(1_048_576)}.c2ln`
    const request = { method: 'GET', url: `http://127.0.0.1:8000/me?q=${'.'.repeat(100_000)}`, headers: { authorization: `Bearer ${token}` } }
    const curl = curlOf(request)
    expect(curl.length).toBeLessThan(300)
    const argv = execFileSync('bash', ['-c', `printf '%s\\n' ${curl.slice('curl '.length)}`], { encoding: 'utf8', maxBuffer: 8 * 1024 * 1024 })
      .split('\n')
      .slice(0, -1)
    expect(argv).toEqual(['-sS', '-i', request.url, '-H', `authorization: Bearer ${token}`])
  })

  test('GET needs no -X', () => {
    expect(curlOf({ method: 'GET', url: 'http://127.0.0.1:8000/me', headers: {} })).toBe("curl -sS -i 'http://127.0.0.1:8000/me'")
  })
})

describe('evidenceOf', () => {
  test('truncates a long Authorization value and keeps other headers', () => {
    const authorization = `Bearer ${'x'.repeat(300)}`
    const evidence = evidenceOf(exchange({ request: { headers: { Authorization: authorization, accept: 'application/json' } } }))
    expect(evidence.request.headers).toEqual({ Authorization: `${authorization.slice(0, 60)}…(307 chars)`, accept: 'application/json' })
  })

  test('keeps a short Authorization value whole', () => {
    expect(evidenceOf(exchange({ request: { headers: { authorization: 'Bearer short' } } })).request.headers.authorization).toBe('Bearer short')
  })

  test('keeps the first 200 bytes of the body', () => {
    const bodyHead = evidenceOf(exchange({ body: 'b'.repeat(150) + 'c'.repeat(350) })).bodyHead!
    expect(bodyHead).toBe('b'.repeat(150) + 'c'.repeat(50))
  })

  test('bodyHead stays within 200 bytes when the cut falls inside a multi-byte character', () => {
    const bodyHead = evidenceOf(exchange({ body: 'a'.repeat(199) + 'é'.repeat(10) })).bodyHead!
    expect(Buffer.byteLength(bodyHead)).toBeLessThanOrEqual(200)
    expect(bodyHead).not.toContain('\uFFFD')
  })

  test('shows only the response headers worth showing, and the status and time', () => {
    const evidence = evidenceOf(exchange({ status: 401, ms: 7, headers: { 'www-authenticate': 'Bearer', 'content-type': 'text/plain', 'set-cookie': 's=1', server: 'x' } }))
    expect(evidence).toMatchObject({ status: 401, ms: 7, responseHeaders: { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' } })
    expect(Object.keys(evidence.responseHeaders!)).toEqual(['www-authenticate', 'content-type'])
  })
})

/** Real loopback servers that answer badly or not at all; each exchange must still show what was sent. */
describe('send: a request without a whole answer still has its evidence and replay', () => {
  const TOKEN = `eyJhbGciOiJFZERTQSJ9.${'p'.repeat(120)}.c2ln`
  const HEADERS = { Authorization: `Bearer ${TOKEN}` }
  const target = targetAt
  const servers: (http.Server | net.Server)[] = []
  const sockets = new Set<net.Socket>()

  async function listening(server: http.Server | net.Server): Promise<string> {
    servers.push(server)
    server.on('connection', (socket: net.Socket) => {
      sockets.add(socket)
      socket.on('error', () => {}) // the client aborting is expected
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
  }

  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  })

  async function unanswered(baseURL: string, timeoutMs = 300): Promise<TargetUnanswered> {
    const error = await send(target(baseURL), { headers: HEADERS, query: { q: 'a b' } }, timeoutMs).then(
      (answered: Exchange) => new Error(`expected no answer, got ${answered.status} (${answered.dropped})`),
      (error: unknown) => error,
    )
    if (!(error instanceof TargetUnanswered)) throw error
    return error
  }

  /** The request as evidence shows it (token cut) and as the replay sends it (whole). */
  function expectRequestShown(sent: Exchange, url: string) {
    const evidence = evidenceOf(sent)
    expect(evidence.request.method).toBe('GET')
    expect(evidence.request.url).toBe(url)
    expect(evidence.request.headers.Authorization).toMatch(/^Bearer eyJhbGciOiJFZERTQSJ9\.p+…\(\d+ chars\)$/)
    const curl = curlOf(sent.request)
    expect(curl).toContain(`'${url}'`)
    expect(curl).toContain(`-H 'Authorization: Bearer ${TOKEN}'`)
    return { evidence, curl }
  }

  /** Runs the replay as a user would paste it (bounded): the curl exit code says what it met. */
  const replay = (curl: string) => spawnSync('bash', ['-c', `${curl} --max-time 1 -o /dev/null`], { encoding: 'utf8' }).status
  const hasCurl = spawnSync('curl', ['--version']).status === 0

  describe('a server that accepts the connection and never answers', () => {
    let baseURL: string
    let error: TargetUnanswered
    beforeAll(async () => {
      baseURL = await listening(http.createServer(() => {}))
      error = await unanswered(baseURL)
    })

    test('the evidence has the URL, the headers (token cut) and a curl with the URL', () => {
      expectRequestShown(error.exchange, `${baseURL}/api/me?q=a+b`)
    })

    test('it says it timed out, and after how long', () => {
      expect(error.message).toBe(`GET ${baseURL}/api/me?q=a+b: no answer within 300 ms`)
      const evidence = evidenceOf(error.exchange)
      expect(evidence).toMatchObject({ status: 0, dropped: 'timed out after 300 ms without an answer' })
      expect(evidence.ms).toBeGreaterThanOrEqual(290)
    })

    test.skipIf(!hasCurl)('the replay reaches the same server (and times out there too)', () => {
      expect(replay(curlOf(error.exchange.request))).toBe(28) // curl: operation timed out
    })
  })

  describe('a port nothing listens on', () => {
    let baseURL: string
    let error: TargetUnanswered
    beforeAll(async () => {
      baseURL = `http://127.0.0.1:${await closedPort()}`
      error = await unanswered(baseURL)
    })

    test('the evidence has the URL and a curl with it, and says the connection was refused', () => {
      expect(error.message).toBe(`GET ${baseURL}/api/me?q=a+b: connection refused (did the target crash?)`)
      const { evidence } = expectRequestShown(error.exchange, `${baseURL}/api/me?q=a+b`)
      expect(evidence).toMatchObject({ status: 0, dropped: 'ECONNREFUSED: connection refused' })
    })

    test.skipIf(!hasCurl)('the replay is refused too', () => {
      expect(replay(curlOf(error.exchange.request))).toBe(7) // curl: failed to connect
    })
  })

  test('a reset in the middle of the body: an error naming what came, with the status and the bytes that came', async () => {
    const baseURL = await listening(
      net.createServer((socket) =>
        socket.once('data', () => {
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"user":')
          setTimeout(() => socket.resetAndDestroy(), 30)
        }),
      ),
    )
    const error = await unanswered(baseURL, 2000)
    expect(error.message).toBe(`GET ${baseURL}/api/me?q=a+b: answered 200, then the connection broke off after 8 bytes of the body (ECONNRESET)`)
    const { evidence } = expectRequestShown(error.exchange, `${baseURL}/api/me?q=a+b`)
    expect(evidence).toMatchObject({ status: 200, bodyHead: '{"user":', dropped: 'ECONNRESET: connection reset by the target mid-body (8 bytes came)' })
    expect(evidence.responseHeaders).toEqual({ 'content-type': 'application/json' })
  })

  test('a refusal whose body breaks off is still an answer: judged by its status, the cut said in dropped', async () => {
    const baseURL = await listening(
      net.createServer((socket) =>
        socket.once('data', () => {
          socket.write('HTTP/1.1 413 Request Entity Too Large\r\ncontent-type: text/html\r\ncontent-length: 300\r\n\r\n<html>')
          setTimeout(() => socket.resetAndDestroy(), 30)
        }),
      ),
    )
    const answered = await send(target(baseURL), { headers: HEADERS }, 2000)
    const { evidence } = expectRequestShown(answered, `${baseURL}/api/me`)
    expect(evidence).toMatchObject({ status: 413, bodyHead: '<html>', dropped: 'ECONNRESET: connection reset by the target mid-body (6 bytes came)' })
  })

  test('an answer that is not HTTP: an exchange without status that says so, with the request and a curl', async () => {
    const baseURL = await listening(net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n')))
    const answered = await send(target(baseURL), { headers: HEADERS }, 2000)
    const { evidence } = expectRequestShown(answered, `${baseURL}/api/me`)
    expect(evidence.status).toBe(0)
    expect(evidence.dropped).toMatch(/^HPE_[A-Z_]+: the answer is not HTTP$/)
  })

  test('a connection closed before any answer: an exchange without status, the closing said in words', async () => {
    const baseURL = await listening(net.createServer((socket) => socket.once('data', () => socket.end())))
    const answered = await send(target(baseURL), { headers: HEADERS }, 2000)
    const { evidence } = expectRequestShown(answered, `${baseURL}/api/me`)
    expect(evidence).toMatchObject({ status: 0, dropped: 'UND_ERR_SOCKET: the target closed the connection' })
  })
})
