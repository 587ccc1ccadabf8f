import { execFileSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { curlOf, evidenceOf } from '../../suites/support/exchange.ts'
import { exchange } from './support.ts'

const REQUEST = {
  method: 'POST',
  url: 'http://127.0.0.1:8000/api/me?a=1&b=2',
  headers: { authorization: 'Bearer abc.def.ghi', 'x-note': "it's $HOME `id`" },
}

describe('curlOf', () => {
  test('single-quotes every argument and escapes embedded single quotes', () => {
    expect(curlOf(REQUEST)).toBe(
      `curl -sS -i -X POST 'http://127.0.0.1:8000/api/me?a=1&b=2' -H 'authorization: Bearer abc.def.ghi' -H 'x-note: it'\\''s $HOME \`id\`'`,
    )
  })

  test('a shell reads back exactly the original arguments', () => {
    const args = curlOf(REQUEST).slice('curl '.length)
    const argv = execFileSync('bash', ['-c', `printf '%s\\n' ${args}`], { encoding: 'utf8' }).split('\n').slice(0, -1)
    expect(argv).toEqual(['-sS', '-i', '-X', 'POST', REQUEST.url, '-H', 'authorization: Bearer abc.def.ghi', '-H', "x-note: it's $HOME `id`"])
  })

  test('a long run of one character is a shell expansion that makes it, read back exactly', () => {
    const token = `eyJhbGciOiJFZERTQSJ9.${'A'.repeat(1_048_576)}.c2ln`
    const request = { method: 'GET', url: `http://127.0.0.1:8000/me?q=${'.'.repeat(100_000)}`, headers: { authorization: `Bearer ${token}` } }
    const curl = curlOf(request)
    expect(curl.length).toBeLessThan(300)
    const argv = execFileSync('bash', ['-c', `printf '%s\\n' ${curl.slice('curl '.length)}`], { encoding: 'utf8', maxBuffer: 8 * 1024 * 1024 }).split('\n').slice(0, -1)
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
    const evidence = evidenceOf(
      exchange({ status: 401, ms: 7, headers: { 'www-authenticate': 'Bearer', 'content-type': 'text/plain', 'set-cookie': 's=1', server: 'x' } }),
    )
    expect(evidence).toMatchObject({ status: 401, ms: 7, responseHeaders: { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' } })
    expect(Object.keys(evidence.responseHeaders!)).toEqual(['www-authenticate', 'content-type'])
  })
})
