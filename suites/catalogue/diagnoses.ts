import type { DiagnosisRule } from '../../harness/core/diagnosis.ts'
import type { RemedyName } from './remedies.ts'

/**
 * The root causes behind the catalogue's findings (harness/core/diagnosis.ts applies them). A
 * rule's sign is the smallest set of results that proves its cause; what it explains are the
 * other results that cause produces. Order matters: the first proven rule claims a result, so
 * the deepest cause comes first (a verifier that checks no signature also "accepts" every
 * forged kid, header key and confused algorithm; those are not separate bugs).
 *
 * A cause is proven by failures only. A warning is what a mainstream library may do on its
 * documented defaults (ruby-jwt refetches at most every 5 minutes, as a cache kept forever looks
 * within the window; @fastify/jwt and PyJWT answer 500 for some bad tokens), so warnings alone
 * prove no root cause: they are claimed by a cause their failures proved, or stand alone.
 */
interface Rule extends DiagnosisRule {
  remedy: RemedyName
}

/** Every result a forged or unverifiable token decides: what an unchecked signature explains. */
const FORGED_TOKEN_CASES = ['signature/*', 'key-confusion/*', 'header/*', 'kid/*', 'crypto/*', 'key-set/*', 'hs256/*', 'keys/*', 'better-auth/*', 'malformed/nested-alg-none'] as const

