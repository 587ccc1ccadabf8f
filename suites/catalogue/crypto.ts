import type { Profile } from '../../harness/core/profiles.ts'
import { ecdsaDer, ed25519WithSPlusL, joinEcdsa, P256_ORDER, splitEcdsa } from '../support/signature-forms.ts'
import { signatureBytes, withChanges, withSignature } from '../support/tokens.ts'
import type { ProbeKit } from '../../harness/core/case.ts'
import { defineCase } from './define-case.ts'
import { rejected, rejectedPreferably } from './expect.ts'

/**
 * Signature values a correct verifier refuses by arithmetic, not by luck: ECDSA's psychic
 * signature (CVE-2022-21449), out-of-range r/s, Ed25519's non-canonical S, wrong lengths, and
 * the real key used under a sibling algorithm of the same family.
 */
const FIX_LIBRARY = 'verify with a maintained library that range-checks signatures, and pin the algorithm'
const FIX_PIN = 'pin the exact algorithm (algorithms=[…] / algorithms: […]); a key type is not an algorithm'

const real = (kit: ProbeKit) => kit.user.a.token

/** A case that replaces A's real signature with a value derived from it. */
function edgeSignature(id: string, title: string, profiles: Profile[], signature: (real: Uint8Array) => Uint8Array, refs: string[]) {
  return defineCase({
    id: `crypto/${id}`,
    title,
    severity: 'critical',
    refs,
    profiles,
    profilesReason: `concerns ${profiles.join('/')} signatures only`,
    kind: 'probe',
    probe: (kit) => ({ token: withSignature(real(kit), signature(signatureBytes(real(kit)))) }),
    expect: rejected(),
    fix: FIX_LIBRARY,
    remedy: 'maintained-crypto',
  })
}

/** A token of the profile signed by the real key under another algorithm of its family. */
function siblingAlgorithm(id: string, profile: Profile, alg: string) {
  return defineCase({
    id: `crypto/${id}`,
    title: `rejects a ${alg} token signed with the real ${profile} key (algorithm swapped within the family)`,
    severity: 'high',
    refs: ['RFC8725-3.1', 'RFC8725-2.1', 'RFC7518-3.1'],
    profiles: [profile],
    profilesReason: `concerns the ${profile} key only`,
    kind: 'probe',
    probe: ({ signAsIssuer, user }) => ({ token: signAsIssuer(withChanges(user.a.header, { alg }), user.a.claims, alg) }),
    // Signing it takes the issuer's own key, so an accept is an unpinned algorithm, not a
    // forgery (jose verifying with a secret and no `algorithms` takes every HS*).
    expect: rejectedPreferably('the algorithm is not pinned (RFC 8725 §3.1), but only the key holder can sign this token'),
    fix: FIX_PIN,
    remedy: 'pin-algorithms',
  })
}

/** The real key signing under another algorithm of its family. */
export const siblingAlgorithmCases = [
  siblingAlgorithm('ps256-as-rs256', 'PS256', 'RS256'),
  siblingAlgorithm('rs256-as-ps256', 'RS256', 'PS256'),
  siblingAlgorithm('es512-for-es256', 'ES256', 'ES512'),
  siblingAlgorithm('hs512-for-hs256', 'HS256', 'HS512'),
]

const ECDSA_REFS = ['RFC7518-3.4', 'CVE-2022-21449']
const n = P256_ORDER

export const cryptoCases = [
  edgeSignature('es256-psychic-raw', 'rejects the ES256 psychic signature r = s = 0', ['ES256'], () => new Uint8Array(64), ECDSA_REFS),
  edgeSignature('es256-psychic-der', 'rejects r = s = 0 DER-encoded', ['ES256'], () => ecdsaDer(0n, 0n), ECDSA_REFS),
  edgeSignature('ecdsa-r-s-equal-n', 'rejects r = s = n (the curve order)', ['ES256'], () => joinEcdsa(n, n), ECDSA_REFS),
  edgeSignature('ecdsa-r-s-n-minus-1', 'rejects r = s = n − 1', ['ES256'], () => joinEcdsa(n - 1n, n - 1n), ECDSA_REFS),
  // s + n (the malleable twin) rarely fits in 32 bytes as n is close to 2^256; n + 1 always does.
  edgeSignature('ecdsa-s-above-n', 'rejects the real r with s = n + 1 (beyond the curve order)', ['ES256'], (sig) => joinEcdsa(splitEcdsa(sig).r, n + 1n), ECDSA_REFS),
  edgeSignature('ecdsa-overlong', 'rejects the real signature with a byte appended (65 bytes)', ['ES256'], (sig) => new Uint8Array([...sig, 0]), ['RFC7518-3.4']),
  edgeSignature('ed25519-non-canonical-s', "rejects Ed25519's non-canonical twin (S + L)", ['EdDSA'], ed25519WithSPlusL, ['RFC8032-5.1.7', 'RFC8037-3.1']),
  edgeSignature('ed25519-wrong-length', 'rejects an Ed25519 signature one byte short', ['EdDSA'], (sig) => sig.slice(0, -1), ['RFC8032-5.1.7']),
  edgeSignature('rsa-wrong-length', 'rejects the real RSA signature with a leading zero byte', ['RS256', 'PS256'], (sig) => new Uint8Array([0, ...sig]), ['RFC8017-8.2.2', 'RFC7518-3.3']),
  ...siblingAlgorithmCases,
]
