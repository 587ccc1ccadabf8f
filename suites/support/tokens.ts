import { randomBytes } from 'node:crypto'
import { exportJWK, type JWK } from 'jose'
import type { Principal, ProfileContext } from '../../harness/core/context.ts'
import { controlClient } from '../../harness/core/protocol/control.ts'
import { hmac, isHmac, signBytes, signingInput, type Segment } from '../../harness/core/jws.ts'
import { ownedKeyPair } from './key-pairs.ts'

/** Claims with changes applied; a change to `undefined` removes the claim. */
export function withChanges(base: Record<string, unknown>, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const result = { ...base, ...changes }
  for (const [name, value] of Object.entries(changes)) if (value === undefined) delete result[name]
  return result
}

/**
 * Signs with the issuer's REAL current key through conformance control, so a token minted
 * here differs from a real one only in what the case changed.
 */
export function issuerSignature(issuer: ProfileContext['issuer']) {
  const control = controlClient(issuer)
  return (input: string, alg?: string, kid?: string) => control.signature(input, { alg, kid })
}

export function issuerSigner(issuer: ProfileContext['issuer']) {
  const signature = issuerSignature(issuer)
  return async (header: Segment, payload: Segment, alg?: string, kid?: string): Promise<string> => {
    const input = signingInput(header, payload)
    return `${input}.${await signature(input, alg, kid)}`
  }
}

/** `mint(user.a, { exp: ago('1h') })`: the user's real token with one named change, really signed. */
export function minter(issuer: ProfileContext['issuer']) {
  const sign = issuerSigner(issuer)
  return (user: Principal, claims?: Record<string, unknown>, header?: Record<string, unknown>) => sign(withChanges(user.header, header), withChanges(user.claims, claims))
}

/** A key pair the attacker owns (see key-pairs.ts: one per key type per worker). */
export const attackerKey = (alg: string) => ownedKeyPair('attacker', alg)

/** The attacker's HMAC secret (for the HS256 profile's "attacker key"). */
const ATTACKER_SECRET = randomBytes(32)

/** The attacker's public key as a JWK (an `oct` key for HMAC, which is then not public at all). */
export async function attackerJwk(alg: string): Promise<JWK> {
  if (isHmac(alg)) return { kty: 'oct', k: ATTACKER_SECRET.toString('base64url'), alg }
  return { ...(await exportJWK((await attackerKey(alg)).publicKey)), alg }
}

export async function signAsAttacker(alg: string, header: Segment, payload: Segment): Promise<string> {
  const input = signingInput(header, payload)
  if (isHmac(alg)) return `${input}.${hmac(alg, ATTACKER_SECRET, input)}`
  return `${input}.${await signBytes(alg, (await attackerKey(alg)).privateKey, input)}`
}

/** HMAC over header.payload with any key bytes: a PEM, an empty string, a guide's example secret. */
export function signWithHmacKey(alg: string, key: string | Uint8Array, header: Segment, payload: Segment): string {
  const input = signingInput(header, payload)
  return `${input}.${hmac(alg, key, input)}`
}

/** Any header/payload with a given signature segment (default: empty, as alg "none" has). */
export function unsigned(header: Segment, payload: Segment, signature = ''): string {
  return `${signingInput(header, payload)}.${signature}`
}

export function segments(token: string): string[] {
  return token.split('.')
}

export function signatureOf(token: string): string {
  return segments(token)[2] ?? ''
}

/** The same token with one bit of its signature flipped. */
export function flipSignatureBit(token: string): string {
  const [header, payload, signature] = segments(token)
  const bytes = Buffer.from(signature!, 'base64url')
  bytes[bytes.length - 1]! ^= 0x01
  return `${header}.${payload}.${bytes.toString('base64url')}`
}

/** The same header.payload with a different signature segment (crypto edge cases). */
export function withSignature(token: string, signature: Uint8Array): string {
  const [header, payload] = segments(token)
  return `${header}.${payload}.${Buffer.from(signature).toString('base64url')}`
}

export function signatureBytes(token: string): Uint8Array {
  return new Uint8Array(Buffer.from(signatureOf(token), 'base64url'))
}
