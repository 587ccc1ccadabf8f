import { describe, expect, test } from 'vitest'
import { KEY_SET_SHAPES, requestedShape, shapedJwksURL } from '../../harness/core/protocol/control.ts'
import { shapeKeySet } from '../../harness/environment/key-set-shapes.ts'

const SERVED = [
  { alg: 'ES256', crv: 'P-256', kty: 'EC', x: 'eHg', y: 'eXk', kid: 'k1' },
  { alg: 'ES256', crv: 'P-256', kty: 'EC', x: 'eDI', y: 'eTI', kid: 'k2' },
]

describe('the key set in each shape', () => {
  test('without-alg: the same keys, only alg gone', () => {
    expect(shapeKeySet(SERVED, 'without-alg')).toEqual(SERVED.map(({ alg: _alg, ...key }) => key))
  })

  test('unknown-key-type: an ML-DSA key (kty AKP) first, then the keys as served', () => {
    const [extra, ...rest] = shapeKeySet(SERVED, 'unknown-key-type')
    expect(extra).toMatchObject({ kty: 'AKP', alg: 'ML-DSA-44', use: 'sig' })
    expect(Buffer.from(String(extra!.pub), 'base64url')).toHaveLength(1312)
    expect(rest).toEqual(SERVED)
  })

  test("broken-key: the first key's twin with its point not base64url, under its own kid, first", () => {
    const [broken, ...rest] = shapeKeySet(SERVED, 'broken-key')
    expect(broken).toEqual({ ...SERVED[0], x: '!not+base64url!', y: '!not+base64url!', kid: 'authconform-broken-key' })
    expect(rest).toEqual(SERVED)
    expect(shapeKeySet([{ kty: 'RSA', n: 'bg', e: 'AQAB', kid: 'r' }], 'broken-key')[0]).toEqual({ kty: 'RSA', n: '!not+base64url!', e: 'AQAB', kid: 'authconform-broken-key' })
  })

  test('use-enc: every key marked for encryption', () => {
    expect(shapeKeySet(SERVED, 'use-enc').map((key) => key.use)).toEqual(['enc', 'enc'])
  })

  test('each shape has its URL, and only a known shape on the URL is read back', () => {
    for (const shape of KEY_SET_SHAPES) expect(requestedShape(new URL(shapedJwksURL('http://127.0.0.1:1/api/auth/jwks', shape)))).toBe(shape)
    expect(shapedJwksURL('http://127.0.0.1:1/auth/keys/', 'use-enc')).toBe('http://127.0.0.1:1/auth/keys/?authconform-key-set=use-enc')
    expect(requestedShape(new URL('http://127.0.0.1:1/api/auth/jwks?authconform-key-set=other'))).toBeUndefined()
    expect(requestedShape(new URL('http://127.0.0.1:1/api/auth/jwks'))).toBeUndefined()
  })
})
