import { selfSignedCertificate } from '../../harness/core/openssl.ts'
import { ownedKeyPair } from './key-pairs.ts'

export interface AttackerCertificate {
  pem: string
  /** base64 (not url) DER, as an x5c entry carries it. */
  der: string
  privateKey: CryptoKey
}

const certificates = new Map<string, Promise<AttackerCertificate>>()

/**
 * A self-signed certificate for the attacker's own key (openssl: node cannot issue X.509). The
 * key is the attacker's key for that algorithm, so issuing it generates no key of its own.
 */
export function attackerCertificate(alg: string): Promise<AttackerCertificate> {
  if (!certificates.has(alg)) certificates.set(alg, issue(alg))
  return certificates.get(alg)!
}

async function issue(alg: string): Promise<AttackerCertificate> {
  const { privateKey, privatePem } = await ownedKeyPair('attacker', alg)
  const { certPem: pem } = await selfSignedCertificate({ keyPem: privatePem }, '/CN=authconform attacker', 'the attacker certificate')
  const der = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  return { pem, der, privateKey }
}
