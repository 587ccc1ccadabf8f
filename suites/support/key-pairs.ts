import { createPublicKey, generateKeyPair } from 'node:crypto'
import { promisify } from 'node:util'
import { importPKCS8, importSPKI } from 'jose'
import { ASYMMETRIC_PROFILES, KEY_PAIR_CONFIG, type AsymmetricProfile } from '../../harness/core/profiles.ts'

/** Whose key: the attacker's, or another Better Auth deployment's (a legitimate key the target must not know). */
export type KeyOwner = 'attacker' | 'other-deployment'

export interface OwnedKeyPair {
  privateKey: CryptoKey
  publicKey: CryptoKey
  /** PKCS#8, for openssl to issue a certificate for the same key. */
  privatePem: string
}

const generate = promisify(generateKeyPair)
const isProfile = (alg: string): alg is AsymmetricProfile => (ASYMMETRIC_PROFILES as readonly string[]).includes(alg)

/** node:crypto's spec for an algorithm's key type, from the issuer's keyPairConfig (RS256 and PS256: one RSA type). */
function keyType(alg: AsymmetricProfile): ['rsa', { modulusLength: number }] | ['ec', { namedCurve: string }] | ['ed25519', Record<string, never>] {
  const config = KEY_PAIR_CONFIG[alg]
  if (config.modulusLength) return ['rsa', { modulusLength: config.modulusLength }]
  if (config.crv === 'Ed25519') return ['ed25519', {}]
  return ['ec', { namedCurve: 'P-256' }]
}

const pems = new Map<string, Promise<string>>()
const pairs = new Map<string, Promise<OwnedKeyPair>>()

/**
 * A key pair per owner, algorithm family and worker. Generation is the slow part (an RSA key
 * is about 0.2 s of CPU), so RS256 and PS256 share one RSA key, imported for each algorithm.
 */
export function ownedKeyPair(owner: KeyOwner, alg: string): Promise<OwnedKeyPair> {
  const id = `${owner} ${alg}`
  if (!isProfile(alg)) return Promise.reject(new Error(`no ${owner} key for ${alg}: only the JWKS profiles' algorithms have one`))
  if (!pairs.has(id)) pairs.set(id, fromPem(owner, alg))
  return pairs.get(id)!
}

async function fromPem(owner: KeyOwner, alg: AsymmetricProfile): Promise<OwnedKeyPair> {
  const [type, options] = keyType(alg)
  const family = `${owner} ${type} ${JSON.stringify(options)}`
  if (!pems.has(family)) {
    pems.set(
      family,
      generate(type as 'rsa', options as { modulusLength: number }).then(({ privateKey }) => privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
    )
  }
  const privatePem = await pems.get(family)!
  const publicPem = createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }) as string
  const [privateKey, publicKey] = await Promise.all([importPKCS8(privatePem, alg, { extractable: true }), importSPKI(publicPem, alg, { extractable: true })])
  return { privateKey: privateKey as CryptoKey, publicKey: publicKey as CryptoKey, privatePem }
}
