/**
 * How to fix what the catalogue finds: a small set of named remedies, each a class of bug with
 * why it matters and the fix in the libraries teams verify Better Auth tokens with (PyJWT 2.x,
 * python-jose 3.3, jose 6), plus FastAPI / Express where the fix lives in the framework. Every
 * case maps to exactly one remedy (by suite, with per-case overrides below); `authconform
 * explain` renders it. This file is long because it is data: the snippets are checked by
 * test/unit/explain.test.ts (Python parsed and its imports resolved by /usr/bin/python3,
 * TypeScript type-checked against the installed jose and express).
 *
 * Snippets may use these names without defining them, as a verifier module's config would:
 * Python `JWKS_URL, ISSUER, AUDIENCE, BETTER_AUTH_URL, API_AUDIENCE` (and a `verify`,
 * `current_claims` or `db` of the app's own); TypeScript the same five constants as strings.
 */

import { LIBRARIES, type Remedy, type Snippet } from '../../harness/core/remedy.ts'

/** Snippet text as written (String.raw keeps regex backslashes), without the source's indentation. */
function code(strings: TemplateStringsArray, ...values: string[]): string {
  const lines = String.raw(strings, ...values).replace(/^\n/, '').trimEnd().split('\n')
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length))
  return lines.map((l) => l.slice(indent)).join('\n')
}

const NOT_IN_PYTHON_LIBRARY = 'the JWT library never sees the HTTP request: this is fixed in the framework (FastAPI below)'
const NOT_IN_NODE_LIBRARY = 'the JWT library never sees the HTTP request: this is fixed in the framework (Express below)'
const UNAUTHORIZED = `{"WWW-Authenticate": 'Bearer error="invalid_token"'}`

