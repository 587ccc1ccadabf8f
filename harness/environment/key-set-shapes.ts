import { randomBytes } from 'node:crypto'
import type { KeySetShape } from '../core/protocol/control.ts'

type Jwk = Record<string, unknown> & { kty: string }

/**
 * An ML-DSA-44 public key (the AKP key type of draft-ietf-cose-dilithium): what an issuer that
 * adds a post-quantum key publishes next to the keys a verifier knows.
 */
const ML_DSA_KEY: Jwk = { kty: 'AKP', alg: 'ML-DSA-44', kid: 'authconform-ml-dsa-44', use: 'sig', pub: randomBytes(1312).toString('base64url') }

/** Not base64url: no parser makes a key of it. */
const NOT_BASE64URL = '!not+base64url!'

/**
 * Better Auth's key set in `shape` (core/protocol/control.ts says what each is for). Extra keys
 * go first: a reader that gives up at the first key it cannot use meets them before the real one.
 */
export function shapeKeySet(keys: Jwk[], shape: KeySetShape): Jwk[] {
  switch (shape) {
    case 'without-alg':
      return keys.map(({ alg: _alg, ...key }) => key as Jwk)
    case 'unknown-key-type':
      return [ML_DSA_KEY, ...keys]
    case 'broken-key':
      return keys.length ? [brokenTwin(keys[0]!), ...keys] : keys
    case 'use-enc':
      return keys.map((key) => ({ ...key, use: 'enc' }))
  }
}

/** The key with its public part (x and y, or n) not base64url, under a kid of its own. */
function brokenTwin(key: Jwk): Jwk {
  const broken = Object.fromEntries(['x', 'y', 'n'].filter((member) => member in key).map((member) => [member, NOT_BASE64URL]))
  return { ...key, ...broken, kid: 'authconform-broken-key' }
}
