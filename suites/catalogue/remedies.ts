/**
 * How to fix what the catalogue finds: a small set of named remedies, each a class of bug with
 * why it matters and the fix in the libraries teams verify Better Auth tokens with (PyJWT 2.x,
 * python-jose 3.3, jose 6), plus FastAPI / Express where the fix lives in the framework. Each
 * case names its remedy (`remedy: 'pin-algorithms'`, a RemedyName); `authconform explain`
 * renders it.
 *
 * The prose is here; the code is real files, remedies/<name>/<SNIPPET_FILES[source]>, read the
 * first time a remedy is shown. They are checked as code: Python parsed and its imports
 * resolved by /usr/bin/python3, TypeScript type-checked against the installed jose, express and
 * pg (test/unit/explain.test.ts; `npx tsc -p suites/catalogue/remedies` in an editor's terms).
 *
 * Snippets may use these names without defining them, as a verifier module's config would:
 * Python `JWKS_URL, ISSUER, AUDIENCE, BETTER_AUTH_URL, API_AUDIENCE` (and a `verify`,
 * `current_claims` or `db` of the app's own); TypeScript the same five constants as strings
 * (remedies/snippet-globals.d.ts).
 */

import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FRAMEWORKS, LIBRARIES, type Remedy, type Snippet, type SnippetSource } from '../../harness/core/remedy.ts'

/** The file of each source's snippet in a remedy's directory; no file, no code. */
export const SNIPPET_FILES: Readonly<Record<SnippetSource, string>> = {
  pyjwt: 'pyjwt.py',
  pythonJose: 'python-jose.py',
  jose: 'jose.ts',
  fastapi: 'fastapi.py',
  express: 'express.ts',
}

interface RemedyText {
  /** One line, imperative. */
  title: string
  /** 2-4 sentences: what goes wrong and what an attacker does with it. */
  why: string
  /** One line for a source: what its library cannot do safely here, or where the fix lives instead. */
  notes?: Partial<Record<SnippetSource, string>>
}

const NOT_IN_PYTHON_LIBRARY = 'the JWT library never sees the HTTP request: this is fixed in the framework (FastAPI below)'
const NOT_IN_NODE_LIBRARY = 'the JWT library never sees the HTTP request: this is fixed in the framework (Express below)'
/** A fix no JWT library can make: the libraries get this note, the frameworks the code. */
const IN_THE_FRAMEWORK = { pyjwt: NOT_IN_PYTHON_LIBRARY, pythonJose: NOT_IN_PYTHON_LIBRARY, jose: NOT_IN_NODE_LIBRARY }

