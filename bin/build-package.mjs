#!/usr/bin/env node
// The package as users install it runs JavaScript and ships declarations (npm's prepack):
//   dist/cli.js, dist/index.js and their chunks — esbuild, dependencies left as bare imports;
//   dist/types/** — tsc's declarations for what `import … from 'authconform'` exposes, with
//   their import paths spelled `.js` (a `.ts` path is TS5097 in a user's project).
// `--clean` (postpack) removes dist/ again: a checkout runs its sources, so it stays editable.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { harnessBuildOptions } from './compiled-harness.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DIST = path.join(ROOT, 'dist')
const TYPES_ENTRIES = ['harness/index.d.ts', 'harness/vitest.d.ts']

async function buildJavaScript(outdir) {
  const { build, stop } = await import('esbuild')
  try {
    // dist/ sits one level below the package root, as harness/ does: paths.ts finds the package
    // from import.meta.url unchanged.
    // authconform/vitest too: a team's own vitest loads it, with vitest itself left to their install.
    const options = harnessBuildOptions({ outdir, packages: 'external', metafile: false, logLevel: 'error' })
    await build({ ...options, entryPoints: [...options.entryPoints, path.join(ROOT, 'harness/vitest.ts')] })
  } finally {
    await stop()
  }
}

/** Relative module specifiers in a declaration file: `from '…'` and `import('…')`. */
const SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g

/** Declarations of the files the entry's types reach, `.ts` paths rewritten; the rest deleted. */
function keepReachableDeclarations(typesDir) {
  const reached = new Set()
  const pending = TYPES_ENTRIES.map((entry) => path.join(typesDir, entry))
  while (pending.length) {
    const file = pending.pop()
    if (reached.has(file)) continue
    reached.add(file)
    const text = readFileSync(file, 'utf8').replace(SPECIFIER, (_, lead, quote, specifier) => {
      const js = specifier.replace(/\.(m?)ts$/, '.$1js')
      pending.push(path.resolve(path.dirname(file), js.replace(/\.(m?)js$/, '.d.$1ts')))
      return `${lead}${quote}${js}${quote}`
    })
    writeFileSync(file, text)
  }
  const prune = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) prune(full)
      else if (!reached.has(full)) rmSync(full)
    }
    if (readdirSync(dir).length === 0) rmdirSync(dir)
  }
  prune(typesDir)
  return reached.size
}

function buildDeclarations(outDir) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' })
  return keepReachableDeclarations(outDir)
}

if (process.argv.includes('--clean')) {
  rmSync(DIST, { recursive: true, force: true })
} else {
  // Built aside and renamed into place: an interrupted build never leaves a half dist/ behind.
  const scratch = path.join(ROOT, '.dist-build')
  rmSync(scratch, { recursive: true, force: true })
  await buildJavaScript(scratch)
  const declarations = buildDeclarations(path.join(scratch, 'types'))
  if (!['cli.js', 'index.js', 'vitest.js'].every((file) => existsSync(path.join(scratch, file)))) throw new Error('esbuild wrote no cli.js/index.js/vitest.js')
  rmSync(DIST, { recursive: true, force: true })
  renameSync(scratch, DIST)
  process.stderr.write(`authconform: built dist/ (JavaScript and ${declarations} declaration files)\n`)
}