const REMEDY_SPECS = {
  'pin-algorithms': {
    title: 'Pin the accepted algorithms in configuration; never take alg from the token',
    why: 'The token names its own algorithm, and the attacker writes the token. A verifier that believes the header will accept alg "none" (no signature at all, in any capitalisation), a sibling algorithm the key was never meant for (PS256 for RS256, HS512 for HS256), or an HS256 token checked against BETTER_AUTH_SECRET next to the JWKS; each lets anyone mint a token for any user. Fix the algorithms in configuration, one family per deployment, and refuse every other alg before looking at the signature.',
    snippets: {
      pyjwt: {
        code: code`
          import jwt

          ALGORITHMS = ["EdDSA"]  # from config: what your issuer signs with, never the token's "alg"
          jwks = jwt.PyJWKClient(JWKS_URL)

          def verify(token: str) -> dict:
              key = jwks.get_signing_key_from_jwt(token).key
              # "none", "None", "HS256", "ES512"... are refused: they are not in ALGORITHMS
              return jwt.decode(token, key, algorithms=ALGORITHMS, audience=AUDIENCE, issuer=ISSUER)
        `,
      },
      pythonJose: {
        code: code`
          from jose import jwk, jwt

          ALGORITHM = "ES256"  # from config; python-jose 3.3 cannot verify EdDSA, Better Auth's default

          def verify(token: str, public_jwk: dict) -> dict:
              key = jwk.construct(public_jwk, algorithm=ALGORITHM)  # the key object carries the pinned alg
              return jwt.decode(token, key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER)
        `,
        note: 'with algorithms=None python-jose accepts whatever alg the header names: always pass the pinned list',
      },
      jose: {
        code: code`
          import { createRemoteJWKSet, jwtVerify } from 'jose'

          const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

          export async function verify(token: string) {
            // jwtVerify never accepts "none"; algorithms refuses every alg you did not list
            const { payload } = await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })
            return payload
          }
        `,
      },
    },
  },

  'verify-signature': {
    title: 'Verify the signature on every request; decoding is not verifying',
    why: "Decoding a JWT is base64, not security: anyone can write a payload that says sub is user B. A backend that reads the claims without verifying the signature (PyJWT's verify_signature: False, python-jose's get_unverified_claims, jose's decodeJwt), or that lets an empty signature through, accepts a token that was stripped, bit-flipped or edited after signing. Verify the signature over the exact bytes received, with the issuer's key, before reading any claim.",
    snippets: {
      pyjwt: {
        code: code`
          import jwt

          jwks = jwt.PyJWKClient(JWKS_URL)

          def verify(token: str) -> dict:
              key = jwks.get_signing_key_from_jwt(token).key
              # never options={"verify_signature": False}: it also turns off exp, aud and iss
              return jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER)
        `,
      },
      pythonJose: {
        code: code`
          from jose import jwt

          def verify(token: str, key) -> dict:
              # never jwt.get_unverified_claims(token) or options={"verify_signature": False} to authenticate
              return jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)
        `,
      },
      jose: {
        code: code`
          import { createRemoteJWKSet, jwtVerify } from 'jose'

          const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

          // decodeJwt() only base64-decodes: fine for logging, never for deciding who the caller is
          export async function verify(token: string) {
            const { payload } = await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })
            return payload
          }
        `,
      },
    },
  },

  'verify-claims-time': {
    title: 'Require a numeric exp, check nbf and iat, keep leeway under a minute',
    why: 'A signature proves who issued a token, not that it is still good: exp is the only thing that ends a leaked token, and a JWT stays valid until exp even after its user signs out or is deleted. A verifier that skips exp, accepts a token without one, takes exp as a string (PyJWT and python-jose run int() on "9999999999") or allows minutes of leeway lets a token copied from a log or a screen share work for hours or forever. Require a numeric exp, check nbf and iat, keep the leeway under 60 s and expiresIn short (Better Auth: 15 min).',
    snippets: {
      pyjwt: {
        code: code`
          import jwt

          def verify(token: str, key) -> dict:
              claims = jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER,
                                  leeway=30, options={"require": ["exp"]})  # checks exp, nbf and a future iat
              if not all(isinstance(claims.get(c, 0), (int, float)) for c in ("exp", "nbf", "iat")):
                  raise jwt.InvalidTokenError("exp, nbf and iat must be numbers")  # int() took "9999999999"
              return claims
        `,
      },
      pythonJose: {
        code: code`
          import time
          from jose import JWTError, jwt

          def verify(token: str, key) -> dict:
              claims = jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER,
                                  options={"require_exp": True, "leeway": 30})  # checks exp and nbf
              times = [claims.get(c, 0) for c in ("exp", "nbf", "iat")]
              if not all(isinstance(t, (int, float)) for t in times) or times[2] > time.time() + 60:
                  raise JWTError("exp/nbf/iat must be numbers and iat not in the future")
              return claims
        `,
        note: 'python-jose never rejects an iat in the future and int()s string dates: both checks are yours',
      },
      jose: {
        code: code`
          import { createRemoteJWKSet, jwtVerify } from 'jose'

          const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

          export const verify = async (token: string) =>
            (await jwtVerify(token, JWKS, {
              algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE,
              requiredClaims: ['exp'], // jose accepts a token without exp unless told
              clockTolerance: 30, // seconds; exp, nbf and iat must be numbers
              maxTokenAge: '15m', // Better Auth's expirationTime; also refuses an iat in the future
            })).payload
        `,
      },
    },
  },

  'verify-aud-iss': {
    title: "Require iss, aud and sub, and match iss exactly and aud to this API's audience",
    why: 'iss and aud say who minted a token and which API it is for. A verifier that checks only the signature accepts every token the key ever signed: one minted for another service, one meant for the auth server itself, one from a staging deployment that shares the key, or one with no aud at all. Pass the exact issuer and this API\'s audience, require iss, aud and sub to be present, and compare iss as an exact string ("https://auth.example.com/" is another issuer).',
    snippets: {
      pyjwt: {
        code: code`
          import jwt

          def verify(token: str, key) -> dict:
              return jwt.decode(
                  token, key, algorithms=["EdDSA"],
                  issuer=ISSUER,  # compared as an exact string
                  audience=AUDIENCE,  # this API's audience; never options={"verify_aud": False}
                  options={"require": ["exp", "iss", "aud", "sub"]},
              )
        `,
      },
      pythonJose: {
        code: code`
          from jose import jwt

          # python-jose lets a token WITHOUT aud through unless require_aud is set
          OPTIONS = {"require_iss": True, "require_aud": True, "require_sub": True, "require_exp": True}

          def verify(token: str, key) -> dict:
              return jwt.decode(token, key, algorithms=["ES256"], issuer=ISSUER, audience=AUDIENCE, options=OPTIONS)
        `,
      },
      jose: {
        code: code`
          import { createRemoteJWKSet, jwtVerify } from 'jose'

          const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

          export const verify = async (token: string) =>
            (await jwtVerify(token, JWKS, {
              algorithms: ['EdDSA'],
              issuer: ISSUER, // jose checks iss and aud only when you pass them; iss is compared exactly
              audience: AUDIENCE,
              requiredClaims: ['exp', 'sub'],
            })).payload
        `,
      },
    },
  },

  'trusted-keys-only': {
    title: 'Take keys only from your configured JWKS; ignore jwk, jku, x5u and x5c in the header',
    why: "A token's header can bring its own key: jwk embeds one, x5c a certificate chain, jku and x5u name a URL to fetch one from. A verifier that uses them checks the attacker's signature with the attacker's key (CVE-2018-0114), one that fetches jku/x5u requests any URL the attacker names (SSRF into your network, even when the token is then refused), and one that trusts another deployment's keys accepts staging tokens in production. Load keys only from the JWKS URL or secret in your configuration, and let kid choose only among those.",
    snippets: {
      pyjwt: {
        code: code`
          import jwt

          jwks = jwt.PyJWKClient(JWKS_URL)  # the one key source, from config

          def verify(token: str) -> dict:
              # PyJWT never reads jwk/jku/x5u/x5c; code that does (PyJWKClient(header["jku"])) is the bug
              key = jwks.get_signing_key_from_jwt(token).key
              return jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER)
        `,
      },
      pythonJose: {
        code: code`
          from jose import JWTError, jwk, jwt

          def verify(token: str, jwks: dict) -> dict:  # jwks: fetched from JWKS_URL, never from the header
              kid = jwt.get_unverified_header(token).get("kid")
              match = next((k for k in jwks["keys"] if k.get("kid") == kid), None)
              if match is None:
                  raise JWTError("kid is not in the configured JWKS")
              key = jwk.construct(match, algorithm="ES256")
              return jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)
        `,
      },
      jose: {
        code: code`
          import { createRemoteJWKSet, jwtVerify } from 'jose'

          const JWKS = createRemoteJWKSet(new URL(JWKS_URL)) // from config, never from the token

          // jose uses a header jwk only through EmbeddedJWK and never fetches jku/x5u: keep it that way
          export async function verify(token: string) {
            const { payload } = await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })
            return payload
          }
        `,
      },
    },
  },

  'kid-lookup': {
    title: 'Use kid only as a key into the JWKS you fetched; never a path, query or command',
    why: 'kid is text the attacker writes. A lookup that builds a file path from it (../../dev/null), an SQL query (\' UNION SELECT \'1) or a shell command returns a key the attacker knows, an empty file or the string "1", so their HMAC-signed token verifies; the same hole reads files or runs commands. Treat kid as a dictionary key into the fetched key set: an unknown kid is a 401 after at most one rate-limited refetch, and a token without kid is tried against your keys of the pinned algorithm or refused.',
    snippets: {
      pyjwt: {
        code: code`
          import jwt

          jwks = jwt.PyJWKClient(JWKS_URL)

          def verify(token: str) -> dict:
              # kid only selects among the fetched keys: never open(f"keys/{kid}"), SQL or a shell with it
              try:
                  key = jwks.get_signing_key_from_jwt(token).key
              except jwt.PyJWKClientError as e:  # unknown or missing kid
                  raise jwt.InvalidTokenError("unknown kid") from e
              return jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER)
        `,
      },
      pythonJose: {
        code: code`
          from jose import JWTError, jwk, jwt

          def key_for(token: str, jwks: dict):  # jwks: the set fetched from JWKS_URL
              kid = jwt.get_unverified_header(token).get("kid")
              keys = {k["kid"]: k for k in jwks["keys"] if isinstance(k.get("kid"), str)}
              if not isinstance(kid, str) or kid not in keys:
                  raise JWTError("unknown kid")  # refetch the set at most once per cooldown, then 401
              return jwk.construct(keys[kid], algorithm="ES256")
        `,
      },
      jose: {
        code: code`
          import { createRemoteJWKSet, jwtVerify } from 'jose'

          // kid is matched against the fetched set only; an unknown kid refetches at most once per
          // cooldownDuration, then fails with ERR_JWKS_NO_MATCHING_KEY: answer 401
          const JWKS = createRemoteJWKSet(new URL(JWKS_URL), { cooldownDuration: 10_000 })

          export async function verify(token: string) {
            const { payload } = await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })
            return payload
          }
        `,
      },
    },
  },

  'key-type-checks': {
    title: 'Never let HMAC use a public key: pin the asymmetric algorithm and keep keys typed',
    why: "Your issuer's public key is public (it is in the JWKS), so the attacker takes its bytes (PEM, JWK JSON, raw) as an HMAC secret and signs an HS256 token with them. A verifier that lets the header pick HS256 and hands its configured public key to HMAC finds the MAC correct: algorithm confusion (CVE-2015-9235; CVE-2024-33663 in python-jose). Pin the asymmetric algorithm, keep keys as typed key objects rather than bytes or strings, and use a library that refuses a public key as an HMAC secret.",
    snippets: {
      pyjwt: {
        code: code`
          import jwt

          jwks = jwt.PyJWKClient(JWKS_URL)

          def verify(token: str) -> dict:
              key = jwks.get_signing_key_from_jwt(token).key  # a key object, not PEM bytes HMAC could use
              # one asymmetric family only: "HS256" in this list next to a public key reopens the hole
              return jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER)
        `,
      },
      pythonJose: {
        code: code`
          from jose import JWTError, jwk, jwt

          def verify(token: str, public_jwk: dict) -> dict:
              if public_jwk.get("kty") != "EC":  # the key type ES256 needs, checked before use
                  raise JWTError("unexpected key type")
              key = jwk.construct(public_jwk, algorithm="ES256")  # an ECKey: HMAC never sees its bytes
              return jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)
        `,
        note: 'python-jose 3.3 refuses PEM and ssh-rsa as HMAC secrets but not every serialization (CVE-2024-33663, fixed in 3.4): pin one asymmetric alg and pass a typed key, or use PyJWT',
      },
      jose: {
        code: code`
          import { createRemoteJWKSet, jwtVerify } from 'jose'

          const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

          // jose refuses a public key for HS* and algorithms pins the family anyway;
          // never pass the public key's PEM or JSON to jwtVerify as a Uint8Array "secret"
          export async function verify(token: string) {
            const { payload } = await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })
            return payload
          }
        `,
      },
    },
  },

  'maintained-crypto': {
    title: 'Verify with a maintained, current library; never hand-rolled signature checks',
    why: 'Signature checks fail in arithmetic you cannot see in the code: Java 15-18 accepted the ECDSA signature r = s = 0 for every message and key (the psychic signature, CVE-2022-21449), and hand-written or outdated verifiers accept out-of-range r and s, a non-canonical Ed25519 S or a signature of the wrong length. Each lets an attacker forge a token without the key. Verify with a maintained library on a current release, keep it updated, and pin the exact algorithm.',
    snippets: {
      pyjwt: {
        code: code`
          # requirements.txt: PyJWT[crypto] (cryptography does the math); keep both current (pip-audit)
          import jwt

          jwks = jwt.PyJWKClient(JWKS_URL)

          def verify(token: str) -> dict:
              key = jwks.get_signing_key_from_jwt(token).key
              return jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)
        `,
      },
      pythonJose: {
        code: code`
          # requirements.txt: python-jose[cryptography], not the pure-Python rsa/ecdsa backends
          from jose.backends import ECKey

          if ECKey.__module__ != "jose.backends.cryptography_backend":
              raise RuntimeError("python-jose is not using the cryptography backend")
        `,
        note: 'python-jose 3.3 is barely maintained (CVE-2024-33663 and CVE-2024-33664 are fixed only in 3.4): upgrade, or move to PyJWT',
      },
      jose: {
        code: code`
          // package.json: "jose": "^6" verifies with WebCrypto (node:crypto); npm audit keeps it current
          import { createRemoteJWKSet, jwtVerify } from 'jose'

          const JWKS = createRemoteJWKSet(new URL(JWKS_URL))

          export async function verify(token: string) {
            const { payload } = await jwtVerify(token, JWKS, { algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE })
            return payload
          }
        `,
      },
    },
  },

  'reject-malformed': {
    title: 'Map every parse and verification error to 401, and bound what you parse',
    why: 'Everything before the signature check is parsing attacker input. A verifier that raises on a malformed token (a kid that is a number, a header that is not JSON, a payload that is an array) answers 500 and leaks stack traces; one that parses leniently (duplicate members, b64: false, an unknown crit, a nested cty: JWT) may act on a different token than the one that was signed; one without size limits is stalled by a megabyte of dots or a compression bomb. Catch every library error and answer 401, refuse crit you do not implement, and cap the token size.',
    snippets: {
      pyjwt: {
        code: code`
          import jwt
          from fastapi import HTTPException

          def claims_or_401(token: str) -> dict:
              try:
                  if len(token) > 8192 or "crit" in jwt.get_unverified_header(token):  # PyJWT < 2.12 ignores crit
                      raise jwt.InvalidTokenError("oversized token or unsupported crit")
                  return verify(token)  # your jwt.decode(...) with pinned algorithms, issuer and audience
              except (jwt.PyJWTError, ValueError, TypeError, KeyError):  # PyJWKClientError is no InvalidTokenError
                  raise HTTPException(401, "invalid_token", ${UNAUTHORIZED})
        `,
      },
      pythonJose: {
        code: code`
          from fastapi import HTTPException
          from jose import JOSEError, jwt

          def claims_or_401(token: str, key) -> dict:
              try:
                  header = jwt.get_unverified_header(token) if len(token) <= 8192 else {"crit": "too large"}
                  if "crit" in header or not isinstance(header.get("kid", ""), str):  # python-jose ignores crit
                      raise JOSEError("oversized token, unsupported crit or a kid that is not a string")
                  return jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)
              except (JOSEError, ValueError, TypeError, KeyError):  # odd claim types raise TypeError
                  raise HTTPException(401, "invalid_token", ${UNAUTHORIZED})
        `,
      },
      jose: {
        code: code`
          import { jwtVerify, type JWTVerifyGetKey } from 'jose'

          // jose itself refuses unknown crit, b64: false, non-JSON headers and non-object payloads
          export async function claimsOr401(token: string, keys: JWTVerifyGetKey) {
            if (token.length > 8192) return null
            try {
              return (await jwtVerify(token, keys, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })).payload
            } catch {
              return null // every verification error is a 401 for the caller, never a 500
            }
          }
        `,
      },
    },
  },

  'bearer-parsing': {
    title: 'Parse Authorization: Bearer strictly (RFC 6750) and answer 401 with a challenge',
    why: 'How the token reaches the verifier decides what slips past it. Hand-split headers crash on two spaces (500), accept any scheme or read a missing header as an empty token, and a route that forgets the dependency is open to everyone; tokens taken from ?access_token= land in access logs, proxies and Referer headers where others replay them. Read the token only from the Authorization header, match the Bearer scheme case-insensitively, and answer 401 with WWW-Authenticate: Bearer error="invalid_token" (403 is for a valid caller without permission).',
    snippets: {
      pyjwt: { note: NOT_IN_PYTHON_LIBRARY },
      pythonJose: { note: NOT_IN_PYTHON_LIBRARY },
      jose: { note: NOT_IN_NODE_LIBRARY },
      fastapi: {
        code: code`
          from fastapi import Depends, HTTPException, Request
          from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

          bearer = HTTPBearer(auto_error=False)  # auto_error=True answers 403 with no challenge

          def bearer_token(request: Request, cred: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str:
              if "access_token" in request.query_params:  # tokens in URLs leak: never read them
                  raise HTTPException(400, "invalid_request", {"WWW-Authenticate": 'Bearer error="invalid_request"'})
              if cred is None or not cred.credentials.strip():  # missing, another scheme, or "Bearer "
                  raise HTTPException(401, "invalid_token", ${UNAUTHORIZED})
              return cred.credentials.strip()
        `,
      },
      express: {
        code: code`
          import type { NextFunction, Request, Response } from 'express'

          const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i // RFC 6750 §2.1; the scheme is case-insensitive

          export function bearerToken(req: Request, res: Response, next: NextFunction) {
            const match = BEARER.exec(req.get('authorization') ?? '')
            if (match && !('access_token' in req.query)) {
              res.locals.token = match[1] // verify it next; the query string is never read
              return next()
            }
            res.set('WWW-Authenticate', 'Bearer error="invalid_token"').status(401).end()
          }
        `,
      },
    },
  },

  'hmac-secret': {
    title: 'An HMAC secret is at least 32 random bytes, required at startup, never an example',
    why: 'With HS256 whoever knows the secret mints tokens for any user, so the secret is all of your security. Secrets copied from guides ("your-secret-key-min-32-chars-change-in-production"), short words and the empty string a missing variable becomes (os.getenv("SECRET", "")) are cracked offline from one captured token, or simply tried first. Generate at least 32 random bytes (openssl rand -base64 32), refuse to start without them, and prefer a secret of its own over BETTER_AUTH_SECRET, which also signs Better Auth\'s cookies.',
    snippets: {
      pyjwt: {
        code: code`
          import os
          import jwt

          SECRET = os.environ["JWT_SECRET"].encode()  # KeyError at startup, never a blank default
          if len(SECRET) < 32:
              raise RuntimeError("JWT_SECRET must be at least 32 random bytes (openssl rand -base64 32)")

          def verify(token: str) -> dict:
              return jwt.decode(token, SECRET, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)
        `,
      },
      pythonJose: {
        code: code`
          import os
          from jose import jwt

          SECRET = os.environ["JWT_SECRET"].encode()  # KeyError at startup, never a blank default
          if len(SECRET) < 32:
              raise RuntimeError("JWT_SECRET must be at least 32 random bytes (openssl rand -base64 32)")

          def verify(token: str) -> dict:
              return jwt.decode(token, SECRET, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)
        `,
      },
      jose: {
        code: code`
          import { jwtVerify } from 'jose'

          const secret = new TextEncoder().encode(process.env.JWT_SECRET ?? '')
          if (secret.length < 32) throw new Error('JWT_SECRET must be at least 32 random bytes (openssl rand -base64 32)')

          export async function verify(token: string) {
            const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE })
            return payload
          }
        `,
      },
    },
  },

  'jwks-caching': {
    title: 'Cache the JWKS with a short max age, a refetch cooldown and a timeout; fail closed',
    why: "How you fetch the JWKS is part of your security. Cache it forever and a rotated-in key is refused while a removed, perhaps leaked, key keeps working; refetch on every unknown kid and each forged token becomes a request to your issuer; fetch without a timeout and a hung issuer holds every request; treat a failed fetch as \"skip verification\" and an outage becomes a bypass. Cache for seconds to minutes, refetch for an unknown kid at most once per cooldown, time out in 2-3 s, and answer 401 when no trusted key is found.",
    snippets: {
      pyjwt: {
        code: code`
          import jwt

          # lifespan bounds how long a removed key works; PyJWT >= 2.7 also takes timeout=3 (2.6 has none)
          jwks = jwt.PyJWKClient(JWKS_URL, cache_jwk_set=True, lifespan=15)

          def verify(token: str) -> dict:
              try:
                  key = jwks.get_signing_key_from_jwt(token).key
              except jwt.PyJWKClientError as e:  # issuer down, junk JWKS or unknown kid: fail closed
                  raise jwt.InvalidTokenError("no trusted key") from e
              return jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER)
        `,
        note: 'PyJWKClient refetches the whole set for every unknown kid and has no cooldown: subclass get_signing_key to rate-limit refetches',
      },
      pythonJose: {
        code: code`
          import json, time, urllib.request
          _cache = {"jwks": {"keys": []}, "at": float("-inf")}

          def jwks(unknown_kid: bool = False) -> dict:
              age = time.monotonic() - _cache["at"]
              if age > 15 or (unknown_kid and age > 10):  # max age 15 s; unknown kids refetch every 10 s at most
                  _cache["at"] = time.monotonic()  # a failed fetch counts too: an outage is not a storm
                  with urllib.request.urlopen(JWKS_URL, timeout=3) as response:  # errors propagate: 401
                      data = json.load(response)
                  if isinstance(data, dict) and isinstance(data.get("keys"), list):
                      _cache["jwks"] = data  # junk never replaces the last good set
              return _cache["jwks"]
        `,
        note: 'python-jose has no JWKS client: cache the set yourself (above) or use PyJWT\'s PyJWKClient',
      },
      jose: {
        code: code`
          import { createRemoteJWKSet, jwtVerify } from 'jose'

          const JWKS = createRemoteJWKSet(new URL(JWKS_URL), {
            cacheMaxAge: 15_000, // a removed (leaked) key stops working within 15 s
            cooldownDuration: 10_000, // unknown kids refetch at most every 10 s
            timeoutDuration: 3_000, // a hung issuer costs 3 s, then ERR_JWKS_TIMEOUT: answer 401
          })

          export async function verify(token: string) {
            return (await jwtVerify(token, JWKS, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE })).payload
          }
        `,
      },
    },
  },

  'better-auth-tokens': {
    title: "Accept only the jwt plugin's tokens: its JWKS, its alg, its iss, and an audience of this API's own",
    why: "Better Auth hands out two JWTs: the jwt plugin's token (from /api/auth/token or the set-auth-jwt header), signed with the key in its JWKS, and, with the cookie cache on, the session_data cookie, a JWT HMAC-signed with BETTER_AUTH_SECRET for Better Auth's own use. An API that accepts the cookie's JWT as a bearer token trusts something any holder of the shared secret can mint, and one that accepts Better Auth's default aud (its own base URL) accepts tokens meant for the auth server. Verify the plugin's tokens only: its JWKS, its algorithm (EdDSA by default), iss = BETTER_AUTH_URL, and an audience you configure for this API (jwt({ jwt: { audience } })).",
    snippets: {
      pyjwt: {
        code: code`
          import jwt

          jwks = jwt.PyJWKClient(f"{BETTER_AUTH_URL}/api/auth/jwks")

          def verify(token: str) -> dict:
              key = jwks.get_signing_key_from_jwt(token).key  # the session_data cookie has no kid from here
              return jwt.decode(token, key, algorithms=["EdDSA"], issuer=BETTER_AUTH_URL,
                                audience=API_AUDIENCE,  # issuer side: jwt({ jwt: { audience: API_AUDIENCE } })
                                options={"require": ["exp", "iss", "aud", "sub"]})
        `,
      },
      pythonJose: {
        code: code`
          from jose import jwk, jwt

          def verify(token: str, plugin_jwk: dict) -> dict:  # from {BETTER_AUTH_URL}/api/auth/jwks
              key = jwk.construct(plugin_jwk, algorithm="ES256")  # jwks.keyPairConfig: { alg: "ES256" }
              return jwt.decode(token, key, algorithms=["ES256"], issuer=BETTER_AUTH_URL, audience=API_AUDIENCE,
                                options={"require_aud": True, "require_iss": True, "require_sub": True})
        `,
        note: "python-jose 3.3 cannot verify EdDSA, Better Auth's default: set jwks.keyPairConfig to ES256 or RS256 on the issuer, or use PyJWT",
      },
      jose: {
        code: code`
          import { createRemoteJWKSet, jwtVerify } from 'jose'

          const JWKS = createRemoteJWKSet(new URL('/api/auth/jwks', BETTER_AUTH_URL))

          export const verify = async (token: string) =>
            (await jwtVerify(token, JWKS, {
              algorithms: ['EdDSA'], // Better Auth's default keyPairConfig
              issuer: BETTER_AUTH_URL, // iss is the base URL unless jwt.issuer is set
              audience: API_AUDIENCE, // not the issuer's own URL, Better Auth's default aud
              requiredClaims: ['exp', 'sub'],
            })).payload
        `,
      },
    },
  },

  ownership: {
    title: "The caller is the verified token's sub; every query on user data filters by it",
    why: "A valid token proves who is calling, not what they may touch. A handler that looks an item up by the id in the URL alone lets any signed-in user read, change or delete everyone's data by trying ids (BOLA, OWASP API1), one that takes owner_id from the body lets them create items in someone else's name, and one that caches the identity answers as the wrong user. Take the owner from the verified sub on every request, put it in every query (WHERE owner_id = $1), validate ids before querying, and answer someone else's item with the same 404 as a missing one.",
    snippets: {
      pyjwt: { note: 'not a JWT-library fix: use jwt.decode(...)["sub"] as the owner and filter every query by it (FastAPI below)' },
      pythonJose: { note: 'not a JWT-library fix: use jwt.decode(...)["sub"] as the owner and filter every query by it (FastAPI below)' },
      jose: { note: "not a JWT-library fix: use jwtVerify's payload.sub as the owner and filter every query by it (Express below)" },
      fastapi: {
        code: code`
          import uuid
          from fastapi import APIRouter, Depends, HTTPException

          router = APIRouter()

          @router.get("/api/todos/{todo_id}")
          def read_todo(todo_id: uuid.UUID, claims: dict = Depends(current_claims)):  # odd ids: 422, not 500
              row = db.fetch_one("SELECT * FROM todos WHERE id = %s AND owner_id = %s", (str(todo_id), claims["sub"]))
              if row is None:  # missing and someone else's look the same
                  raise HTTPException(404, "not_found")
              return row
        `,
      },
      express: {
        code: code`
          import express from 'express'
          import type { Pool } from 'pg'

          export const todoRoutes = (db: Pool) =>
            express.Router().get('/api/todos/:id', async (req, res) => {
              const owner: string = res.locals.claims.sub // from the verified token, never from the request
              const { rows } = /^[0-9a-f-]{36}$/i.test(req.params.id) // an odd id is a 404, not a database 500
                ? await db.query('SELECT * FROM todos WHERE id = $1 AND owner_id = $2', [req.params.id, owner])
                : { rows: [] }
              if (rows[0]) res.json(rows[0])
              else res.status(404).json({ error: 'not_found' }) // missing and not yours look the same
            })
        `,
      },
    },
  },

  cors: {
    title: 'Allow-list your frontend origins, put CORS before authentication, never credentials with * or reflection',
    why: "CORS decides which web pages may read your API's answers in a user's browser. Reflecting any Origin together with Access-Control-Allow-Credentials: true lets every site the user visits call the API with their cookies and read the replies, and authentication placed before CORS answers the token-less preflight with 401, so your real frontend breaks and someone widens the policy to * to fix it. List the frontend origins explicitly, allow the Authorization header, and let the CORS middleware answer OPTIONS before any authentication runs.",
    snippets: {
      pyjwt: { note: NOT_IN_PYTHON_LIBRARY },
      pythonJose: { note: NOT_IN_PYTHON_LIBRARY },
      jose: { note: NOT_IN_NODE_LIBRARY },
      fastapi: {
        code: code`
          from fastapi import FastAPI
          from fastapi.middleware.cors import CORSMiddleware

          app = FastAPI()
          # add it LAST: the last middleware added runs first, so a preflight never meets authentication
          app.add_middleware(
              CORSMiddleware,
              allow_origins=["https://app.example.com"],  # explicit; never "*" or a regex with credentials
              allow_credentials=True,
              allow_methods=["GET", "POST", "PATCH", "DELETE"],  # Starlette's default is GET alone
              allow_headers=["Authorization", "Content-Type"],
          )
        `,
      },
      express: {
        code: code`
          import cors from 'cors'
          import express from 'express'

          const app = express()
          // before any authentication middleware, so OPTIONS preflights are answered without a token
          app.use(cors({
            origin: ['https://app.example.com'], // explicit list; never origin: true (reflection) with credentials
            credentials: true,
            allowedHeaders: ['Authorization', 'Content-Type'],
          }))
        `,
      },
    },
  },
} as const satisfies Record<string, Omit<Remedy, 'name'>>

