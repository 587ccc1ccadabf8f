import { describe, expect, test } from 'vitest'
import { AuthconformError } from '../../harness/core/errors.ts'
import { validTokenFix, validTokenRefused, type ValidTokenAnswer } from '../../harness/core/valid-token.ts'

/** The error a user gets when the target refuses a real user's valid token: one line, then details. */
const TOKEN = `eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.${'p'.repeat(500)}.c2ln`
const TARGET = {
  profile: 'EdDSA' as const,
  issuer: { jwksURL: 'http://127.0.0.1:4545/api/auth/jwks', issuer: 'http://127.0.0.1:4545', audience: 'http://127.0.0.1:4545' },
  route: { method: 'GET', path: '/api/v1/users/me' },
  routeKey: 'target.routes.me',
}

function answer(status: number, body = '', headers: Record<string, string> = {}, failure?: string): ValidTokenAnswer {
  return {
    request: { method: 'GET', url: 'http://127.0.0.1:8000/api/v1/users/me', headers: { accept: 'application/json', Authorization: `Bearer ${TOKEN}` } },
    token: TOKEN,
    status,
    headers,
    body,
    ...(failure && { failure }),
  }
}

describe('validTokenRefused', () => {
  const body = `{"detail":"Invalid audience"}\n\tsecond line \x1b[31mred\x1b[0m\u2028${'x'.repeat(400)}`
  const error = validTokenRefused(answer(401, body, { 'www-authenticate': 'Bearer error="invalid_token"' }), TARGET)

  test('is an AuthconformError with one line naming the request, the header, the status and the likely cause', () => {
    expect(error).toBeInstanceOf(AuthconformError)
    expect(error.code).toBe('ERR_TARGET_NOT_READY')
    expect(error.message).toBe('the target refused a valid EdDSA token: GET /api/v1/users/me (token in the Authorization header) answered 401 — likely an audience, issuer or JWKS URL mismatch')
  })

  test('details: the answer as one line, its first 200 bytes with control characters escaped, and the challenge', () => {
    const head = Buffer.from(body).subarray(0, 200).toString()
    const escaped = head.replace('\n', '\\n').replace('\t', '\\t').replaceAll('\x1b', '\\u001b').replace('\u2028', '\\u2028')
    expect(escaped).toMatch(/^\{"detail":"Invalid audience"\}\\n\\tsecond line \\u001b\[31mred\\u001b\[0m\\u2028x+$/)
    expect(error.details[0]).toBe(`answer:  401 ${escaped}  WWW-Authenticate: Bearer error="invalid_token"`)
    for (const detail of error.details) expect(detail).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/)
  })

  test('details: the request with the header that carried the token, the token cut short', () => {
    expect(error.details[1]).toBe(`request: GET http://127.0.0.1:8000/api/v1/users/me, Authorization: Bearer ${TOKEN.slice(0, 53)}…(${TOKEN.length + 7} chars)`)
    expect(error.details.join('\n')).not.toContain(TOKEN)
  })

  test('details: the likely fix names the issuer values a started target gets, and where the target log is', () => {
    expect(error.details.slice(2)).toEqual([
      "likely fix: the verifier must use what the issuer signs with: JWKS_URL=http://127.0.0.1:4545/api/auth/jwks, JWT_ISSUER=http://127.0.0.1:4545, API_AUDIENCE=http://127.0.0.1:4545, JWT_ALGORITHMS=EdDSA (a started target gets these as env); or set target.issuer / target.audience to what it expects; or, if it needs a header on every request (an API key, a tenant, the frontend's Origin), set target.headers",
      "target log: DEBUG=authconform:target prints a started target's output",
    ])
  })

  test('HS256: the shared secret is named, never shown', () => {
    const hs = validTokenRefused(answer(401), { ...TARGET, profile: 'HS256' })
    expect(hs.message).toMatch(/likely an audience, issuer or secret mismatch$/)
    expect(hs.details[2]).toMatch(/^likely fix: the verifier must use what the issuer signs with: BETTER_AUTH_SECRET \(HS256 tokens are signed with it\), JWT_ISSUER=/)
    expect(hs.details[0]).toBe('answer:  401 (empty body)')
  })

  test('404 and 405 point at target.routes.me', () => {
    expect(validTokenRefused(answer(404), TARGET).message).toMatch(/answered 404 — no such route: check target\.routes\.me \("GET \/api\/v1\/users\/me"\)$/)
    expect(validTokenRefused(answer(405), TARGET).message).toMatch(/answered 405 — wrong method: check target\.routes\.me \("GET \/api\/v1\/users\/me"\)$/)
  })

  test('a redirect names where it goes: a session guard, not a bearer verifier', () => {
    expect(validTokenRefused(answer(302, '', { location: '/login' }), TARGET).message).toMatch(/answered 302 — redirected to \/login: a session \(cookie\) guard, not a bearer verifier\?$/)
  })

  test('a 5xx sends the user to the target log', () => {
    const failed = validTokenRefused(answer(500, 'Traceback (most recent call last):\n  File "app.py"'), TARGET)
    expect(failed.message).toMatch(/answered 500 — the target failed while verifying it$/)
    expect(failed.details[0]).toBe('answer:  500 Traceback (most recent call last):\\n  File "app.py"')
    expect(validTokenFix(answer(500), TARGET, 'general')).toBe("the target's log has the cause; DEBUG=authconform:target prints a started target's output")
  })

  test('no answer at all: says what happened instead, in one line', () => {
    const unanswered = validTokenRefused(answer(0, '', {}, 'ECONNRESET: connection reset by the target'), TARGET)
    expect(unanswered.message).toBe('the target did not answer a valid EdDSA token: GET /api/v1/users/me (token in the Authorization header): ECONNRESET: connection reset by the target')
    expect(unanswered.details[0]).toBe('answer:  (empty body)')
  })

  test('a status without a known cause keeps the general fix', () => {
    expect(validTokenRefused(answer(400), TARGET).message).toMatch(/answered 400$/)
    expect(validTokenFix(answer(400), TARGET, 'the catalogue fix')).toBe("the catalogue fix; DEBUG=authconform:target prints a started target's output")
  })

  test('a body cut inside a multi-byte character keeps whole characters only', () => {
    const cut = validTokenRefused(answer(401, `${'a'.repeat(199)}é`), TARGET)
    expect(cut.details[0]).toBe(`answer:  401 ${'a'.repeat(199)}`)
  })
})
