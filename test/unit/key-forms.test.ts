import { execFileSync } from 'node:child_process'
import { createHash, createPublicKey } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'
import { afterAll, describe, expect, test } from 'vitest'
import { canonicalJwk, KEY_FORMS, keyFormApplies, openSshPublicKey, publicKeyForms, type KeyFormName, type PublicJwk } from '../../suites/support/key-forms.ts'

const hasSshKeygen = (() => {
  try {
    execFileSync('which', ['ssh-keygen'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

const workdir = mkdtempSync(join(tmpdir(), 'authconform-key-forms-'))
afterAll(() => rmSync(workdir, { recursive: true, force: true }))

const sshKeygen = (...args: string[]) => execFileSync('ssh-keygen', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
const writeTemp = (name: string, content: string | Uint8Array) => {
  const path = join(workdir, name)
  writeFileSync(path, content)
  return path
}
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8')

async function publicJwk(alg: string): Promise<PublicJwk> {
  const { publicKey } = await generateKeyPair(alg, { extractable: true })
  return { ...(await exportJWK(publicKey)), kid: `kid-${alg}`, alg }
}

const KEYS = await Promise.all(
  (
    [
      ['Ed25519', 'OKP'],
      ['ES256', 'EC'],
      ['RS256', 'RSA'],
    ] as const
  ).map(async ([alg, kty]) => {
    const jwk = await publicJwk(alg)
    const served = JSON.stringify(jwk)
    const forms = new Map(publicKeyForms(jwk, served).map((form) => [form.name, form.bytes] as [KeyFormName, Uint8Array]))
    return { alg, kty, jwk, served, forms }
  }),
)

/** The key material node reads back from a form, for comparing with the JWK it came from. */
const material = (jwk: JsonWebKey) => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, n: jwk.n, e: jwk.e })

describe.each(KEYS)('publicKeyForms of a $alg key', ({ kty, jwk, served, forms }) => {
  test('yields every applicable form once, in KEY_FORMS order', () => {
    expect([...forms.keys()]).toEqual(KEY_FORMS.filter((name) => keyFormApplies(name, kty)))
  })

  test('jwk-served is the served JSON byte for byte', () => {
    expect(text(forms.get('jwk-served')!)).toBe(served)
  })

  test('jwk-canonical hashes to the RFC 7638 thumbprint jose computes', async () => {
    const digest = createHash('sha256').update(forms.get('jwk-canonical')!).digest('base64url')
    expect(digest).toBe(await calculateJwkThumbprint(jwk))
    expect(text(forms.get('jwk-canonical')!)).not.toMatch(/\s|kid|alg/)
  })

  test('each PEM and the DER parse back with node crypto to the same key', () => {
    const pem = text(forms.get('pem-spki')!)
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/)
    expect(text(forms.get('pem-spki-no-newline')!)).toBe(pem.slice(0, -1))
    const parsed = [
      createPublicKey(pem),
      createPublicKey(text(forms.get('pem-spki-no-newline')!)),
      createPublicKey({ key: Buffer.from(forms.get('der-spki')!), format: 'der', type: 'spki' }),
      ...(kty === 'RSA' ? [createPublicKey(text(forms.get('pkcs1-pem')!))] : []),
    ]
    for (const key of parsed) expect(material(key.export({ format: 'jwk' }))).toEqual(material(jwk))
  })

  test('pkcs1-pem exists only for RSA, as an RSA PUBLIC KEY block', () => {
    expect(forms.has('pkcs1-pem')).toBe(kty === 'RSA')
    if (kty === 'RSA') expect(text(forms.get('pkcs1-pem')!)).toMatch(/^-----BEGIN RSA PUBLIC KEY-----\n/)
  })

  test('raw is the decoded x (OKP, EC) or n (RSA)', () => {
    const expected = Buffer.from(kty === 'RSA' ? jwk.n! : jwk.x!, 'base64url')
    expect(Buffer.from(forms.get('raw')!)).toEqual(expected)
    expect(expected.length).toBe(kty === 'RSA' ? 256 : 32)
  })

  test('openssh is one "<type> <base64>" line with no comment or newline', () => {
    expect(text(forms.get('openssh')!)).toMatch(/^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/]+=*$/)
  })

  test.skipIf(!hasSshKeygen)('ssh-keygen reads the openssh line as the same key the PEM holds', () => {
    const line = text(forms.get('openssh')!)
    const fingerprint = sshKeygen('-l', '-f', writeTemp(`${kty}.pub`, `${line}\n`))
    expect(fingerprint).toMatch(new RegExp(`^${{ OKP: 256, EC: 256, RSA: 2048 }[kty]} SHA256:\\S+ .*\\((ED25519|ECDSA|RSA)\\)$`))
    // OpenSSH 9.2 cannot import an Ed25519 PKCS#8 key; that key type is checked against
    // ssh-keygen's own output in the test below instead.
    if (kty === 'OKP') return
    const imported = sshKeygen('-i', '-m', 'PKCS8', '-f', writeTemp(`${kty}.pem`, forms.get('pem-spki')!))
    expect(imported).toBe(line)
    expect(sshKeygen('-l', '-f', writeTemp(`${kty}-imported.pub`, `${imported}\n`)).split(' ')[1]).toBe(fingerprint.split(' ')[1])
  })
})

describe('openSshPublicKey', () => {
  test.skipIf(!hasSshKeygen)('rebuilds the exact line ssh-keygen writes for an Ed25519 key it generated', () => {
    const path = join(workdir, 'generated-ed25519')
    sshKeygen('-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path)
    const written = readFileSync(`${path}.pub`, 'utf8').trim()
    // The 32-byte public key is the last field of the wire blob.
    const x = Buffer.from(written.split(' ')[1]!, 'base64').subarray(-32).toString('base64url')
    expect(openSshPublicKey({ kty: 'OKP', crv: 'Ed25519', x })).toBe(written)
  })

  test('gives an mpint a leading zero byte exactly when its high bit is set', () => {
    const wire = (jwk: PublicJwk) => Buffer.from(openSshPublicKey(jwk).split(' ')[1]!, 'base64')
    // "ssh-rsa" string (4 + 7 bytes), then mpint e: e = 0x80 needs a 0x00, e = 0x01 0x00 0x01 doesn't.
    expect([...wire({ kty: 'RSA', e: Buffer.of(0x80).toString('base64url'), n: 'AQ' }).subarray(11, 17)]).toEqual([0, 0, 0, 2, 0x00, 0x80])
    expect([...wire({ kty: 'RSA', e: 'AQAB', n: 'AQ' }).subarray(11, 18)]).toEqual([0, 0, 0, 3, 0x01, 0x00, 0x01])
  })

  test('names the key type it has no OpenSSH form for', () => {
    expect(() => openSshPublicKey({ kty: 'EC', crv: 'secp256k1', x: 'AA', y: 'AA' })).toThrow(/EC.*secp256k1/)
  })
})

describe('canonicalJwk', () => {
  test('keeps only the RFC 7638 required members, sorted, without whitespace (RFC 8037 A.3 key)', () => {
    const jwk = { x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'k1', kty: 'OKP', use: 'sig', alg: 'EdDSA', crv: 'Ed25519' }
    const canonical = canonicalJwk(jwk)
    expect(canonical).toBe('{"crv":"Ed25519","kty":"OKP","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}')
    // The thumbprint RFC 8037 A.3 gives for this key.
    expect(createHash('sha256').update(canonical).digest('base64url')).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k')
  })

  test('orders EC and RSA members as RFC 7638 lists them', () => {
    expect(canonicalJwk({ y: 'Y', x: 'X', kty: 'EC', crv: 'P-256', kid: 'k' })).toBe('{"crv":"P-256","kty":"EC","x":"X","y":"Y"}')
    expect(canonicalJwk({ n: 'N', kty: 'RSA', e: 'AQAB', alg: 'RS256' })).toBe('{"e":"AQAB","kty":"RSA","n":"N"}')
  })
})

describe('keyFormApplies', () => {
  test('every form applies to every key type except pkcs1-pem, which is RSA only', () => {
    for (const name of KEY_FORMS) {
      expect(keyFormApplies(name, 'RSA')).toBe(true)
      expect(keyFormApplies(name, 'EC')).toBe(name !== 'pkcs1-pem')
      expect(keyFormApplies(name, 'OKP')).toBe(name !== 'pkcs1-pem')
    }
  })
})
