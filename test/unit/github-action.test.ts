import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import { REPO } from '../support/cli.ts'

/**
 * action.yml cannot run here (no GitHub); what can be checked is that it only uses inputs it
 * declares, passes flags the CLI knows, and that its shell step parses.
 */
const action = readFileSync(path.join(REPO, 'action.yml'), 'utf8')
const declared = [...action.matchAll(/^ {2}([\w-]+):\n {4}description:/gm)].map((m) => m[1])

test('every input the steps read is declared, and every declared input is read', () => {
  const used = [...new Set([...action.matchAll(/\$\{\{ inputs\.([\w-]+) \}\}/g)].map((m) => m[1]))]
  expect(used.sort()).toEqual(declared.filter((name) => name !== 'exit-code').sort())
})

test('the run step passes only flags the CLI accepts, and its bash parses', () => {
  const script = /run: \|\n((?: {8}.*\n?)+)/.exec(action)![1]!.replace(/^ {8}/gm, '')
  const flags = [...script.matchAll(/(--[a-z-]+)/g)].map((m) => m[1]!)
  // The options `authconform run` declares to parseArgs: `config: { type …` or `'fail-on': { type …`.
  const cli = readFileSync(path.join(REPO, 'harness/cli.ts'), 'utf8')
  const accepted = new Set([...cli.matchAll(/^\s+'?([a-z-]+)'?: \{ type: '(?:string|boolean)'/gm)].map((m) => `--${m[1]}`))
  for (const flag of new Set(flags)) expect(accepted, flag).toContain(flag)
  for (const flag of ['--config', '--fail-on', '--sarif', '--html', '--profile', '--expected-failures']) expect(flags).toContain(flag)
  execFileSync('bash', ['-n', '-c', script])
})
