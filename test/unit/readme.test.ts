import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { README, readmeWithCatalogue } from '../../harness/report/catalogue-section.ts'
import { CATALOGUE } from '../../suites/catalogue/index.ts'

test('the README catalogue section is what the catalogue generates (run npm run docs)', () => {
  const readme = readFileSync(README, 'utf8')
  expect(readme).toBe(readmeWithCatalogue(readme, CATALOGUE))
})
