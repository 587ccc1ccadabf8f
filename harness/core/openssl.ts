import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * A self-signed certificate and its PKCS#8 key, from openssl (node cannot issue X.509): for a
 * new key (`newKey`: openssl's -newkey arguments) or for one the caller has (`keyPem`).
 */
export async function selfSignedCertificate(key: { newKey: string[] } | { keyPem: string }, subject: string, purpose: string): Promise<{ certPem: string; keyPem: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authconform-cert-'))
  try {
    const [keyFile, certFile] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')]
    if ('keyPem' in key) await writeFile(keyFile, key.keyPem, { mode: 0o600 })
    const keyArgs = 'keyPem' in key ? ['-key', keyFile] : [...key.newKey, '-nodes', '-keyout', keyFile]
    await run('openssl', ['req', '-x509', ...keyArgs, '-out', certFile, '-subj', subject, '-days', '1']).catch((error) => {
      throw new Error((error as { code?: string }).code === 'ENOENT' ? `openssl is missing (apt-get install openssl): it issues ${purpose}` : `openssl failed: ${(error as Error).message}`)
    })
    return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
