// `npm run docs`: rewrites the README's catalogue section. An entry point like the CLI: it
// joins the engine's renderer and the catalogue.
import { readFileSync, writeFileSync } from 'node:fs'
import { CATALOGUE } from '../suites/catalogue/index.ts'
import { README, readmeWithCatalogue } from './report/catalogue-section.ts'

writeFileSync(README, readmeWithCatalogue(readFileSync(README, 'utf8'), CATALOGUE))
process.stdout.write(`README.md: catalogue section regenerated (${CATALOGUE.cases.length} cases)\n`)
