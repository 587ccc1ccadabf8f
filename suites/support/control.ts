import type { ProfileContext } from '../../harness/context.ts'

/** The issuer's conformance-control endpoints, called with the per-run key. */
export function controlClient(issuer: ProfileContext['issuer']) {
  const headers = { 'content-type': 'application/json', origin: issuer.baseURL, 'x-authconform-control-key': issuer.controlKey }
  async function call<T>(path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${issuer.controlURL}${path}`, body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) })
    if (!response.ok) throw new Error(`issuer control ${path} answered ${response.status}: ${(await response.text()).slice(0, 200)}`)
    return (await response.json()) as T
  }
  return {
    /** The signature segment over `input`, by the current key (or `kid`), under its alg (or `alg`). */
    signature: async (input: string, options: { alg?: string; kid?: string } = {}) =>
      (await call<{ signature: string }>('/sign', { signingInput: input, ...options })).signature,
    currentKid: async () => (await call<{ kid?: string }>('/key')).kid,
    /** The kids in the JWKS, read from the database: a JWKS fetch of ours would skew the counters. */
    publishedKids: async () => (await call<{ kids: string[] }>('/keys')).kids,
    rotate: async () => (await call<{ kid: string }>('/rotate', {})).kid,
    remove: async (kid: string) => void (await call('/remove', { kid })),
    jwksRequests: async (sinceMs = 0) => (await call<{ since: number }>(`/jwks-requests?since=${sinceMs}`)).since,
    deleteUser: async (userId: string) => void (await call('/delete-user', { userId })),
    fault: async (mode: 'none' | 'fail' | 'hang' | 'junk' | 'slow', ms = 0) => void (await call('/jwks-fault', { mode, ms })),
  }
}

export type ControlClient = ReturnType<typeof controlClient>
