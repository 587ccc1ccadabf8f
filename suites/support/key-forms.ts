import { createPublicKey, type JsonWebKey as NodeJsonWebKey } from 'node:crypto'

/**
 * Every serialization of a public key that a confused verifier might feed to HMAC as the
 * secret when a token says "HS256" but the configured key is asymmetric (CVE-2015-9235,
 * CVE-2022-29217, CVE-2024-33663). The attacker knows the public key, so each form is a
 * secret they can compute; a verifier is safe only if none of them is ever accepted.
 */
export type KeyFormName = 'jwk-served' | 'jwk-canonical' | 'pem-spki' | 'pem-spki-no-newline' | 'der-spki' | 'pkcs1-pem' | 'openssh' | 'raw'

export interface KeyForm {
  name: KeyFormName
  bytes: Uint8Array
}

export type PublicJwk = JsonWebKey & { kid?: string; alg?: string }

export const KEY_FORMS: readonly KeyFormName[] = ['jwk-served', 'jwk-canonical', 'pem-spki', 'pem-spki-no-newline', 'der-spki', 'pkcs1-pem', 'openssh', 'raw']

/** PKCS#1 is an RSA-only structure; every other form exists for every key type. */
export function keyFormApplies(name: KeyFormName, kty: 'OKP' | 'EC' | 'RSA'): boolean {
  return name !== 'pkcs1-pem' || kty === 'RSA'
}

/** `served` is the key's JSON exactly as the JWKS endpoint served it (one element of keys[]). */
export function publicKeyForms(jwk: PublicJwk, served: string): KeyForm[] {
  const kty = jwk.kty as 'OKP' | 'EC' | 'RSA'
  const key = createPublicKey({ key: jwk as NodeJsonWebKey, format: 'jwk' })
  const pem = key.export({ type: 'spki', format: 'pem' }) as string
  const text = (value: string) => new TextEncoder().encode(value)
  const all: Record<KeyFormName, () => Uint8Array> = {
    'jwk-served': () => text(served),
    'jwk-canonical': () => text(canonicalJwk(jwk)),
    'pem-spki': () => text(pem),
    'pem-spki-no-newline': () => text(pem.replace(/\n$/, '')),
    'der-spki': () => new Uint8Array(key.export({ type: 'spki', format: 'der' })),
    'pkcs1-pem': () => text(key.export({ type: 'pkcs1', format: 'pem' }) as string),
    openssh: () => text(openSshPublicKey(jwk)),
    raw: () => base64url(kty === 'RSA' ? jwk.n : jwk.x),
  }
  return KEY_FORMS.filter((name) => keyFormApplies(name, kty)).map((name) => ({ name, bytes: all[name]() }))
}

/** RFC 7638 §3: only the required members, in lexicographic order, no whitespace. */
const THUMBPRINT_MEMBERS: Record<string, readonly (keyof JsonWebKey)[]> = {
  OKP: ['crv', 'kty', 'x'],
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
}

export function canonicalJwk(jwk: PublicJwk): string {
  const members = THUMBPRINT_MEMBERS[jwk.kty ?? '']
  if (!members) throw new Error(`no RFC 7638 canonical form for kty ${jwk.kty}`)
  return JSON.stringify(Object.fromEntries(members.map((member) => [member, jwk[member]])))
}

const SSH_CURVE: Record<string, string> = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' }

/** The `authorized_keys` line without a comment: `<type> <base64 wire blob>` (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4). */
export function openSshPublicKey(jwk: PublicJwk): string {
  const line = (type: string, ...fields: Uint8Array[]) => `${type} ${Buffer.concat([sshString(type), ...fields]).toString('base64')}`
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return line('ssh-ed25519', sshString(base64url(jwk.x)))
  if (jwk.kty === 'EC' && SSH_CURVE[jwk.crv ?? '']) {
    const curve = SSH_CURVE[jwk.crv!]!
    const point = Buffer.concat([Buffer.of(0x04), base64url(jwk.x), base64url(jwk.y)])
    return line(`ecdsa-sha2-${curve}`, sshString(curve), sshString(point))
  }
  if (jwk.kty === 'RSA') return line('ssh-rsa', sshMpint(base64url(jwk.e)), sshMpint(base64url(jwk.n)))
  throw new Error(`no OpenSSH public key form for kty ${jwk.kty} crv ${jwk.crv}`)
}

/** SSH wire string: uint32 big-endian length, then the bytes. */
function sshString(value: string | Uint8Array): Buffer {
  const bytes = Buffer.from(value)
  const length = Buffer.alloc(4)
  length.writeUInt32BE(bytes.length)
  return Buffer.concat([length, bytes])
}

/** SSH mpint of a positive integer: minimal bytes, plus a 0x00 so a set high bit doesn't read as negative. */
function sshMpint(unsigned: Uint8Array): Buffer {
  let start = 0
  while (start < unsigned.length && unsigned[start] === 0) start++
  const magnitude = unsigned.subarray(start)
  return sshString(magnitude.length && magnitude[0]! & 0x80 ? Buffer.concat([Buffer.of(0), magnitude]) : magnitude)
}

function base64url(value: string | undefined): Uint8Array {
  if (!value) throw new Error('public JWK is missing a key member')
  return new Uint8Array(Buffer.from(value, 'base64url'))
}
