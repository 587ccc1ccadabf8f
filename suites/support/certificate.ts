import { importPKCS8 } from 'jose'
import { selfSignedCertificate } from '../../harness/openssl.ts'

/** openssl's -newkey spec for the attacker's key of each JWS algorithm. */
const NEW_KEY: Record<string, string[]> = {
  EdDSA: ['-newkey', 'ed25519'],
  ES256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  RS256: ['-newkey', 'rsa:2048'],
  PS256: ['-newkey', 'rsa:2048'],
}

export interface AttackerCertificate {
  pem: string
  /** base64 (not url) DER, as an x5c entry carries it. */
  der: string
  privateKey: CryptoKey
}

const certificates = new Map<string, Promise<AttackerCertificate>>()
// By key spec: RS256 and PS256 share one RSA key, whose generation is most of the cost.
const issued = new Map<string, Promise<{ certPem: string; keyPem: string }>>()

/** A self-signed certificate for a key the attacker owns (openssl: node cannot issue X.509). */
export function attackerCertificate(alg: string): Promise<AttackerCertificate> {
  if (!certificates.has(alg)) certificates.set(alg, issue(alg))
  return certificates.get(alg)!
}

async function issue(alg: string): Promise<AttackerCertificate> {
  const spec = NEW_KEY[alg]
  if (!spec) throw new Error(`no attacker certificate for ${alg}`)
  const key = spec.join(' ')
  if (!issued.has(key)) issued.set(key, selfSignedCertificate(spec, '/CN=authconform attacker', 'the attacker certificate'))
  const { certPem: pem, keyPem } = await issued.get(key)!
  const der = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  return { pem, der, privateKey: (await importPKCS8(keyPem, alg)) as CryptoKey }
}
