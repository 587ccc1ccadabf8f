import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { REPO } from '../support/cli.ts'

/**
 * action.yml cannot run here (no GitHub runner), but its shell steps can: each is executed
 * with bash as GitHub runs it (`bash --noprofile --norc -eo pipefail`), its `${{ … }}`
 * expressions filled in the way the runner would, against a stand-in action directory whose
 * bin/authconform.mjs records the arguments it was given.
 */
const action = readFileSync(path.join(REPO, 'action.yml'), 'utf8')

const scratchDirs: string[] = []
const scratch = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  scratchDirs.push(dir)
  return dir
}
afterAll(() => scratchDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

interface Step {
  name?: string
  id?: string
  uses?: string
  shell?: string
  run?: string
  with: Record<string, string>
  env: Record<string, string>
}

/** The steps of `runs.steps`, read for the shapes this action.yml uses: scalars, one-level maps, `run: |` blocks. */
function actionSteps(): Step[] {
  const body = action.slice(action.indexOf('\n  steps:\n') + '\n  steps:\n'.length)
  return body
    .split(/^ {4}- /m)
    .slice(1)
    .map((chunk) => {
      const step: Step = { with: {}, env: {} }
      const lines = `      ${chunk}`.split('\n')
      for (let i = 0; i < lines.length; i++) {
        const match = /^ {6}([\w-]+):(?: (.*))?$/.exec(lines[i]!)
        if (!match) continue
        const [, key, value] = match as unknown as [string, string, string | undefined]
        const nested: string[] = []
        while (i + 1 < lines.length && (lines[i + 1]!.startsWith('        ') || lines[i + 1] === '')) nested.push(lines[++i]!)
        if (value === '|')
          step.run =
            nested
              .map((line) => line.slice(8))
              .join('\n')
              .trimEnd() + '\n'
        else if (key === 'with' || key === 'env')
          for (const line of nested) {
            const entry = /^ {8}([\w-]+): (.*)$/.exec(line)
            if (entry) step[key][entry[1]!] = entry[2]!
          }
        else (step as unknown as Record<string, string>)[key] = value ?? ''
      }
      return step
    })
}

const inputDefaults = Object.fromEntries([...action.matchAll(/^ {2}([\w-]+):\n {4}description:[\s\S]*?\n {4}default: (.*)$/gm)].map((m) => [m[1]!, m[2]!.replace(/^'(.*)'$/, '$1')]))
const step = (id: string) => actionSteps().find((s) => s.id === id) ?? expect.fail(`no step with id ${id}`)

/** A stand-in $GITHUB_ACTION_PATH: an authconform that records its arguments and exits with STUB_EXIT. */
function fakeActionPath(): string {
  const dir = scratch('authconform-action-')
  mkdirSync(path.join(dir, 'bin'))
  writeFileSync(
    path.join(dir, 'bin/authconform.mjs'),
    `import { writeFileSync } from 'node:fs'
writeFileSync(process.env.STUB_RECORD, JSON.stringify({ argv: process.argv.slice(2), chromium: process.env.AUTHCONFORM_CHROMIUM ?? null, summary: process.env.AUTHCONFORM_GITHUB_SUMMARY ?? null }))
process.exit(Number(process.env.STUB_EXIT ?? 0))
`,
  )
  writeFileSync(path.join(dir, 'package-lock.json'), '{ "lockfileVersion": 3 }\n')
  return dir
}

interface StepRun {
  code: number | null
  stderr: string
  output: string
  githubEnv: string
  record?: { argv: string[]; chromium: string | null; summary: string | null }
}

/** Runs one step's script as the runner would: its env with `${{ inputs.* }}` and `${{ steps.*.outputs.* }}` filled in. */
function runStep(s: Step, options: { inputs?: Record<string, string>; outputs?: Record<string, string>; env?: Record<string, string>; actionPath?: string; path?: string } = {}): StepRun {
  const work = scratch('authconform-step-')
  const files = { GITHUB_OUTPUT: path.join(work, 'output'), GITHUB_ENV: path.join(work, 'env'), STUB_RECORD: path.join(work, 'record.json') }
  for (const file of [files.GITHUB_OUTPUT, files.GITHUB_ENV]) writeFileSync(file, '')
  const expression = (value: string) =>
    value
      .replace(/\$\{\{ inputs\.([\w-]+) \}\}/g, (_, name: string) => options.inputs?.[name] ?? inputDefaults[name] ?? expect.fail(`undeclared input ${name}`))
      .replace(/\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}/g, (_, id: string, name: string) => options.outputs?.[`${id}.${name}`] ?? '')
  const stepEnv = Object.fromEntries(Object.entries(s.env).map(([name, value]) => [name, expression(value)]))
  // Nothing inherited from this process: a CI run of these tests must not touch its own GITHUB_ENV.
  const env = {
    PATH: [options.path, path.dirname(process.execPath), '/usr/bin', '/bin'].filter(Boolean).join(':'),
    HOME: os.homedir(),
    GITHUB_ACTION_PATH: options.actionPath ?? fakeActionPath(),
    ...files,
    ...stepEnv,
    ...options.env,
  }
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run!], { cwd: work, env, encoding: 'utf8' })
  let record: { argv: string[]; chromium: string | null; summary: string | null } | undefined
  try {
    record = JSON.parse(readFileSync(files.STUB_RECORD, 'utf8'))
  } catch {
    record = undefined
  }
  return { code: result.status, stderr: result.stderr, output: readFileSync(files.GITHUB_OUTPUT, 'utf8'), githubEnv: readFileSync(files.GITHUB_ENV, 'utf8'), record }
}

