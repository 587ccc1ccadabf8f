import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { controlClient, laneJwksURL, shapedJwksURL } from '../../harness/core/protocol/control.ts'
import { Cleanup } from '../../harness/environment/cleanup.ts'
import { startIssuer, type StartedIssuer } from '../../harness/environment/issuer.ts'
import { startPostgres } from '../../harness/environment/postgres.ts'

/**
 * One real issuer, several views of its JWKS: key-set shapes and the keys suite's lanes. A lane's
 * fault, counter and removed keys are its own; the key set as served never notices them.
 */
const cleanup = new Cleanup()
let issuer: StartedIssuer
const kidsAt = async (url: string) => {
  const response = await fetch(url)
  return { status: response.status, kids: response.ok ? ((await response.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid) : [] }
}

beforeAll(async () => {
  const postgres = cleanup.use('postgres', await startPostgres({ runtime: 'embedded' }))
  issuer = cleanup.use('issuer', await startIssuer({ profile: 'ES256', databaseUrl: await postgres.createDatabase('jwks_views'), port: 0, expiresIn: '15m' }))
})
afterAll(() => cleanup.dispose())

describe("the keys suite's lanes", () => {
  test("a lane's fault breaks only that lane's URL, and each lane counts only its own fetches", async () => {
    const since = Date.now()
    const outage = controlClient(issuer as never, 'outage')
    await outage.fault('fail')
    try {
      expect((await kidsAt(laneJwksURL(issuer.jwksURL, 'outage'))).status).toBe(500)
      expect((await kidsAt(laneJwksURL(issuer.jwksURL, 'junk'))).status).toBe(200)
      expect((await kidsAt(issuer.jwksURL)).status).toBe(200)
    } finally {
      await outage.fault('none')
    }
    expect((await kidsAt(laneJwksURL(issuer.jwksURL, 'outage'))).status).toBe(200)
    expect(await outage.jwksRequests(since)).toBe(2)
    expect(await controlClient(issuer as never, 'junk').jwksRequests(since)).toBe(1)
    expect(await controlClient(issuer as never).jwksRequests(since)).toBe(1)
  })

  test("a key removed on a lane leaves that lane's key set only: it stays published and signs elsewhere", async () => {
    const control = controlClient(issuer as never)
    const old = (await control.currentKid())!
    const fresh = await control.rotate()
    await controlClient(issuer as never, 'removal').remove(old)
    expect((await kidsAt(laneJwksURL(issuer.jwksURL, 'removal'))).kids).toEqual([fresh])
    expect((await kidsAt(issuer.jwksURL)).kids.sort()).toEqual([old, fresh].sort())
    expect((await kidsAt(laneJwksURL(issuer.jwksURL, 'outage'))).kids.sort()).toEqual([old, fresh].sort())
    expect(await control.publishedKids()).toContain(old)
    expect(await control.signature('e30.e30', { kid: old })).toBeTruthy()
  })

  test('each view remembers the kids it last served: what its target knows without a refetch', async () => {
    const control = controlClient(issuer as never)
    const removal = controlClient(issuer as never, 'removal')
    const before = await removal.servedKids()
    await kidsAt(issuer.jwksURL)
    const served = await control.servedKids()
    expect(served.sort()).toEqual((await control.publishedKids()).sort())
    // A rotation no view has fetched since is known to none of them.
    const fresh = await control.rotate()
    expect(await control.servedKids()).not.toContain(fresh)
    expect(await removal.servedKids()).toEqual(before)
    await kidsAt(laneJwksURL(issuer.jwksURL, 'removal'))
    expect(await removal.servedKids()).toContain(fresh)
    expect(await control.servedKids()).not.toContain(fresh)
  })

  test('a key-set shape is served beside the lanes, counted as its own', async () => {
    const since = Date.now()
    const shaped = (await fetch(shapedJwksURL(issuer.jwksURL, 'without-alg')).then((r) => r.json())) as { keys: { alg?: string }[] }
    expect(shaped.keys.length).toBeGreaterThan(0)
    expect(shaped.keys.every((key) => key.alg === undefined)).toBe(true)
    expect(await controlClient(issuer as never).jwksRequests(since, 'without-alg')).toBe(1)
    expect(await controlClient(issuer as never).jwksRequests(since)).toBe(0)
  })
})
