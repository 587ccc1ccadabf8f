/**
 * Malformed and edge-case signatures for the crypto-edge attacks: ECDSA values a verifier must
 * range-check (the "psychic signature" r = s = 0, CVE-2022-21449), DER where JOSE requires raw
 * r||s (RFC 7518 §3.4), and the malleable Ed25519 twin with S >= L (RFC 8032 §5.1.7).
 */

/** Order n of the P-256 base point (SEC 2 §2.4.2). */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

/** Order L of the Ed25519 base point (RFC 8032 §5.1). */
export const ED25519_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n

/** JOSE ECDSA signature: r and s as fixed-width big-endian halves. */
export function splitEcdsa(signature: Uint8Array, size = 32): { r: bigint; s: bigint } {
  if (signature.length !== 2 * size) throw new Error(`ECDSA signature is ${signature.length} bytes, expected ${2 * size}`)
  return { r: fromBigEndian(signature.subarray(0, size)), s: fromBigEndian(signature.subarray(size)) }
}

export function joinEcdsa(r: bigint, s: bigint, size = 32): Uint8Array {
  return new Uint8Array([...toBigEndian(r, size), ...toBigEndian(s, size)])
}

/** ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }`, the form OpenSSL and Java use and JOSE forbids. */
export function ecdsaDer(r: bigint, s: bigint): Uint8Array {
  return derTlv(0x30, [...derInteger(r), ...derInteger(s)])
}

/**
 * The same Ed25519 signature with S replaced by S + L. It satisfies the group equation, so a
 * verifier that skips the S < L check accepts it: a second valid-looking token from one signature.
 */
export function ed25519WithSPlusL(signature: Uint8Array): Uint8Array {
  if (signature.length !== 64) throw new Error(`Ed25519 signature is ${signature.length} bytes, expected 64`)
  const s = fromBigEndian(signature.slice(32).reverse()) + ED25519_ORDER
  return new Uint8Array([...signature.subarray(0, 32), ...toBigEndian(s, 32).reverse()])
}

function fromBigEndian(bytes: Uint8Array): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n)
}

function toBigEndian(value: bigint, size: number): Uint8Array {
  if (value < 0n || value >= 1n << BigInt(8 * size)) throw new Error(`${value} does not fit in ${size} unsigned bytes`)
  const bytes = new Uint8Array(size)
  for (let i = size - 1, rest = value; i >= 0; i--, rest >>= 8n) bytes[i] = Number(rest & 0xffn)
  return bytes
}

/** Minimal big-endian two's complement: a leading 0x00 keeps a set high bit from reading as negative. */
function derInteger(value: bigint): Uint8Array {
  if (value < 0n) throw new Error('ECDSA r and s are non-negative')
  const hex = value.toString(16)
  const bytes = [...Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')]
  return derTlv(0x02, bytes[0]! & 0x80 ? [0, ...bytes] : bytes)
}

/** Tag, length, content; the length in short form (< 128) or long form (0x80 | count, then big-endian bytes). */
function derTlv(tag: number, content: ArrayLike<number>): Uint8Array {
  return new Uint8Array([tag, ...derLength(content.length), ...Array.from(content)])
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length]
  const octets: number[] = []
  for (let rest = length; rest > 0; rest >>= 8) octets.unshift(rest & 0xff)
  return [0x80 | octets.length, ...octets]
}
