import { deflateRawSync } from 'node:zlib'
import { b64url } from '../../harness/core/jws.ts'
import { segments, unsigned, withChanges } from '../support/tokens.ts'
import type { CaseSpec, ProbeKit } from '../../harness/core/case.ts'
import { defineCase } from './define-case.ts'
import { refusedOrReadAsLast, rejected, rejectedPreferably } from './expect.ts'

/**
 * Structure and input: tokens a parser must refuse cheaply. 401 is expected; 400, 413 and 431
 * are fine too; an answer slower than 2 s is a fail (a parser that a token can stall).
 */
// A server may also refuse an oversized header by closing the connection mid-upload.
/** 5 MB of zeros, deflated to about 5 KB: made once per worker, used by every profile. */
let deflatedZeros: string | undefined
const zipBomb = () => (deflatedZeros ??= b64url(deflateRawSync(Buffer.alloc(5_000_000))))

const REFUSED = { alsoFine: [400, 413, 431], dropIsRefusal: true }
// Time is judged only where the case is about the cost of parsing: elsewhere a loaded machine's
// slow answer would fail a correct verifier.
const REFUSED_QUICKLY = { ...REFUSED, withinMs: 2000 }
const SAME_BYTES = 'a second spelling of the same signed bytes (blocklists keyed by the token string miss it)'
const FIX_PARSE = 'use a maintained JWT library for parsing, and map every parse error to 401'

type MalformedCase = Pick<CaseSpec, 'title' | 'refs'> & {
  name: string
  token: (kit: ProbeKit) => string | Promise<string>
  severity?: CaseSpec['severity']
  fix?: string
  /** Duplicate members: refusing or reading the last value are both conformant. */
  lastWins?: boolean
  /**
   * Accepting is a warn, for this reason: mainstream libraries accept it on their defaults and
   * it verifies nothing other than the real token does.
   */
  acceptedBecause?: string
  /** A token made to cost the parser (size, nesting, decompression): it must be refused within 2 s. */
  costly?: boolean
}

const header = (kit: ProbeKit) => kit.user.a.header
const claims = (kit: ProbeKit) => kit.user.a.claims
const real = (kit: ProbeKit) => kit.user.a.token
const raw = (value: unknown) => ({ raw: JSON.stringify(value) })

/** `{"alg":"<real>","kid":…,"alg":"none"}`: JSON with a duplicate key, written by hand. */
function duplicateKey(object: Record<string, unknown>, key: string, last: unknown): { raw: string } {
  return { raw: `${JSON.stringify(object).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(last)}}` }
}

/** RFC 7797: the payload travels as is and is signed as is; JWTs must not use it. */
async function unencodedPayload(kit: ProbeKit): Promise<string> {
  const input = `${b64url(JSON.stringify(withChanges(header(kit), { b64: false, crit: ['b64'] })))}.${JSON.stringify(claims(kit))}`
  return `${input}.${await kit.signInput(input)}`
}

/**
 * The real claims, signed, with only the signature's "-" and "_" written as "+" and "/": the
 * signed bytes and the signing input stay the same, so the verdict says how the verifier
 * decodes base64. A signature without either character is signed again over an iat a second
 * earlier (random signatures differ each time, deterministic ones with the input), until one
 * has some and the header and payload have none.
 */
async function standardAlphabetSignature(kit: ProbeKit): Promise<string> {
  for (let back = 0; back < 64; back++) {
    const iat = typeof claims(kit).iat === 'number' ? (claims(kit).iat as number) : Math.floor(Date.now() / 1000)
    const token = back === 0 ? real(kit) : await kit.mint(kit.user.a, { iat: iat - back })
    const [header, payload, signature] = segments(token)
    if (/[-_]/.test(`${header}${payload}`) || !/[-_]/.test(signature!)) continue
    return `${header}.${payload}.${signature!.replace(/-/g, '+').replace(/_/g, '/')}`
  }
  throw new Error('no signature with a "-" or "_" in 64 signings')
}