const REMEDY_TEXT = {
  'pin-algorithms': {
    title: 'Pin the accepted algorithms in configuration; never take alg from the token',
    why: 'The token names its own algorithm, and the attacker writes the token. A verifier that believes the header will accept alg "none" (no signature at all, in any capitalisation), a sibling algorithm the key was never meant for (PS256 for RS256, HS512 for HS256), or an HS256 token checked against BETTER_AUTH_SECRET next to the JWKS; each lets anyone mint a token for any user. Fix the algorithms in configuration, one family per deployment, and refuse every other alg before looking at the signature.',
    notes: { pythonJose: 'with algorithms=None python-jose accepts whatever alg the header names: always pass the pinned list' },
  },

  'verify-signature': {
    title: 'Verify the signature on every request; decoding is not verifying',
    why: "Decoding a JWT is base64, not security: anyone can write a payload that says sub is user B. A backend that reads the claims without verifying the signature (PyJWT's verify_signature: False, python-jose's get_unverified_claims, jose's decodeJwt), or that lets an empty signature through, accepts a token that was stripped, bit-flipped or edited after signing. Verify the signature over the exact bytes received, with the issuer's key, before reading any claim.",
  },

  'verify-claims-time': {
    title: 'Require a numeric exp, check nbf and iat, keep leeway under a minute',
    why: 'A signature proves who issued a token, not that it is still good: exp is the only thing that ends a leaked token, and a JWT stays valid until exp even after its user signs out or is deleted. A verifier that skips exp, accepts a token without one, takes exp as a string (PyJWT and python-jose run int() on "9999999999") or allows minutes of leeway lets a token copied from a log or a screen share work for hours or forever. Require a numeric exp, check nbf and iat, keep the leeway under 60 s and expiresIn short (Better Auth: 15 min).',
    notes: { pythonJose: 'python-jose never rejects an iat in the future and int()s string dates: both checks are yours' },
  },

  'verify-aud-iss': {
    title: "Require iss, aud and sub, and match iss exactly and aud to this API's audience",
    why: 'iss and aud say who minted a token and which API it is for. A verifier that checks only the signature accepts every token the key ever signed: one minted for another service, one meant for the auth server itself, one from a staging deployment that shares the key, or one with no aud at all. Pass the exact issuer and this API\'s audience, require iss, aud and sub to be present, and compare iss as an exact string ("https://auth.example.com/" is another issuer).',
  },

  'trusted-keys-only': {
    title: 'Take keys only from your configured JWKS; ignore jwk, jku, x5u and x5c in the header',
    why: "A token's header can bring its own key: jwk embeds one, x5c a certificate chain, jku and x5u name a URL to fetch one from. A verifier that uses them checks the attacker's signature with the attacker's key (CVE-2018-0114), one that fetches jku/x5u requests any URL the attacker names (SSRF into your network, even when the token is then refused), and one that trusts another deployment's keys accepts staging tokens in production. Load keys only from the JWKS URL or secret in your configuration, and let kid choose only among those.",
  },

  'key-set-reading': {
    title: 'Read the key set as RFC 7517 says: skip keys you cannot use, honour use, and never let a key without alg unpin the algorithm',
    why: 'A JWKS is a list the issuer may extend at any time: a key of a type your library does not know yet (ML-DSA, kty "AKP"), a key it cannot parse, a key meant for encryption. A verifier that gives up on the whole set at the first such key refuses every valid token the moment the issuer publishes it, and one that verifies with a key marked use "enc" trusts a key the issuer never meant for signatures. The alg member of a JWK is optional: older Better Auth versions and many issuers leave it out, and a verifier that then takes the algorithm from the token header is open to alg none and key confusion again. Select keys by kid among those of the pinned algorithm\'s type, skip what does not parse, and pin the algorithms in configuration, never in the key.',
  },

  'kid-lookup': {
    title: 'Use kid only as a key into the JWKS you fetched; never a path, query or command',
    why: 'kid is text the attacker writes. A lookup that builds a file path from it (../../dev/null), an SQL query (\' UNION SELECT \'1) or a shell command returns a key the attacker knows, an empty file or the string "1", so their HMAC-signed token verifies; the same hole reads files or runs commands. Treat kid as a dictionary key into the fetched key set: an unknown kid is a 401 after at most one rate-limited refetch, and a token without kid is tried against your keys of the pinned algorithm or refused.',
  },

  'key-type-checks': {
    title: 'Never let HMAC use a public key: pin the asymmetric algorithm and keep keys typed',
    why: "Your issuer's public key is public (it is in the JWKS), so the attacker takes its bytes (PEM, JWK JSON, raw) as an HMAC secret and signs an HS256 token with them. A verifier that lets the header pick HS256 and hands its configured public key to HMAC finds the MAC correct: algorithm confusion (CVE-2015-9235; CVE-2024-33663 in python-jose). Pin the asymmetric algorithm, keep keys as typed key objects rather than bytes or strings, and use a library that refuses a public key as an HMAC secret.",
    notes: { pythonJose: 'python-jose 3.3 refuses PEM and ssh-rsa as HMAC secrets but not every serialization (CVE-2024-33663, fixed in 3.4): pin one asymmetric alg and pass a typed key, or use PyJWT' },
  },

  'maintained-crypto': {
    title: 'Verify with a maintained, current library; never hand-rolled signature checks',
    why: 'Signature checks fail in arithmetic you cannot see in the code: Java 15-18 accepted the ECDSA signature r = s = 0 for every message and key (the psychic signature, CVE-2022-21449), and hand-written or outdated verifiers accept out-of-range r and s, a non-canonical Ed25519 S or a signature of the wrong length. Each lets an attacker forge a token without the key. Verify with a maintained library on a current release, keep it updated, and pin the exact algorithm.',
    notes: { pythonJose: 'python-jose 3.3 is barely maintained (CVE-2024-33663 and CVE-2024-33664 are fixed only in 3.4): upgrade, or move to PyJWT' },
  },

  'reject-malformed': {
    title: 'Map every parse and verification error to 401, and bound what you parse',
    why: 'Everything before the signature check is parsing attacker input. A verifier that raises on a malformed token (a kid that is a number, a header that is not JSON, a payload that is an array) answers 500 and leaks stack traces; one that parses leniently (duplicate members, b64: false, an unknown crit, a nested cty: JWT) may act on a different token than the one that was signed; one without size limits is stalled by a megabyte of dots or a compression bomb. Catch every library error and answer 401, refuse crit you do not implement, and cap the token size.',
  },

  'bearer-parsing': {
    title: 'Parse Authorization: Bearer strictly (RFC 6750) and answer 401 with a challenge',
    why: 'How the token reaches the verifier decides what slips past it. Hand-split headers crash on two spaces (500), accept any scheme or read a missing header as an empty token, and a route that forgets the dependency is open to everyone; tokens taken from ?access_token= land in access logs, proxies and Referer headers where others replay them. Read the token only from the Authorization header, match the Bearer scheme case-insensitively, and answer 401 with WWW-Authenticate: Bearer error="invalid_token" (403 is for a valid caller without permission).',
    notes: IN_THE_FRAMEWORK,
  },

  'hmac-secret': {
    title: 'An HMAC secret is at least 32 random bytes, required at startup, never an example',
    why: 'With HS256 whoever knows the secret mints tokens for any user, so the secret is all of your security. Secrets copied from guides ("your-secret-key-min-32-chars-change-in-production"), short words and the empty string a missing variable becomes (os.getenv("SECRET", "")) are cracked offline from one captured token, or simply tried first. Generate at least 32 random bytes (openssl rand -base64 32), refuse to start without them, and prefer a secret of its own over BETTER_AUTH_SECRET, which also signs Better Auth\'s cookies.',
  },

  'jwks-caching': {
    title: 'Cache the JWKS with a short max age, a refetch cooldown and a timeout; fail closed',
    why: 'How you fetch the JWKS is part of your security. Cache it forever and a rotated-in key is refused while a removed, perhaps leaked, key keeps working; refetch on every unknown kid and each forged token becomes a request to your issuer; fetch without a timeout and a hung issuer holds every request; treat a failed fetch as "skip verification" and an outage becomes a bypass. Cache for seconds to minutes, refetch for an unknown kid at most once per cooldown, time out in 2-3 s, and answer 401 when no trusted key is found.',
    notes: {
      pyjwt: 'PyJWKClient refetches the whole set for every unknown kid and has no cooldown: subclass get_signing_key to rate-limit refetches',
      pythonJose: "python-jose has no JWKS client: cache the set yourself (above) or use PyJWT's PyJWKClient",
    },
  },

  'better-auth-tokens': {
    title: "Accept only the jwt plugin's tokens: its JWKS, its alg, its iss, and an audience of this API's own",
    why: "Better Auth hands out two JWTs: the jwt plugin's token (from /api/auth/token or the set-auth-jwt header), signed with the key in its JWKS, and, with the cookie cache on, the session_data cookie, a JWT HMAC-signed with BETTER_AUTH_SECRET for Better Auth's own use. An API that accepts the cookie's JWT as a bearer token trusts something any holder of the shared secret can mint, and one that accepts Better Auth's default aud (its own base URL) accepts tokens meant for the auth server. Verify the plugin's tokens only: its JWKS, its algorithm (EdDSA by default), iss = BETTER_AUTH_URL, and an audience you configure for this API (jwt({ jwt: { audience } })).",
    notes: { pythonJose: "python-jose 3.3 cannot verify EdDSA, Better Auth's default: set jwks.keyPairConfig to ES256 or RS256 on the issuer, or use PyJWT" },
  },

  ownership: {
    title: "The caller is the verified token's sub; every query on user data filters by it",
    why: "A valid token proves who is calling, not what they may touch. A handler that looks an item up by the id in the URL alone lets any signed-in user read, change or delete everyone's data by trying ids (BOLA, OWASP API1), one that takes owner_id from the body lets them create items in someone else's name, and one that caches the identity answers as the wrong user. Take the owner from the verified sub on every request, put it in every query (WHERE owner_id = $1), validate ids before querying, and answer someone else's item with the same 404 as a missing one.",
    notes: {
      pyjwt: 'not a JWT-library fix: use jwt.decode(...)["sub"] as the owner and filter every query by it (FastAPI below)',
      pythonJose: 'not a JWT-library fix: use jwt.decode(...)["sub"] as the owner and filter every query by it (FastAPI below)',
      jose: "not a JWT-library fix: use jwtVerify's payload.sub as the owner and filter every query by it (Express below)",
    },
  },

  'session-lookup': {
    title: "Read Better Auth's tables on every request: a live session, a live user, expiresAt checked",
    why: "A backend that shares Better Auth's database can do what a stateless JWT cannot: refuse a deleted user, a signed-out session and an expired one at once. That only holds if every request looks them up: a session token whose row is gone (sign-out, user deleted) or whose expiresAt has passed must be refused, and checking expiry is the backend's job, since the row stays in the table until Better Auth cleans it up. Strip the cookie's signature (<token>.<signature>) before the lookup, join the user, and compare expiresAt with now() in the query.",
    notes: {
      pyjwt: 'not a JWT-library fix: after jwt.decode, look the sub up in "user"; session tokens are looked up in "session" (FastAPI below)',
      pythonJose: 'not a JWT-library fix: after jwt.decode, look the sub up in "user"; session tokens are looked up in "session" (FastAPI below)',
      jose: 'not a JWT-library fix: after jwtVerify, look payload.sub up in "user"; session tokens are looked up in "session" (Express below)',
    },
  },

  cors: {
    title: 'Allow-list your frontend origins, put CORS before authentication, never credentials with * or reflection',
    why: "CORS decides which web pages may read your API's answers in a user's browser. Reflecting any Origin together with Access-Control-Allow-Credentials: true lets every site the user visits call the API with their cookies and read the replies, and authentication placed before CORS answers the token-less preflight with 401, so your real frontend breaks and someone widens the policy to * to fix it. List the frontend origins explicitly, allow the Authorization header, and let the CORS middleware answer OPTIONS before any authentication runs.",
    notes: IN_THE_FRAMEWORK,
  },
} satisfies Record<string, RemedyText>

