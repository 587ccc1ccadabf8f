import net from 'node:net'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { expect, test } from 'vitest'
import { freePort } from '../../harness/environment/ports.ts'
import { runCli } from '../support/cli.ts'

/**
 * `authconform issuer`: the reference issuer alone, for a backend the developer runs by hand.
 * The test plays that developer: it reads the printed env, verifies the printed token against
 * the printed JWKS, mints a fresh token with the printed curl's cookie, then presses Ctrl-C.
 */
test('prints the env and working tokens; Ctrl-C stops everything with exit 0', async () => {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const run = await runCli(['issuer', '--profile', 'ES256', '--port', String(port)], {
    timeoutMs: 120_000,
    interrupt: {
      when: /^curl -s .*$/m,
      signal: 'SIGINT',
      first: async (output) => {
        const token = /^TOKEN_A=(.*)$/m.exec(output)![1]!
        const jwks = createRemoteJWKSet(new URL(`${base}/api/auth/jwks`))
        const { payload } = await jwtVerify(token, jwks, { issuer: base, audience: base, algorithms: ['ES256'] })
        expect(payload.email).toMatch(/^user-a-/)
        const [, url, cookie] = /^curl -s '(.*)' -H 'cookie: (.*)'$/m.exec(output)!
        const fresh = (await (await fetch(url!, { headers: { cookie: cookie! } })).json()) as { token: string }
        await jwtVerify(fresh.token, jwks, { issuer: base, audience: base })
      },
    },
  })
  expect(run.interruptError).toBeUndefined()
  expect(run.code, run.stderr).toBe(0)
  const env = Object.fromEntries([...run.stdout.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]))
  expect(env).toMatchObject({ BETTER_AUTH_URL: base, JWKS_URL: `${base}/api/auth/jwks`, JWT_ISSUER: base, API_AUDIENCE: base, JWT_ALGORITHMS: 'ES256' })
  expect(env.BETTER_AUTH_SECRET).toMatch(/^[0-9a-f]{64}$/)
  expect(run.stderr).toMatch(/SIGINT: stopping the issuer/)
  expect(run.leftovers(), 'left behind').toEqual([])
  await expect(fetch(`${base}/api/auth/jwks`)).rejects.toThrow()
})

test('a bad profile or a taken port is one line and the documented exit code', async () => {
  const bad = await runCli(['issuer', '--profile', 'HS999'])
  expect(bad.code).toBe(2)
  expect(bad.stderr.trim()).toMatch(/^authconform: --profile must be one of EdDSA, ES256, RS256, PS256, HS256, got "HS999" \[ERR_USAGE\]$/)
  const busy = net.createServer().listen(0, '127.0.0.1')
  await new Promise((r) => busy.once('listening', r))
  const port = (busy.address() as net.AddressInfo).port
  try {
    const taken = await runCli(['issuer', '--port', String(port)])
    expect(taken.code).toBe(3)
    expect(taken.stderr).toMatch(new RegExp(`issuer cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*pick another`))
    expect(taken.leftovers()).toEqual([])
  } finally {
    busy.close()
  }
})
