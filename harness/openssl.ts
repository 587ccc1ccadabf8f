import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** A self-signed certificate and its PKCS#8 key, from openssl (node cannot issue X.509). */
export async function selfSignedCertificate(newKey: string[], subject: string, purpose: string): Promise<{ certPem: string; keyPem: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authconform-cert-'))
  try {
    const [keyFile, certFile] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')]
    await run('openssl', ['req', '-x509', ...newKey, '-nodes', '-keyout', keyFile, '-out', certFile, '-subj', subject, '-days', '1']).catch((error) => {
      throw new Error((error as { code?: string }).code === 'ENOENT' ? `openssl is missing (apt-get install openssl): it issues ${purpose}` : `openssl failed: ${(error as Error).message}`)
    })
    return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
