import { ASYMMETRIC_PROFILES, type Profile } from '../../harness/core/profiles.ts'
import { defineCase as derivedCase, type Case, type Judge } from '../../harness/core/case.ts'
import type { KeySetShape } from '../../harness/core/protocol/control.ts'
import { siblingAlgorithmCases } from './crypto.ts'
import { defineCase } from './define-case.ts'
import { acceptedPreferably, rejectedPreferably } from './expect.ts'
import { keyConfusionCases } from './key-confusion.ts'
import { algNoneCases } from './signature.ts'

/**
 * The issuer's key set as other issuers serve it, each read by an instance of the target of its
 * own (ProfileContext.keySets): keys without alg, behind a key of an unknown type or one that
 * cannot be parsed, or marked for encryption. The requests are the happy path's; only the key
 * set the verifier fetched differs.
 */

const KEY_SET_ONLY = { profiles: ASYMMETRIC_PROFILES, profilesReason: 'HS256 has no key set' }
const FIX_READING = 'select keys by kid among those of your pinned algorithm, skip the ones you cannot parse or that are not for signatures, and never take the algorithm from the key or the token'
const WITHOUT_ALG_REFS = ['RFC7517-4.4', 'RFC8725-3.1', 'CVE-2026-22818']

/** The profiles both the case and a key set apply to: HS256 has no key set. */
function withKeySet(profiles: Case['profiles']): readonly Profile[] {
  return !profiles || profiles === 'all' ? ASYMMETRIC_PROFILES : ASYMMETRIC_PROFILES.filter((p) => profiles.includes(p))
}

/**
 * An attack whose defence may hang on the key's alg, again against keys without one: a verifier
 * that falls back to the header's alg (Hono's JWK middleware before 4.11.4, caddy-jwt) is open
 * to it only there.
 */
function againstKeysWithoutAlg(original: Case): Case[] {
  const profiles = withKeySet(original.profiles)
  if (!profiles.length) return []
  const { suite: _suite, id, title, refs, ...rest } = original
  // Its remedy was checked when the original was defined.
  return [
    derivedCase({
      ...rest,
      id: `key-set/without-alg-${id.slice(id.indexOf('/') + 1)}`,
      title: `${title}, when the JWKS keys carry no alg`,
      refs: [...new Set([...refs, ...WITHOUT_ALG_REFS])],
      profiles,
      profilesReason: KEY_SET_ONLY.profilesReason,
      keySet: 'without-alg',
    }),
  ]
}

/** A valid token sent to the instance that reads `keySet`: the shape is all that differs. */
function validTokenOn(keySet: KeySetShape, spec: Pick<Case, 'id' | 'title' | 'severity' | 'refs' | 'fix'> & { expect: Judge }): Case {
  return defineCase({ ...spec, ...KEY_SET_ONLY, kind: 'probe', probe: ({ user }) => ({ token: user.a.token }), remedy: 'key-set-reading', isBaseline: true, keySet })
}

export const keySetCases = [
  validTokenOn('without-alg', {
    id: 'key-set/without-alg-valid-token',
    title: 'accepts a valid token when the JWKS keys carry no alg (as older Better Auth versions served them)',
    severity: 'low',
    refs: ['RFC7517-4.4', 'RFC7517-5'],
    expect: acceptedPreferably('a valid token whose key has no alg member, which RFC 7517 §4.4 makes optional'),
    fix: 'select the key by kid and type and verify with the algorithm you pinned; alg in a JWK is optional',
  }),
  ...[...algNoneCases, ...keyConfusionCases, ...siblingAlgorithmCases].flatMap(againstKeysWithoutAlg),
  validTokenOn('unknown-key-type', {
    id: 'key-set/unknown-key-type',
    title: 'accepts a valid token when the JWKS also holds a key of a type it does not know (ML-DSA, kty "AKP"), listed first',
    severity: 'medium',
    refs: ['RFC7517-5', 'RFC7517-4.1'],
    expect: acceptedPreferably('a valid token because the key set holds a key type it does not know: RFC 7517 §5 says to ignore such keys, and an issuer that adds a post-quantum key takes this API down'),
    fix: FIX_READING,
  }),
  validTokenOn('broken-key', {
    id: 'key-set/broken-key',
    title: 'accepts a valid token when the JWKS also holds a key that cannot be parsed (x, y or n not base64url), listed first',
    severity: 'medium',
    refs: ['RFC7517-5'],
    expect: acceptedPreferably('a valid token because another key in the set does not parse: RFC 7517 §5 says to ignore keys with values out of range, and one bad key takes this API down'),
    fix: FIX_READING,
  }),
  validTokenOn('use-enc', {
    id: 'key-set/use-enc',
    title: 'refuses a token whose only key in the JWKS is marked use "enc" (for encryption, not signatures)',
    severity: 'low',
    refs: ['RFC7517-4.2', 'RFC8725-3.3'],
    // The key is the issuer's own and only the issuer signs with it: using it anyway ignores
    // what the issuer said, but forges nothing.
    expect: rejectedPreferably('the verifier ignores the key\'s "use" (RFC 7517 §4.2): a key the issuer published for encryption verified a signature'),
    fix: 'verify only with keys whose use is "sig" or absent (and whose key_ops, if any, include "verify")',
  }),
]