export const DIAGNOSES: readonly Rule[] = [
  {
    id: 'signature-not-verified',
    title: 'Signatures are not verified: the claims are read from any token, however it was signed',
    remedy: 'verify-signature',
    sign: { all: ['signature/stripped', 'signature/bit-flipped', 'signature/payload-tampered'] },
    explains: FORGED_TOKEN_CASES,
  },
  {
    id: 'alg-none-accepted',
    title: 'alg "none" is accepted: the token chooses to carry no signature',
    remedy: 'pin-algorithms',
    sign: { any: ['signature/alg-none-*', 'key-set/without-alg-alg-none-*', 'malformed/nested-alg-none'] },
  },
  {
    id: 'public-key-as-hmac-secret',
    title: "Algorithm confusion: an HS* token signed with the issuer's public key as the secret verifies",
    remedy: 'key-type-checks',
    sign: { any: ['key-confusion/*'] },
    explains: ['key-set/without-alg-hs*'],
  },
  {
    id: 'jwk-without-alg-unpins',
    title: 'A JWK without alg lets the token choose the algorithm: HS* with the public key verifies',
    remedy: 'key-set-reading',
    sign: { any: ['key-set/without-alg-hs*'] },
    explains: ['key-set/without-alg-*'],
  },
  {
    id: 'header-keys-trusted',
    title: "The token's header supplies the key: jwk, jku, x5u or x5c is trusted or fetched",
    remedy: 'trusted-keys-only',
    sign: { any: ['header/*', 'signature/attacker-key-issuer-kid'] },
  },
  {
    id: 'kid-injection',
    title: 'kid reaches a file path, query or command: the attacker chooses the key',
    remedy: 'kid-lookup',
    sign: { any: ['kid/path-traversal-dev-null', 'kid/dev-null', 'kid/sql-injection', 'kid/command-injection'] },
  },
  {
    id: 'broken-signature-arithmetic',
    title: 'The signature check itself is broken: forged signatures with out-of-range values verify',
    remedy: 'maintained-crypto',
    sign: { any: ['crypto/es256-psychic-*', 'crypto/ecdsa-*', 'crypto/ed25519-*', 'crypto/rsa-wrong-length'] },
  },
  {
    id: 'algorithm-family-not-pinned',
    title: 'The algorithm is not pinned: a sibling algorithm the key was not meant for verifies',
    remedy: 'pin-algorithms',
    sign: { any: ['crypto/ps256-as-rs256', 'crypto/rs256-as-ps256', 'crypto/es512-for-es256', 'crypto/hs512-for-hs256', 'key-set/without-alg-ps256-as-rs256', 'key-set/without-alg-rs256-as-ps256', 'key-set/without-alg-es512-for-es256'] },
  },
  {
    id: 'jwks-failure-accepts',
    title: 'When the JWKS cannot be fetched, tokens are accepted unverified (fail open)',
    remedy: 'jwks-caching',
    sign: { any: ['keys/jwks-outage', 'keys/jwks-junk', 'keys/jwks-slow'] },
  },
  {
    id: 'jwks-never-refreshed',
    title: 'The JWKS is fetched once and kept: a rotated-in key is refused and a removed key still works',
    remedy: 'jwks-caching',
    sign: { all: ['keys/rotation-removed'] },
    explains: ['keys/rotation-new-kid', 'keys/rotation-grace', 'keys/jwks-outage', 'keys/jwks-junk', 'keys/jwks-slow'],
  },
  {
    id: 'hs256-secret-fallback',
    title: 'HS256 with BETTER_AUTH_SECRET is accepted beside the JWKS: whoever holds the .env signs in as anyone',
    remedy: 'pin-algorithms',
    sign: { any: ['hs256/secret-fallback'] },
  },
  {
    id: 'weak-hmac-secret',
    title: 'The HMAC secret is guessable: an example, a short word or empty',
    remedy: 'hmac-secret',
    sign: { any: ['hs256/published-secret', 'hs256/blank-secret', 'hs256/secret-strength'] },
  },
  {
    id: 'session-cookie-jwt-accepted',
    title: "Better Auth's session_data cookie JWT is accepted as a bearer token",
    remedy: 'better-auth-tokens',
    sign: { any: ['better-auth/session-data-as-bearer'] },
  },
  {
    id: 'audience-and-issuer-not-checked',
    title: 'Neither audience nor issuer is checked: tokens minted for other services and issuers are accepted',
    remedy: 'verify-aud-iss',
    sign: { all: ['claims/aud-wrong', 'claims/iss-wrong'] },
    explains: ['claims/aud-*', 'claims/iss-*', 'better-auth/issuer-url-audience', 'better-auth/other-deployment'],
  },
  {
    id: 'audience-from-request',
    title: 'The audience is taken from the request: a token for another API passes when its Origin says so',
    remedy: 'verify-aud-iss',
    sign: { all: ['claims/aud-from-origin'] },
  },
  {
    id: 'audience-not-checked',
    title: 'The audience is not checked: a token minted for another API is accepted',
    remedy: 'verify-aud-iss',
    sign: { any: ['claims/aud-wrong', 'claims/aud-empty-array', 'claims/aud-array-without-ours', 'better-auth/issuer-url-audience'] },
    explains: ['claims/aud-*'],
  },
  {
    id: 'issuer-not-checked',
    title: 'The issuer is not checked exactly: tokens from another issuer are accepted',
    remedy: 'verify-aud-iss',
    sign: { any: ['claims/iss-wrong', 'claims/iss-trailing-slash', 'claims/iss-substring', 'claims/iss-array'] },
    explains: ['claims/iss-*'],
  },
  {
    id: 'expiry-not-enforced',
    title: 'Expired and not-yet-valid tokens are accepted: exp and nbf are not enforced',
    remedy: 'verify-claims-time',
    sign: { any: ['claims/exp-past', 'claims/exp-past-beyond-leeway', 'claims/nbf-future'] },
    explains: ['claims/exp-*', 'claims/nbf-*', 'claims/iat-*'],
  },
  {
    id: 'items-not-scoped-to-owner',
    title: "Items are looked up by id alone: any signed-in user reads, changes or deletes others' items",
    remedy: 'ownership',
    sign: { any: ['ownership/read-other-users-item', 'ownership/update-other-users-item', 'ownership/delete-other-users-item', 'ownership/list-other-users-items'] },
    explains: ['ownership/odd-ids', 'ownership/missing-item-404'],
  },
  {
    id: 'user-id-from-path',
    title: "The user id in the path is trusted: user B reaches user A's data at A's path",
    remedy: 'ownership',
    sign: { any: ['ownership/other-users-path-read', 'ownership/other-users-path-write'] },
  },
  {
    id: 'owner-from-body',
    title: "The owner comes from the request body: users create or move items into others' names",
    remedy: 'ownership',
    sign: { any: ['ownership/owner-from-body', 'ownership/owner-from-update-body'] },
  },
  {
    id: 'session-not-checked-in-database',
    title: "Session tokens are not checked against Better Auth's database: signed-out, expired or deleted sessions work",
    remedy: 'session-lookup',
    sign: { any: ['database/session-signed-out-refused', 'database/session-expired-refused', 'database/session-deleted-user-refused'] },
    explains: ['database/*'],
  },
  {
    id: 'cors-any-origin-with-credentials',
    title: "CORS answers any Origin, with credentials: every website reads your users' data through their browsers",
    remedy: 'cors',
    sign: { any: ['cors/credentials-with-any-origin', 'cors/disallowed-origin-blocked'] },
  },
  {
    id: 'preflight-needs-token',
    title: 'CORS preflights are answered 401: browsers never send the real request, so the frontend cannot call the API',
    remedy: 'cors',
    sign: { all: ['cors/preflight-not-401'] },
    explains: ['cors/allowed-origin-reads', 'flow/*'],
  },
]
