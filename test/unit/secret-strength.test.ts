import { randomBytes } from 'node:crypto'
import { expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { assessSecret as assessWith, parseWordlist } from '../../harness/core/secret-strength.ts'
import { PUBLISHED_SECRETS_FILE } from '../../harness/paths.ts'

const published = parseWordlist(readFileSync(PUBLISHED_SECRETS_FILE, 'utf8'))
const assessSecret = (secret: string) => assessWith(secret, published)

test('a random 32-byte hex secret has no problems', () => {
  const assessment = assessSecret(randomBytes(32).toString('hex'))
  expect(assessment).toMatchObject({ bytes: 64, published: false, problems: [] })
  expect(assessment.bitsPerChar).toBeGreaterThan(3.5)
})

test("the seeds' example secrets are published, whatever their case", () => {
  expect(published).toContain('your-secret-key-min-32-chars-change-in-production')
  expect(assessSecret('your-super-secret-jwt-key-here').published).toBe(true)
  expect(assessSecret('YOUR-SUPER-SECRET-JWT-KEY-HERE').published).toBe(true)
})

test('short and low-entropy secrets are named as such', () => {
  expect(assessSecret('short').problems[0]).toBe('5 bytes, under the 32 that HS256 needs (RFC 7518 §3.2)')
  const repeated = assessSecret('a'.repeat(40))
  expect(repeated.bitsPerChar).toBe(0)
  expect(repeated.problems).toEqual(['low entropy (0.00 bits per character)'])
})
