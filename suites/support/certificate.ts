import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { importPKCS8 } from 'jose'

const run = promisify(execFile)

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

/** A self-signed certificate for a key the attacker owns (openssl: node cannot issue X.509). */
export function attackerCertificate(alg: string): Promise<AttackerCertificate> {
  if (!certificates.has(alg)) certificates.set(alg, issue(alg))
  return certificates.get(alg)!
}

async function issue(alg: string): Promise<AttackerCertificate> {
  const spec = NEW_KEY[alg]
  if (!spec) throw new Error(`no attacker certificate for ${alg}`)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authconform-cert-'))
  try {
    const [keyFile, certFile] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')]
    await run('openssl', ['req', '-x509', ...spec, '-nodes', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=authconform attacker', '-days', '1']).catch((error) => {
      throw new Error((error as { code?: string }).code === 'ENOENT' ? 'openssl is missing (apt-get install openssl): it issues the attacker certificate' : `openssl failed: ${(error as Error).message}`)
    })
    const pem = await readFile(certFile, 'utf8')
    const der = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
    return { pem, der, privateKey: (await importPKCS8(await readFile(keyFile, 'utf8'), alg)) as CryptoKey }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
