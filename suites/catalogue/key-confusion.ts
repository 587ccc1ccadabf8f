import { ASYMMETRIC_PROFILES, type Profile } from '../../harness/core/profiles.ts'
import { KEY_FORMS, keyFormApplies, publicKeyForms, type KeyFormName, type PublicJwk } from '../support/key-forms.ts'
import { signWithHmacKey, withChanges } from '../support/tokens.ts'
import type { ProbeKit } from '../../harness/core/case.ts'
import { defineCase } from './define-case.ts'
import { rejected } from './expect.ts'

/**
 * Key confusion (CVE-2015-9235, CVE-2022-29217, CVE-2024-33663): an HS* token whose HMAC key
 * is the issuer's PUBLIC key in some serialization. A verifier that lets the token pick the
 * algorithm and hands the configured public key to HMAC accepts it.
 */
const KTY: Record<Exclude<Profile, 'HS256'>, 'OKP' | 'EC' | 'RSA'> = { EdDSA: 'OKP', ES256: 'EC', RS256: 'RSA', PS256: 'RSA' }
const HMAC_ALGS = ['HS256', 'HS384', 'HS512'] as const

/**
 * The issuer's current public key, as served by its JWKS (one fetch per worker and JWKS URL: a
 * key-set instance's URL serves the same key in another shape).
 */
const served = new Map<string, Promise<{ jwk: PublicJwk; text: string }>>()
function issuerPublicKey(kit: ProbeKit) {
  const kid = kit.user.a.header.kid as string
  const key = `${kit.issuer.jwksURL} ${kid}`
  if (!served.has(key)) {
    served.set(
      key,
      fetch(kit.issuer.jwksURL)
        .then((r) => r.json() as Promise<{ keys: PublicJwk[] }>)
        .then(({ keys }) => {
          const jwk = keys.find((k) => k.kid === kid)
          if (!jwk) throw new Error(`kid ${kid} not in ${kit.issuer.jwksURL}`)
          return { jwk, text: JSON.stringify(jwk) }
        }),
    )
  }
  return served.get(key)!
}

const DESCRIBED: Record<KeyFormName, string> = {
  'jwk-served': 'its JWK as served',
  'jwk-canonical': 'its canonical JWK (RFC 7638)',
  'pem-spki': 'its SPKI PEM',
  'pem-spki-no-newline': 'its SPKI PEM without the final newline',
  'der-spki': 'its SPKI DER bytes',
  'pkcs1-pem': 'its PKCS#1 RSA PEM',
  openssh: 'its OpenSSH public key line',
  raw: 'its raw x / n bytes',
}

export const keyConfusionCases = KEY_FORMS.flatMap((form) => {
  const profiles = ASYMMETRIC_PROFILES.filter((p) => keyFormApplies(form, KTY[p]))
  return HMAC_ALGS.map((alg) =>
    defineCase({
      id: `key-confusion/${alg.toLowerCase()}-${form}`,
      title: `rejects ${alg} keyed with the issuer's public key: ${DESCRIBED[form]}`,
      severity: 'critical',
      refs: ['RFC8725-3.1', 'RFC8725-2.1', 'CVE-2015-9235', 'CVE-2024-33663'],
      profiles,
      profilesReason: form === 'pkcs1-pem' ? 'PKCS#1 is an RSA key format; HS256 has no public key' : 'HS256 has no public key to confuse',
      kind: 'probe',
      probe: async (kit) => {
        const { jwk, text } = await issuerPublicKey(kit)
        const key = publicKeyForms(jwk, text).find((f) => f.name === form)!.bytes
        return { token: signWithHmacKey(alg, key, withChanges(kit.user.a.header, { alg }), kit.user.a.claims) }
      },
      expect: rejected(),
      fix: 'pin the asymmetric algorithm (never derive it from the token); use a library that refuses public keys as HMAC secrets',
      remedy: 'key-type-checks',
    }),
  )
})
