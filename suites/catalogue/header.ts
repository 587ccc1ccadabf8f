import { ASYMMETRIC_PROFILES } from '../../harness/core/profiles.ts'
import { signBytes, signingInput } from '../../harness/core/jws.ts'
import { attackerCertificate } from '../support/certificate.ts'
import { attackerJwk, signAsAttacker, withChanges } from '../support/tokens.ts'
import type { ProbeKit } from '../../harness/core/case.ts'
import { defineCase } from './define-case.ts'
import { neverFetches, rejected, rejectedWithoutFetching } from './expect.ts'

/**
 * Header injection: the token tries to bring its own key (jwk, x5c) or to send the verifier to
 * fetch one (jku, x5u) from the attacker's loopback server, which records every fetch. Keys
 * must come only from the configured JWKS URL.
 */
const FIX_KEYS = 'take keys only from the configured JWKS URL; ignore jwk, jku, x5c and x5u in the token header'
const CERTIFICATES_REASON = 'certificates carry public keys; HS256 has none'

async function signedWithCertificate(kit: ProbeKit, extra: Record<string, unknown>): Promise<string> {
  const certificate = await attackerCertificate(kit.profile)
  const header = withChanges(kit.user.a.header, { kid: undefined, ...extra })
  const input = signingInput(header, kit.user.a.claims)
  return `${input}.${await signBytes(kit.profile, certificate.privateKey, input)}`
}

export const headerCases = [
  defineCase({
    id: 'header/embedded-jwk',
    title: "rejects a token that carries the attacker's key in its jwk header",
    severity: 'critical',
    refs: ['RFC7515-4.1.3', 'RFC8725-3.10', 'CVE-2018-0114'],
    kind: 'probe',
    probe: async ({ user, profile }) => {
      const jwk = await attackerJwk(profile)
      return { token: signAsAttacker(profile, withChanges(user.a.header, { kid: 'attacker', jwk }), user.a.claims) }
    },
    expect: rejected(),
    fix: FIX_KEYS,
    remedy: 'trusted-keys-only',
  }),
  defineCase({
    id: 'header/jku-attacker-jwks',
    title: "rejects, without fetching, a token whose jku points at the attacker's JWKS",
    severity: 'critical',
    refs: ['RFC7515-4.1.2', 'RFC8725-3.10'],
    kind: 'probe',
    probe: async ({ user, profile, attacker }) => {
      const nonce = attacker.nonce()
      const jwk = { ...(await attackerJwk(profile)), kid: `attacker-${nonce}` }
      const jku = attacker.serving(nonce, JSON.stringify({ keys: [jwk] }), 'json')
      return { token: signAsAttacker(profile, withChanges(user.a.header, { kid: jwk.kid, jku }), user.a.claims), watch: [nonce] }
    },
    expect: rejectedWithoutFetching(),
    fix: FIX_KEYS,
    remedy: 'trusted-keys-only',
  }),
  defineCase({
    id: 'header/x5u-attacker-cert',
    title: "rejects, without fetching, a token whose x5u points at the attacker's certificate",
    severity: 'critical',
    refs: ['RFC7515-4.1.5', 'RFC8725-3.10'],
    profiles: ASYMMETRIC_PROFILES,
    profilesReason: CERTIFICATES_REASON,
    kind: 'probe',
    probe: async (kit) => {
      const nonce = kit.attacker.nonce()
      const x5u = kit.attacker.serving(nonce, (await attackerCertificate(kit.profile)).pem, 'pem')
      return { token: signedWithCertificate(kit, { x5u }), watch: [nonce] }
    },
    expect: rejectedWithoutFetching(),
    fix: FIX_KEYS,
    remedy: 'trusted-keys-only',
  }),
  defineCase({
    id: 'header/x5c-self-signed',
    title: 'rejects a token carrying a self-signed certificate chain in x5c',
    severity: 'critical',
    refs: ['RFC7515-4.1.6', 'RFC8725-3.10'],
    profiles: ASYMMETRIC_PROFILES,
    profilesReason: CERTIFICATES_REASON,
    kind: 'probe',
    probe: async (kit) => ({ token: signedWithCertificate(kit, { x5c: [(await attackerCertificate(kit.profile)).der] }) }),
    expect: rejected(),
    fix: FIX_KEYS,
    remedy: 'trusted-keys-only',
  }),
  ...(['jku', 'x5u'] as const).map((name) =>
    defineCase({
      id: `header/${name}-internal-url`,
      title: `never fetches an internal URL named by ${name} (even on a really signed token)`,
      severity: 'high',
      refs: [name === 'jku' ? 'RFC7515-4.1.2' : 'RFC7515-4.1.5', 'RFC8725-3.10'],
      kind: 'probe',
      probe: async ({ mint, user, attacker }) => {
        const nonce = attacker.nonce()
        return { token: mint(user.a, {}, { [name]: attacker.internal(nonce) }), watch: [nonce] }
      },
      expect: neverFetches(),
      fix: FIX_KEYS,
      remedy: 'trusted-keys-only',
    }),
  ),
]