const MALFORMED: MalformedCase[] = [
  { name: 'two-segments', title: 'rejects a token with two segments', refs: ['RFC7515-7.1', 'RFC7519-7.2'], token: (k) => segments(real(k)).slice(0, 2).join('.') },
  { name: 'four-segments', title: 'rejects a token with four segments', refs: ['RFC7515-7.1', 'RFC7519-7.2'], token: (k) => `${real(k)}.${segments(real(k))[2]}` },
  { name: 'empty-segments', title: 'rejects ".." (three empty segments)', refs: ['RFC7519-7.2'], token: () => '..' },
  {
    name: 'base64-padding',
    title: 'rejects segments with base64 "=" padding added',
    refs: ['RFC7515-2', 'RFC7515-7.1'],
    acceptedBecause: `jose, PyJWT and python-jose decode it: ${SAME_BYTES}`,
    token: (k) =>
      segments(real(k))
        .map((s) => `${s}=`)
        .join('.'),
  },
  {
    name: 'base64-standard-alphabet',
    title: 'rejects a token whose signature is spelled in the standard "+/" alphabet',
    refs: ['RFC7515-2'],
    acceptedBecause: `PyJWT, python-jose, ruby-jwt and express-oauth2-jwt-bearer decode it: ${SAME_BYTES}`,
    token: standardAlphabetSignature,
  },
  { name: 'whitespace-in-token', title: 'rejects a token with a space inside a segment', refs: ['RFC7515-7.1', 'RFC6750-2.1'], token: (k) => real(k).replace('.', '.abc ') },
  { name: 'header-not-json', title: 'rejects a header that is not JSON (really signed)', refs: ['RFC7515-5.2', 'RFC7519-7.2'], token: (k) => k.signAsIssuer({ raw: 'not json' }, claims(k)) },
  { name: 'payload-not-object', title: 'rejects a payload that is a JSON array (really signed)', refs: ['RFC7519-7.2'], token: (k) => k.signAsIssuer(header(k), raw([claims(k)])) },
  {
    name: 'duplicate-header-alg',
    title: 'rejects a header whose duplicate alg says "none" last (really signed)',
    refs: ['RFC7515-5.2', 'RFC8725-3.1'],
    severity: 'high',
    token: (k) => k.signAsIssuer(duplicateKey(header(k), 'alg', 'none'), claims(k)),
  },
  {
    name: 'duplicate-payload-sub',
    title: 'a payload with sub twice (A, then B; really signed) is refused or read as B',
    refs: ['RFC7519-4', 'RFC7515-5.2'],
    lastWins: true,
    token: (k) => k.signAsIssuer(header(k), duplicateKey(claims(k), 'sub', k.user.b.id)),
  },
  {
    name: 'crit-unknown',
    title: 'rejects a header with crit naming an unknown extension (really signed)',
    refs: ['RFC7515-4.1.11'],
    fix: 'reject any crit entry the verifier does not implement (PyJWT 2.6 and python-jose 3.3 ignore crit: check it yourself)',
    acceptedBecause: 'python-jose, golang-jwt, ruby-jwt and jsonwebtoken ignore crit, against RFC 7515 §4.1.11 (only the issuer can sign it)',
    token: (k) => k.signAsIssuer(withChanges(header(k), { crit: ['urn:authconform:unknown'], 'urn:authconform:unknown': true }), claims(k)),
  },
  { name: 'b64-false', title: 'rejects an unencoded payload (b64: false) in a JWT', refs: ['RFC7797-3', 'RFC7797-7'], token: (k) => unencodedPayload(k) },
  {
    name: 'nested-alg-none',
    title: 'rejects cty: JWT wrapping an alg "none" token (really signed)',
    refs: ['RFC7519-5.2', 'RFC7519-7.2', 'RFC8725-3.1'],
    severity: 'high',
    token: (k) => k.signAsIssuer(withChanges(header(k), { cty: 'JWT' }), { raw: unsigned({ alg: 'none' }, withChanges(claims(k), { sub: k.user.b.id })) }),
  },
  {
    name: 'jwe-zip-bomb',
    title: 'rejects a 5-segment JWE with zip: DEF (a compression bomb)',
    refs: ['RFC7516-4.1.3', 'RFC8725-3.6'],
    costly: true,
    token: () => [b64url(JSON.stringify({ alg: 'dir', enc: 'A256GCM', zip: 'DEF' })), '', b64url(new Uint8Array(12)), zipBomb(), b64url(new Uint8Array(16))].join('.'),
  },
  { name: 'one-megabyte', title: 'refuses a 1 MB token within 2 s', refs: ['RFC8725-3.6', 'RFC9110-15.5.14'], costly: true, token: (k) => `${segments(real(k))[0]}.${'A'.repeat(1_048_576)}.${segments(real(k))[2]}` },
  { name: 'hundred-thousand-dots', title: 'refuses 100 000 dots within 2 s', refs: ['RFC7519-7.2'], costly: true, token: () => '.'.repeat(100_000) },
  // Sized to fit the 16 KB of headers Node and uvicorn read: a parser that recurses per level
  // (Nimbus before 10.0.2, a Python json.loads before the signature is checked) fails long before.
  {
    name: 'deeply-nested-claims',
    title: 'refuses a payload nested 10 000 levels deep within 2 s (the signature first, then the JSON)',
    refs: ['RFC8259-9', 'RFC8725-3.6', 'CVE-2025-53864'],
    costly: true,
    token: (k) => withPayload(real(k), `{"sub":${'['.repeat(10_000)}`),
  },
  {
    name: 'many-claims',
    title: 'refuses a payload of 1 500 claims within 2 s',
    refs: ['RFC8259-9', 'RFC8725-3.6'],
    costly: true,
    token: (k) => withPayload(real(k), JSON.stringify(Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [i.toString(36), 0])))),
  },
]

/** The real token with its payload replaced by `json` (so its signature no longer matches). */
function withPayload(token: string, json: string): string {
  const [header, , signature] = segments(token)
  return `${header}.${b64url(json)}.${signature}`
}

function judgeOf({ lastWins, acceptedBecause, costly }: MalformedCase) {
  if (lastWins) return refusedOrReadAsLast('b')
  const refusal = costly ? REFUSED_QUICKLY : REFUSED
  if (acceptedBecause) return rejectedPreferably(acceptedBecause, refusal)
  return rejected(refusal)
}

export const malformedCases = MALFORMED.map((spec) => {
  const { name, token, severity, fix, lastWins, acceptedBecause: _why, costly: _costly, ...rest } = spec
  return defineCase({
    id: `malformed/${name}`,
    ...rest,
    severity: severity ?? (lastWins ? 'low' : 'medium'),
    kind: 'probe',
    probe: (kit) => ({ token: token(kit) }),
    expect: judgeOf(spec),
    ...(lastWins && { readsIdentity: true }),
    fix: fix ?? FIX_PARSE,
    remedy: 'reject-malformed',
  })
})
