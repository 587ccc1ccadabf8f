import { compactVerify, generateKeyPair } from 'jose'
import { describe, expect, test } from 'vitest'
import { b64url, encodeSegment, signBytes, signingInput } from '../../harness/core/jws.ts'
import { attackerKey, flipSignatureBit, signAsAttacker, unsigned, withChanges } from '../../suites/support/tokens.ts'

const decode = (segment: string) => Buffer.from(segment, 'base64url')
const decodeJson = (segment: string) => JSON.parse(decode(segment).toString())
const bitsSet = (byte: number) => byte.toString(2).split('1').length - 1

const HEADER = { alg: 'ES256', kid: 'issuer-kid-1', typ: 'JWT' }
const CLAIMS = { sub: 'user-a', iss: 'http://127.0.0.1:3000', aud: 'http://127.0.0.1:3000', exp: 4_102_444_800 }

describe('withChanges', () => {
  test('overrides, adds, and removes a claim changed to undefined without touching the base', () => {
    const base = { sub: 'a', exp: 1, aud: 'x' }
    expect(withChanges(base, { exp: 2, nbf: 3, aud: undefined })).toEqual({ sub: 'a', exp: 2, nbf: 3 })
    expect('aud' in withChanges(base, { aud: undefined })).toBe(false)
    expect(base).toEqual({ sub: 'a', exp: 1, aud: 'x' })
  })
})

describe('encodeSegment', () => {
  test('encodes JSON as unpadded base64url', () => {
    expect(encodeSegment({ a: '??>' })).toBe(Buffer.from('{"a":"??>"}').toString('base64url'))
    expect(encodeSegment({ a: '??>' })).not.toMatch(/[=+/]/)
  })

  test('keeps { raw } text byte-exact, duplicate keys included', () => {
    expect(decode(encodeSegment({ raw: '{"a":1,"a":2}' })).toString()).toBe('{"a":1,"a":2}')
  })

  test('signingInput joins the two segments with a dot', () => {
    expect(signingInput(HEADER, { raw: 'x' })).toBe(`${encodeSegment(HEADER)}.${b64url('x')}`)
  })
})

describe('forged tokens', () => {
  test('unsigned() produces h.p. with an empty signature', () => {
    const token = unsigned({ alg: 'none' }, CLAIMS)
    const [header, payload, signature] = token.split('.')
    expect(token.endsWith('.')).toBe(true)
    expect(signature).toBe('')
    expect(decodeJson(header!)).toEqual({ alg: 'none' })
    expect(decodeJson(payload!)).toEqual(CLAIMS)
  })

  test('signAsAttacker() signs with the attacker key and keeps the given header exactly', async () => {
    const token = await signAsAttacker('ES256', HEADER, CLAIMS)
    const { publicKey } = await attackerKey('ES256')
    const { protectedHeader, payload } = await compactVerify(token, publicKey)
    expect(token.split('.')[0]).toBe(b64url(JSON.stringify(HEADER)))
    expect(protectedHeader).toEqual(HEADER)
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(CLAIMS)
  })

  test('attackerKey() is one key pair per algorithm', async () => {
    expect(await attackerKey('ES256')).toBe(await attackerKey('ES256'))
  })

  test('flipSignatureBit() changes exactly one bit of the signature and nothing else', async () => {
    const token = await signAsAttacker('ES256', HEADER, CLAIMS)
    const flipped = flipSignatureBit(token)
    const [header, payload, signature] = token.split('.')
    const [flippedHeader, flippedPayload, flippedSignature] = flipped.split('.')
    expect([flippedHeader, flippedPayload]).toEqual([header, payload])
    const before = decode(signature!)
    const after = decode(flippedSignature!)
    expect(after.length).toBe(before.length)
    expect(before.reduce((bits, byte, i) => bits + bitsSet(byte ^ after[i]!), 0)).toBe(1)
    await expect(compactVerify(flipped, (await attackerKey('ES256')).publicKey)).rejects.toThrow('signature verification failed')
  })
})

describe('signBytes', () => {
  test.each(['EdDSA', 'ES256', 'RS256', 'PS256'])('a %s signature verifies with jose', async (alg) => {
    const { privateKey, publicKey } = await generateKeyPair(alg)
    const header = { alg, kid: 'k1' }
    const input = signingInput(header, CLAIMS)
    const signature = await signBytes(alg, privateKey, input)
    const { protectedHeader } = await compactVerify(`${input}.${signature}`, publicKey)
    expect(protectedHeader).toEqual(header)
  })

  test('an algorithm without WebCrypto parameters is refused by name', async () => {
    const { privateKey } = await generateKeyPair('ES256')
    await expect(signBytes('HS256', privateKey, 'a.b')).rejects.toThrow('no WebCrypto signing parameters for HS256')
  })
})