export type RemedyName = keyof typeof REMEDY_TEXT

export const REMEDY_NAMES = Object.keys(REMEDY_TEXT) as RemedyName[]

const isRemedyName = (name: string): name is RemedyName => Object.hasOwn(REMEDY_TEXT, name)

/**
 * Where the snippet files are: beside this module in a checkout; a bundle (the CLI's cached
 * build, the package's dist/) sits one directory below the package root, as harness/ does.
 */
function snippetDirectory(): string {
  const candidates = ['remedies', '../suites/catalogue/remedies'].map((dir) => fileURLToPath(new URL(dir, import.meta.url)))
  const found = candidates.find((dir) => existsSync(dir))
  if (!found) throw new Error(`the remedy snippets are missing: none of ${candidates.join(', ')}`)
  return found
}

function loadRemedy(name: RemedyName): Remedy {
  const { title, why, notes = {} }: RemedyText = REMEDY_TEXT[name]
  const directory = path.join(snippetDirectory(), name)
  const snippets: Partial<Record<SnippetSource, Snippet>> = {}
  for (const source of [...LIBRARIES, ...FRAMEWORKS]) {
    const file = path.join(directory, SNIPPET_FILES[source])
    const code = existsSync(file) ? readFileSync(file, 'utf8').trimEnd() : undefined
    const note = notes[source]
    if (code || note) snippets[source] = { ...(code && { code }), ...(note && { note }) }
  }
  const uncovered = LIBRARIES.filter((library) => !snippets[library])
  if (uncovered.length) throw new Error(`remedy ${name} has neither code nor a note for ${uncovered.join(', ')}`)
  return { name, title, why, snippets: snippets as Remedy['snippets'] }
}

const loaded = new Map<RemedyName, Remedy>()

/** The remedy a case names, its snippets read from their files the first time. */
export function remedyNamed(name: string): Remedy {
  if (!isRemedyName(name)) throw new Error(`no remedy named "${name}": choose from ${REMEDY_NAMES.join(', ')}`)
  if (!loaded.has(name)) loaded.set(name, loadRemedy(name))
  return loaded.get(name)!
}