export type RemedyName = keyof typeof REMEDY_SPECS

export const REMEDIES: Readonly<Record<RemedyName, Remedy>> = Object.fromEntries(
  Object.entries(REMEDY_SPECS).map(([name, spec]) => [name, { name, ...spec }]),
) as Record<RemedyName, Remedy>

/** Each suite's remedy, for the cases it does not override below. */
export const SUITE_REMEDY: Readonly<Record<string, RemedyName>> = {
  baseline: 'bearer-parsing',
  claims: 'verify-claims-time',
  signature: 'verify-signature',
  'key-confusion': 'key-type-checks',
  header: 'trusted-keys-only',
  kid: 'kid-lookup',
  crypto: 'maintained-crypto',
  malformed: 'reject-malformed',
  bearer: 'bearer-parsing',
  'better-auth': 'better-auth-tokens',
  hs256: 'hmac-secret',
  keys: 'jwks-caching',
  ownership: 'ownership',
  cors: 'cors',
  flow: 'better-auth-tokens',
}

/** Cases whose bug is not their suite's: the suite groups by what is sent, the remedy by what to fix. */
export const CASE_REMEDY: Readonly<Record<string, RemedyName>> = {
  'baseline/valid-token': 'better-auth-tokens',
  'baseline/second-user': 'ownership',
  'baseline/subject-matches': 'ownership',
  ...Object.fromEntries(['aud-wrong', 'aud-missing', 'aud-empty-array', 'aud-array-without-ours', 'iss-wrong', 'iss-missing', 'iss-trailing-slash', 'sub-missing'].map((name) => [`claims/${name}`, 'verify-aud-iss' as const])),
  ...Object.fromEntries(['lower', 'capitalized', 'upper', 'mixed'].flatMap((spelling) => [`signature/alg-none-${spelling}`, `signature/alg-none-${spelling}-with-signature`]).map((id) => [id, 'pin-algorithms' as const])),
  'signature/attacker-key-issuer-kid': 'trusted-keys-only',
  'signature/unknown-kid': 'kid-lookup',
  ...Object.fromEntries(['number', 'null', 'array', 'object'].map((type) => [`kid/${type}`, 'reject-malformed' as const])),
  ...Object.fromEntries(['ps256-as-rs256', 'rs256-as-ps256', 'es512-for-es256', 'hs512-for-hs256'].map((name) => [`crypto/${name}`, 'pin-algorithms' as const])),
  'better-auth/other-deployment': 'trusted-keys-only',
  'hs256/secret-fallback': 'pin-algorithms',
  'keys/kid-absent-multiple-keys': 'kid-lookup',
  'ownership/deleted-user-token': 'verify-claims-time',
}

/** The one remedy for a case id (its override, else its suite's). */
export function remedyFor(caseId: string): Remedy {
  const name = CASE_REMEDY[caseId] ?? SUITE_REMEDY[caseId.split('/')[0]!]
  if (!name) throw new Error(`no remedy for case ${caseId}: add its suite to SUITE_REMEDY`)
  return REMEDIES[name]
}
