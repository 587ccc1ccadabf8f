/**
 * What each suite checks, one line each: the README's catalogue table is generated from this
 * and the cases themselves (`npm run docs`), so it cannot drift from the catalogue.
 */
export const SUITE_DESCRIPTIONS: Record<string, string> = {
  baseline: 'the oracle: a valid token is accepted (if not, every other case is `error`), user B is B, the id is `sub`, no token → 401 with `WWW-Authenticate: Bearer`, other schemes and empty credentials refused',
  claims:
    "exp past / just past a 60 s leeway / missing / a string, nbf and iat in the future, aud wrong / from the request's Origin / missing / `[]` / without ours, iss wrong / missing / an array / a prefix / trailing slash, sub missing / not a string, no user fields",
  signature: "`alg: none` in four spellings with and without a signature, stripped, bit-flipped, payload swapped to user B, attacker key with the issuer's `kid`, unknown `kid`",
  'key-confusion': "HS256/384/512 keyed with the issuer's public key as JWK (served and canonical), SPKI PEM (with/without newline), DER, PKCS#1, OpenSSH and raw bytes",
  header: 'embedded `jwk`, `jku` → attacker JWKS, `x5u` → attacker certificate, self-signed `x5c`, `jku`/`x5u` to an internal URL; the attacker server on loopback records fetches, so SSRF is a finding even when the token is refused',
  kid: 'path traversal to `/dev/null`, SQL and shell injection (a delay over 4 s fails), a kid of the wrong JSON type, no kid',
  crypto: 'ECDSA psychic signature (raw and DER), r/s = n, n−1, s > n, over-long; Ed25519 S ≥ L and short; RSA wrong length; PS256↔RS256, ES512-for-ES256, HS512-for-HS256 with the real key',
  malformed: 'segment counts, padding, `+/`, spaces, non-JSON header, array payload, duplicate `alg`/`sub`, unknown `crit`, `b64: false`, nested alg-none, JWE zip bomb, 1 MB token, 100 000 dots — refused within 2 s (401, 400, 413, 431)',
  bearer: 'RFC 6750: `bearer` lowercase, two spaces, `?access_token=`, header and query together (the query token must never win), 401 (not 403) with `error="invalid_token"`',
  'better-auth': 'the `session_data` cookie-cache JWT as a Bearer, a token whose `aud` is the issuer URL when the API has its own audience, a token from another Better Auth deployment',
  hs256: "the shared secret's strength (≥ 32 bytes, not a published example — `fixtures/wordlists/`), tokens signed with published example secrets or an empty key, an HS256 fallback in a JWKS backend",
  ownership:
    "two real users and `routes.resource` (OWASP API1): B reading, updating, deleting A's item (403/404, A's item unchanged / still there; with `{sub}` routes on B's own path), B's list without A's items, B on A's path (`/api/{A}/tasks`: list, read, create, update, delete), the owner taken from `owner`/`user_id`/`userId` fields of a create or an update body (mass assignment), a missing item 404, odd ids (`abc`, huge, UUID-shaped, injected) never 5xx, and — reported as info — how long a deleted user's token still works (until `exp`)",
  database:
    "backends that read Better Auth's database (`target.database`, a read-only `DATABASE_URL`): a deleted user's JWT refused; with `target.sessionTokens`, Better Auth's session token as a Bearer (raw and as the signed cookie value) accepted as its user, and refused after sign-out, after it expired and once its user is deleted",
  cors: 'real Chromium: a page at each allowed origin calls `me` with a Bearer token and reads the answer; a page at a disallowed origin cannot; the preflight is not answered 401 by authentication; `Allow-Credentials: true` never with `*` or a reflected origin',
  flow: "the seeds' frontend → backend flow in Chromium: the real Better Auth client (`createAuthClient` + `jwtClient`) signs user A in, gets the JWT with `authClient.token()` (and from get-session's `set-auth-jwt` header) and calls `me`",
  'key-set':
    'the JWKS as other issuers serve it, each read by an instance of the target of its own: keys without `alg` (a valid token accepted; alg `none`, key confusion and swapped algorithms again — refused), a key of an unknown type (ML-DSA) or one that does not parse listed first (a valid token still accepted), keys marked `use: "enc"` (refused)',
  keys: 'key lifecycle, measured at the issuer: JWKS caching, rotation (new kid accepted within the window, old kid during its grace), a removed key refused once new-kid traffic from users made the verifier refetch (the observed lifetime is reported), 200 random kids in 10 s costing at most 5 JWKS fetches, JWKS answering 500, slow for 15 s or serving junk — never failing open, never hanging a request',
}
