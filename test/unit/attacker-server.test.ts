import { expect, test } from 'vitest'
import { startAttacker } from '../../harness/environment/attacker.ts'

/** The attacker server serves bodies encoded in its paths and remembers who fetched what. */
test('serves the encoded body, records fetches by nonce, and guards its log', async () => {
  const attacker = await startAttacker()
  try {
    expect(attacker.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const jwks = JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc' }] })
    const served = await fetch(`${attacker.baseURL}/d/nonce1/${Buffer.from(jwks).toString('base64url')}.json`)
    expect(served.headers.get('content-type')).toBe('application/json')
    expect(await served.text()).toBe(jwks)
    expect((await fetch(`${attacker.baseURL}/internal/nonce2/admin`)).status).toBe(404)

    const log = async (nonce: string, key = attacker.logKey) => fetch(`${attacker.baseURL}/__fetches/${key}/${nonce}`)
    expect(((await (await log('nonce1')).json()) as { path: string }[]).map((f) => f.path)).toEqual([`/d/nonce1/${Buffer.from(jwks).toString('base64url')}.json`])
    expect(((await (await log('nonce2')).json()) as unknown[]).length).toBe(1)
    expect(((await (await log('nonce3')).json()) as unknown[]).length).toBe(0)
    expect((await log('nonce1', 'wrong-key')).status).toBe(404)
  } finally {
    await attacker[Symbol.asyncDispose]()
  }
})
