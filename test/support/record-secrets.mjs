// Preloaded into a real `authconform run` by harness-security.test.ts
// (NODE_OPTIONS=--import, in the main thread and vitest's workers alike): it records the secrets
// the run only ever holds in memory — each user's password and session token, the per-run
// control key — one JSON line each in $AUTHCONFORM_RECORD_SECRETS, so the test can search every
// report for them. It only watches fetch; requests and answers pass through unchanged.
import { appendFileSync } from 'node:fs'

const file = process.env.AUTHCONFORM_RECORD_SECRETS
const record = (kind, value) => {
  if (typeof value === 'string' && value) appendFileSync(file, JSON.stringify({ kind, value }) + '\n')
}

if (file) {
  const original = globalThis.fetch
  globalThis.fetch = async function recordingFetch(input, init) {
    const url = String(input instanceof Request ? input.url : input)
    try {
      record('control key', new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get('x-authconform-control-key'))
      if (url.endsWith('/api/auth/sign-up/email') && typeof init?.body === 'string') record('password', JSON.parse(init.body).password)
    } catch {
      // not a request of interest
    }
    const response = await original.call(this, input, init)
    if (url.endsWith('/api/auth/sign-up/email')) {
      // The session token (a credential at the issuer); session_data is a JWT some cases send on purpose.
      for (const cookie of response.headers.getSetCookie()) {
        const [name, ...value] = cookie.split(';')[0].split('=')
        if (name.endsWith('session_token')) record('session token', decodeURIComponent(value.join('=')))
      }
    }
    return response
  }
}
