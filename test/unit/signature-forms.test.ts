import { KeyObject, verify } from 'node:crypto'
import { CompactSign, generateKeyPair } from 'jose'
import { describe, expect, test } from 'vitest'
import { ecdsaDer, ED25519_ORDER, ed25519WithSPlusL, joinEcdsa, P256_ORDER, splitEcdsa } from '../../suites/support/signature-forms.ts'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const littleEndian = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`)

/** A real compact JWS from jose: the exact bytes it signed, its raw signature, and the public key. */
async function realSignature(alg: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true })
  const token = await new CompactSign(new TextEncoder().encode('{"sub":"user-a"}')).setProtectedHeader({ alg }).sign(privateKey)
  const [header, payload, signature] = token.split('.')
  return {
    data: Buffer.from(`${header}.${payload}`),
    signature: new Uint8Array(Buffer.from(signature!, 'base64url')),
    publicKey: KeyObject.from(publicKey as CryptoKey),
  }
}

describe('group orders', () => {
  test('are the published constants', () => {
    expect(P256_ORDER.toString(16)).toBe('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551')
    expect(ED25519_ORDER.toString(16)).toBe('1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed')
  })
})

describe('splitEcdsa / joinEcdsa', () => {
  test('round-trip a real ES256 signature, whose r and s lie in [1, n)', async () => {
    const { signature } = await realSignature('ES256')
    const { r, s } = splitEcdsa(signature)
    for (const value of [r, s]) expect(value > 0n && value < P256_ORDER).toBe(true)
    expect(hex(joinEcdsa(r, s))).toBe(hex(signature))
  })

  test('(r, n - s) also verifies, which only holds if P256_ORDER is the real order', async () => {
    const { data, signature, publicKey } = await realSignature('ES256')
    const { r, s } = splitEcdsa(signature)
    expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, joinEcdsa(r, P256_ORDER - s))).toBe(true)
  })

  test('pads to the fixed width, accepts out-of-range values that fit, and throws for ones that do not', () => {
    expect(hex(joinEcdsa(1n, 2n))).toBe(`${'00'.repeat(31)}01${'00'.repeat(31)}02`)
    expect(joinEcdsa(P256_ORDER, 0n)).toHaveLength(64)
    expect(() => joinEcdsa(P256_ORDER + 2n ** 256n, 1n)).toThrow(/does not fit in 32/)
    expect(() => joinEcdsa(1n, -1n)).toThrow(/does not fit/)
    expect(() => splitEcdsa(new Uint8Array(63))).toThrow(/63 bytes, expected 64/)
  })
})

describe('ecdsaDer', () => {
  test('encodes the psychic signature r = s = 0 as 30 06 02 01 00 02 01 00', () => {
    expect(hex(ecdsaDer(0n, 0n))).toBe('3006020100020100')
  })

  test('prefixes 0x00 to an integer whose high bit is set, and only then', () => {
    expect(hex(ecdsaDer(0x80n, 0x7fn))).toBe('3007020200800201' + '7f')
  })

  test.each([
    ['ES256', 'sha256'],
    ['ES512', 'sha512'],
  ])('turns a real %s signature into DER node verifies', async (alg, hash) => {
    const { data, signature, publicKey } = await realSignature(alg)
    const { r, s } = splitEcdsa(signature, alg === 'ES512' ? 66 : 32)
    // ES512's SEQUENCE is over 127 bytes long, so this also exercises the long-form length.
    expect(verify(hash, data, { key: publicKey, dsaEncoding: 'der' }, ecdsaDer(r, s))).toBe(true)
    expect(verify(hash, data, { key: publicKey, dsaEncoding: 'der' }, ecdsaDer(r, s + 1n))).toBe(false)
  })
})

describe('ed25519WithSPlusL', () => {
  test('keeps R, adds L to the little-endian S, and a strict verifier rejects only the twin', async () => {
    const { data, signature, publicKey } = await realSignature('Ed25519')
    const twin = ed25519WithSPlusL(signature)
    expect(hex(twin.subarray(0, 32))).toBe(hex(signature.subarray(0, 32)))
    expect(littleEndian(twin.subarray(32))).toBe(littleEndian(signature.subarray(32)) + ED25519_ORDER)
    expect(verify(null, data, publicKey, signature)).toBe(true)
    expect(verify(null, data, publicKey, twin)).toBe(false)
  })

  test('refuses anything but a 64-byte signature', () => {
    expect(() => ed25519WithSPlusL(new Uint8Array(63))).toThrow(/63 bytes, expected 64/)
  })
})
