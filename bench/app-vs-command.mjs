#!/usr/bin/env node
// fixtures/node-project's jose Express app built in authconform's process (target.app) against
// the same app started as a command (server.mjs), in alternating cold runs: wall time, CPU and
// memory of each, and whether every verdict is the same. Run by hand.
//   node bench/app-vs-command.mjs [rounds, default 4] [-- run args, default --profile EdDSA]
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { alternate, binIn } from './alternate.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const project = path.join(repo, 'fixtures/node-project')
const separator = process.argv.indexOf('--')
const rounds = Number(process.argv.slice(2, separator === -1 ? undefined : separator)[0] ?? 4)
const extra = separator === -1 ? ['--profile', 'EdDSA'] : process.argv.slice(separator + 1)
const scratch = mkdtempSync(path.join(os.tmpdir(), 'authconform-app-vs-command-'))
const side = (name, config) => ({ name, bin: binIn(repo), cwd: project, args: ['--config', config, ...extra], env: {}, document: path.join(scratch, `${config}.json`) })
try {
  await alternate([side('target.app', 'authconform.config.mjs'), side('command', 'authconform.command.config.mjs')], rounds)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