describe('inputs', () => {
  test('every input the steps read is declared, and every declared input is read', () => {
    const declared = [...action.matchAll(/^ {2}([\w-]+):\n {4}description:/gm)].map((m) => m[1])
    const used = [...new Set([...action.matchAll(/\$\{\{ inputs\.([\w-]+) \}\}/g)].map((m) => m[1]))]
    expect(used.sort()).toEqual(declared.filter((name) => name !== 'exit-code').sort())
  })

  test('the new inputs and their defaults; the exit-code output stays', () => {
    expect(inputDefaults).toMatchObject({ summary: 'true', 'node-version': '22', 'export-chromium': 'false', args: '' })
    expect(action).toMatch(/^outputs:\n {2}exit-code:\n {4}description: .*\n {4}value: \$\{\{ steps\.run\.outputs\.exit-code \}\}$/m)
  })
})

describe('setup and install', () => {
  test('a supported Node, the version an input', () => {
    const setup = actionSteps().find((s) => s.uses?.startsWith('actions/setup-node@'))!
    expect(setup.uses).toBe('actions/setup-node@v4')
    expect(setup.with['node-version']).toBe('${{ inputs.node-version }}')
  })

  test("the npm cache is keyed by the hash of the action's own lockfile, computed before the install", () => {
    const steps = actionSteps()
    const cache = steps.find((s) => s.uses?.startsWith('actions/cache@'))!
    expect(cache.uses).toBe('actions/cache@v4')
    expect(cache.with.path).toBe('~/.npm')
    expect(cache.with.key).toContain('${{ steps.lockfile.outputs.sha256 }}')
    const install = steps.findIndex((s) => s.run?.startsWith('npm ci'))
    expect(steps.indexOf(cache)).toBeLessThan(install)
    expect(steps.findIndex((s) => s.id === 'lockfile')).toBeLessThan(steps.indexOf(cache))

    const actionPath = fakeActionPath()
    const hashed = runStep(step('lockfile'), { actionPath })
    expect(hashed.code).toBe(0)
    expect(hashed.output).toBe(
      `sha256=${createHash('sha256')
        .update(readFileSync(path.join(actionPath, 'package-lock.json')))
        .digest('hex')}\n`,
    )
  })

  test("installs only the runtime dependencies, into the action's own directory", () => {
    expect(actionSteps().find((s) => s.name === 'Install authconform')!.run).toBe('npm ci --omit=dev --prefix "$GITHUB_ACTION_PATH" --no-audit --no-fund')
  })

  test('every shell step parses', () => {
    for (const s of actionSteps().filter((s) => s.run)) {
      expect(s.shell, s.name ?? s.id).toBe('bash')
      execFileSync('bash', ['-n', '-c', s.run!])
    }
  })
})

