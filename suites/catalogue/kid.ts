import { ASYMMETRIC_PROFILES } from '../../harness/core/profiles.ts'
import { signWithHmacKey, withChanges } from '../support/tokens.ts'
import { defineCase } from './define-case.ts'
import { answersWithoutCrashing, rejected, rejectedPreferably } from './expect.ts'

/**
 * The kid header reaches file systems, SQL and shells in hand-written key lookups. Each
 * injected kid comes with the HMAC key that lookup would return (empty for /dev/null, "1" for
 * the UNION).
 */
const INJECTED = [
  // Surplus '..' stop at the root, so two dozen climb out of a key directory at any depth.
  { name: 'path-traversal-dev-null', kid: `${'../'.repeat(24)}dev/null`, key: '', what: 'a path traversal to /dev/null, HMAC-keyed with its empty content' },
  { name: 'dev-null', kid: '/dev/null', key: '', what: 'an absolute path to /dev/null, HMAC-keyed with its empty content' },
  { name: 'sql-injection', kid: "x' UNION SELECT '1';--", key: '1', what: 'an SQL UNION that makes a key lookup return "1", HMAC-keyed with "1"' },
] as const

const FIX_LOOKUP = 'look the kid up only in the JWKS you fetched (a dict); never build a path, query or command from it'

const injectedCases = INJECTED.map(({ name, kid, key, what }) =>
  defineCase({
    id: `kid/${name}`,
    title: `rejects kid = ${what}`,
    severity: 'critical',
    refs: ['RFC7515-4.1.4', 'RFC8725-3.10'],
    kind: 'probe',
    probe: ({ user }) => ({ token: signWithHmacKey('HS256', key, { alg: 'HS256', typ: 'JWT', kid }, user.a.claims) }),
    expect: rejected(),
    fix: FIX_LOOKUP,
    remedy: 'kid-lookup',
  }),
)

/** A kid of the wrong JSON type on an otherwise real token: a strict parser refuses it, none may crash. */
const WRONG_TYPES = [
  ['number', 1234],
  ['null', null],
  ['array', ['a', 'b']],
  ['object', { id: 'x' }],
] as const

const wrongTypeCases = WRONG_TYPES.map(([name, kid]) =>
  defineCase({
    id: `kid/${name}`,
    title: `answers a real token whose kid is a JSON ${name} without crashing (rejecting preferred)`,
    severity: 'low',
    refs: ['RFC7515-4.1.4'],
    kind: 'probe',
    probe: ({ mint, user }) => ({ token: mint(user.a, {}, { kid }) }),
    expect: rejectedPreferably(),
    fix: 'validate the header types (kid must be a string) before the lookup, and turn every verifier exception into 401',
    remedy: 'reject-malformed',
  }),
)

export const kidCases = [
  ...injectedCases,
  defineCase({
    id: 'kid/command-injection',
    title: 'rejects kid = "|sleep 5" promptly (no shell sees the kid)',
    severity: 'critical',
    refs: ['RFC7515-4.1.4', 'RFC8725-3.10'],
    kind: 'probe',
    probe: ({ user }) => ({ token: signWithHmacKey('HS256', '', { alg: 'HS256', typ: 'JWT', kid: '|sleep 5' }, user.a.claims), timeoutMs: 10_000 }),
    expect: rejected({ withinMs: 4000 }),
    fix: FIX_LOOKUP,
    remedy: 'kid-lookup',
  }),
  ...wrongTypeCases,
  defineCase({
    id: 'kid/absent',
    title: 'answers a real token without kid (one key published) without crashing',
    severity: 'low',
    refs: ['RFC7515-4.1.4', 'RFC7517-4.5'],
    profiles: ASYMMETRIC_PROFILES,
    profilesReason: 'HS256 tokens carry no kid',
    kind: 'probe',
    probe: ({ signAsIssuer, user }) => ({ token: signAsIssuer(withChanges(user.a.header, { kid: undefined }), user.a.claims) }),
    expect: answersWithoutCrashing(),
    fix: 'with no kid, either try the published keys of the pinned algorithm or refuse with 401 — never raise',
    remedy: 'kid-lookup',
  }),
]
