import { createHmac } from 'node:crypto'

/** Compact JWS building blocks shared by the issuer's control plugin and the forging helpers. */
export function b64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url')
}

/** A segment is either a JSON value to encode, or `{ raw }`: exact text (duplicate keys, junk). */
export type Segment = unknown | { raw: string }

export function encodeSegment(segment: Segment): string {
  if (segment && typeof segment === 'object' && 'raw' in segment && typeof (segment as { raw: unknown }).raw === 'string') {
    return b64url((segment as { raw: string }).raw)
  }
  return b64url(JSON.stringify(segment))
}

export function signingInput(header: Segment, payload: Segment): string {
  return `${encodeSegment(header)}.${encodeSegment(payload)}`
}

const HASH_BY_SIZE: Record<string, string> = { '256': 'SHA-256', '384': 'SHA-384', '512': 'SHA-512' }

/**
 * WebCrypto parameters for `alg`. The hash comes from the alg, not the key, so a P-256 key can
 * sign "ES512" (SHA-512) and an RSA key either scheme: the in-family swaps attackers try.
 */
function algorithmParams(alg: string, jwk?: JsonWebKey) {
  const hash = HASH_BY_SIZE[alg.slice(2)]
  if (alg === 'EdDSA' || alg === 'Ed25519') return { name: 'Ed25519' }
  if (alg.startsWith('ES') && hash) return { name: 'ECDSA', hash, namedCurve: jwk?.crv ?? { '256': 'P-256', '384': 'P-384', '512': 'P-521' }[alg.slice(2)] }
  if (alg.startsWith('RS') && hash) return { name: 'RSASSA-PKCS1-v1_5', hash }
  if (alg.startsWith('PS') && hash) return { name: 'RSA-PSS', hash, saltLength: Number(alg.slice(2)) / 8 }
  throw new Error(`no WebCrypto signing parameters for ${alg}`)
}

/** Signs exact bytes with a WebCrypto key, producing the JWS signature segment for `alg`. */
export async function signBytes(alg: string, key: CryptoKey, input: string): Promise<string> {
  return b64url(new Uint8Array(await crypto.subtle.sign(algorithmParams(alg), key, new TextEncoder().encode(input))))
}

/** Signs with a private JWK under `alg`, which may differ from the alg the key was made for. */
export async function signWithJwk(alg: string, privateJwk: JsonWebKey, input: string): Promise<string> {
  const params = algorithmParams(alg, privateJwk)
  const { alg: _alg, key_ops: _ops, use: _use, ...material } = privateJwk
  const key = await crypto.subtle.importKey('jwk', material, params, false, ['sign'])
  return b64url(new Uint8Array(await crypto.subtle.sign(params, key, new TextEncoder().encode(input))))
}

/** HS256/384/512 over exact bytes with any key bytes (empty, a PEM, a word from a guide…). */
export function hmac(alg: string, key: string | Uint8Array, input: string): string {
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg]
  if (!hash) throw new Error(`${alg} is not an HMAC algorithm`)
  return createHmac(hash, key).update(input).digest('base64url')
}

export function isHmac(alg: string): boolean {
  return /^HS(256|384|512)$/.test(alg)
}