describe('the run step', () => {
  const run = () => step('run')

  test('passes only flags the CLI accepts', () => {
    const flags = [...run().run!.matchAll(/(?<![\w-])(--[a-z][a-z-]+)/g)].map((m) => m[1]!)
    // The options `authconform run` declares to parseArgs: `config: { type …` or `'fail-on': { type …`.
    const cli = readFileSync(path.join(REPO, 'harness/cli.ts'), 'utf8')
    const accepted = new Set([...cli.matchAll(/^\s+'?([a-z-]+)'?: \{ type: '(?:string|boolean)'/gm)].map((m) => `--${m[1]}`))
    for (const flag of new Set(flags)) expect(accepted, flag).toContain(flag)
    for (const flag of ['--config', '--fail-on', '--sarif', '--html', '--profile', '--expected-failures']) expect(flags).toContain(flag)
  })

  test('passes the inputs as they are, and `args` split like shell words but never globbed or expanded', () => {
    const args = `--only "claims/exp past" --skip claims/* 'two  spaces' $HOME $(touch pwned) "a \\"quoted\\" word" it\\'s ''\n  --suite=keys`
    const result = runStep(run(), {
      inputs: { config: 'my dir/authconform.config.ts', profile: 'EdDSA,HS256', 'expected-failures': 'known gaps.json', args },
      env: { STUB_EXIT: '0' },
    })
    expect(result.stderr).toBe('')
    expect(result.record!.argv).toEqual([
      'run',
      '--config',
      'my dir/authconform.config.ts',
      '--fail-on',
      'low',
      '--sarif',
      'authconform.sarif',
      '--html',
      'authconform-report.html',
      '--profile',
      'EdDSA,HS256',
      '--expected-failures',
      'known gaps.json',
      '--only',
      'claims/exp past',
      '--skip',
      'claims/*',
      'two  spaces',
      '$HOME',
      '$(touch',
      'pwned)',
      'a "quoted" word',
      "it's",
      '',
      '--suite=keys',
    ])
  })

  test('a glob in `args` stays a glob even when files match it', () => {
    const work = scratch('authconform-glob-')
    mkdirSync(path.join(work, 'claims'))
    writeFileSync(path.join(work, 'claims/exp-past'), '')
    const result = runStep({ ...run(), run: `cd ${JSON.stringify(work)}\n${run().run}` }, { inputs: { args: '--only claims/* *' } })
    expect(result.record!.argv.slice(-3)).toEqual(['--only', 'claims/*', '*'])
  })

  test('no args, no extra arguments; optional inputs left empty add no flags', () => {
    expect(runStep(run()).record!.argv).toEqual(['run', '--config', 'authconform.config.ts', '--fail-on', 'low', '--sarif', 'authconform.sarif', '--html', 'authconform-report.html'])
  })

  test('an unclosed quote in `args` is a usage error (exit 2) before anything runs', () => {
    const result = runStep(run(), { inputs: { args: `--only 'claims/exp-past` } })
    expect(result.code).toBe(2)
    expect(result.record).toBeUndefined()
    expect(result.stderr).toMatch(/args input has an unclosed '/)
    expect(result.output).toBe('exit-code=2\n')
  })

  test("authconform's exit code is the step's and the exit-code output", () => {
    for (const code of [0, 1, 3]) {
      const result = runStep(run(), { env: { STUB_EXIT: String(code) } })
      expect(result.code).toBe(code)
      expect(result.output).toBe(`exit-code=${code}\n`)
    }
  })

  test('`summary` reaches the CLI as AUTHCONFORM_GITHUB_SUMMARY', () => {
    expect(runStep(run()).record!.summary).toBe('true')
    expect(runStep(run(), { inputs: { summary: 'false' } }).record!.summary).toBe('false')
  })

  test("the Chromium the deps step found is used; none found leaves the caller's AUTHCONFORM_CHROMIUM alone", () => {
    expect(runStep(run(), { outputs: { 'deps.chromium': '/opt/google/chrome/chrome' } }).record!.chromium).toBe('/opt/google/chrome/chrome')
    expect(runStep(run(), { env: { AUTHCONFORM_CHROMIUM: '/custom/chrome' } }).record!.chromium).toBe('/custom/chrome')
    expect(runStep(run()).record!.chromium).toBeNull()
  })
})

describe('AUTHCONFORM_CHROMIUM stays inside the action', () => {
  /** An action directory whose install-system-deps.sh is a copy of the real one, made to find the runner's Google Chrome. */
  function withRealDepsScript(): { actionPath: string; fakeBin: string } {
    const actionPath = fakeActionPath()
    const script = readFileSync(path.join(REPO, 'bin/install-system-deps.sh'), 'utf8')
    // Here Debian's Chromium may be installed; on GitHub's runners it is not, and Chrome is.
    writeFileSync(path.join(actionPath, 'bin/install-system-deps.sh'), script.replaceAll('/usr/bin/chromium', '/nonexistent/chromium'))
    const fakeBin = scratch('authconform-bin-')
    for (const [name, body] of Object.entries({ 'google-chrome': 'exit 0', openssl: 'exit 0', 'apt-get': 'echo "apt-get must not run here" >&2; exit 97', sudo: 'exit 97' })) {
      writeFileSync(path.join(fakeBin, name), `#!/bin/sh\n${body}\n`)
      chmodSync(path.join(fakeBin, name), 0o755)
    }
    return { actionPath, fakeBin }
  }

  test('by default it is a step output, not written to GITHUB_ENV', () => {
    const { actionPath, fakeBin } = withRealDepsScript()
    const deps = runStep(step('deps'), { actionPath, path: fakeBin })
    expect(deps.code, deps.stderr).toBe(0)
    expect(deps.githubEnv).toBe('')
    expect(deps.output).toBe(`chromium=${path.join(fakeBin, 'google-chrome')}\n`)
    // …and the run step, given that output, hands it to authconform.
    const chromium = /^chromium=(.*)$/m.exec(deps.output)![1]!
    expect(runStep(step('run'), { outputs: { 'deps.chromium': chromium } }).record!.chromium).toBe(chromium)
  })

  test("`export-chromium: true` also exports it to the job's later steps", () => {
    const { actionPath, fakeBin } = withRealDepsScript()
    const deps = runStep(step('deps'), { actionPath, path: fakeBin, inputs: { 'export-chromium': 'true' } })
    expect(deps.code, deps.stderr).toBe(0)
    expect(deps.githubEnv).toBe(`AUTHCONFORM_CHROMIUM=${path.join(fakeBin, 'google-chrome')}\n`)
  })

  test("nothing found (Debian's Chromium present, or the caller set it), nothing exported", () => {
    const { actionPath, fakeBin } = withRealDepsScript()
    const deps = runStep(step('deps'), { actionPath, path: fakeBin, inputs: { 'export-chromium': 'true' }, env: { AUTHCONFORM_CHROMIUM: '/custom/chrome' } })
    expect(deps.code, deps.stderr).toBe(0)
    expect(deps.githubEnv).toBe('')
    expect(deps.output).toBe('chromium=\n')
  })
})
