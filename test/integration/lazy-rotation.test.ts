import path from 'node:path'
import { decodeProtectedHeader } from 'jose'
import { expect, test } from 'vitest'
import { Cleanup } from '../../harness/environment/cleanup.ts'
import { startIssuer } from '../../harness/environment/issuer.ts'
import { startPostgres } from '../../harness/environment/postgres.ts'
import { startTarget } from '../../harness/environment/target.ts'
import { signUpPrincipals } from '../../harness/principals/index.ts'
import { REPO } from '../support/cli.ts'

/**
 * The harness with Better Auth's own lazy rotation (jwks.rotationInterval / gracePeriod): a
 * sign after the interval makes a new key, both stay published, and the good Node target
 * follows without a restart.
 */
test('a lazily rotated key is published next to the old one and accepted by the good target', async () => {
  const cleanup = new Cleanup()
  try {
    const postgres = cleanup.use('postgres', await startPostgres({ runtime: 'embedded' }))
    const issuer = cleanup.use('issuer', await startIssuer({ profile: 'ES256', databaseUrl: await postgres.createDatabase('lazy_rotation'), port: 0, expiresIn: '15m', rotationSeconds: 2, gracePeriodSeconds: 600 }))
    const target = cleanup.use(
      'target',
      await startTarget(
        {
          command: 'node server.mjs',
          cwd: path.join(REPO, 'fixtures/targets/node-good'),
          env: {},
          ready: '/health',
          readyTimeoutMs: 20_000,
          profiles: ['ES256'],
          headers: {},
          database: undefined,
          sessionTokens: false,
          routes: { me: 'GET /api/me' },
        },
        issuer,
      ),
    )
    const { a } = await signUpPrincipals(issuer, 'lazy')
    const me = (token: string) => fetch(`${target.baseURL}/api/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status)
    expect(await me(a.token)).toBe(200)

    await new Promise((resolve) => setTimeout(resolve, 2500))
    // Users signing up after the interval get tokens from /api/auth/token: Better Auth makes
    // the new key lazily on that sign.
    const later = (await signUpPrincipals(issuer, 'lazy2')).a
    const [oldKid, newKid] = [decodeProtectedHeader(a.token).kid, decodeProtectedHeader(later.token).kid]
    expect(newKid).not.toBe(oldKid)
    const kids = ((await fetch(issuer.jwksURL).then((r) => r.json())) as { keys: { kid: string }[] }).keys.map((k) => k.kid)
    expect(kids).toEqual(expect.arrayContaining([oldKid, newKid]))

    let status = 0
    for (let i = 0; i < 120 && status !== 200; i++) {
      status = await me(later.token)
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 500))
    }
    expect(status, 'a token from the lazily rotated key').toBe(200)
    expect(await me(a.token), 'the previous key within its grace period').toBe(200)
  } finally {
    await cleanup.dispose()
  }
})
