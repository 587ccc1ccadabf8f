import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { CATALOGUE } from '../suites/catalogue/index.ts'
import { loadConfig, type ConfigOverrides } from './config/load.ts'
import type { ResultDocument } from './report/document.ts'
import { Cleanup } from './environment/cleanup.ts'
import { AuthconformError, EXIT } from './core/errors.ts'
import { renderGithubAnnotations } from './report/github.ts'
import { createProgress } from './report/progress.ts'
import { colorWanted, renderTerminal, renderTimings } from './report/terminal.ts'
import { interrupt } from './interrupt.ts'
import { PACKAGE_ROOT, PACKAGE_VERSION } from './paths.ts'
import { printable } from './core/text.ts'
import { RUNTIMES } from './core/runtimes.ts'

const COMMANDS = `authconform — conformance tests for backends that verify Better Auth JWTs

Usage:
  authconform run [options]        start the reference issuer, run the suites, report
  authconform list                 print the catalogue (id, severity, refs)
  authconform explain <case-id>    what a case does, why it matters, how to fix it (PyJWT, python-jose, jose)
  authconform issuer [options]     run the reference issuer alone for local development
  authconform init [options]       write authconform.config.ts, routes guessed from OpenAPI
  authconform <command> --help     a command's options
  authconform --version            the installed version`

const RUN_OPTIONS = `Run options:
  --config <file>          authconform.config.ts (default: ./authconform.config.{ts,mts,js,mjs})
  --example <name>         use a bundled reference target (${listExamples().join(', ')})
  --target-url <url>       a running backend (needs --issuer-port and one --profile)
  --target-app <m#export>  a Node app or factory (env) => app to build in process (target.app)
  --me-route "GET /path"   the authenticated route (default from config, else "GET /api/me")
  --profile <alg>          EdDSA, ES256, RS256, PS256; repeat or comma-separate (default: target.profiles)
  --suite <name>           run only these suites (repeatable)
  --only <case-id>         run only these cases (repeatable)
  --skip <case-id>         skip these cases (repeatable)
  --json <file>            write the JSON result document
  --junit <file>           write JUnit XML
  --html <file>            write a self-contained HTML report
  --sarif <file>           write SARIF 2.1.0 (GitHub code scanning)
  --fail-on <severity>     critical|high|medium|low|info: lowest failing severity that exits 1 (default low)
  --expected-failures <f>  JSON [{ id, profile?, reason }]: known gaps that do not fail the run
  --baseline <file>        an earlier run's --json document: mark each result new, fixed or unchanged
  --fail-on-new            with --baseline: only failures new since it exit 1
  --quiet                  no progress, no matrix: failures, errors and the summary line
  --verbose                also every case's reason
  --timings                where the time went (environment, vitest, cases, cleanup, reports) on stderr
  --runtime <kind>         ${RUNTIMES.join('|')}: where PostgreSQL runs (default auto)
  --database-url <url>     use an existing PostgreSQL (one fresh database per profile)
  --issuer-port <port>     fixed issuer port (default: a free one)
  --lanes                  keys suite: a removal and each JWKS fault wait for their refetch side
                           by side, on four more target instances per JWKS profile (keys.lanes)
  -h, --help               this text

Exit codes: 0 all cases pass; 1 a failure at/above --fail-on or a case that errored;
2 usage or config error; 3 the environment could not start; 4 internal error (a bug in
authconform: please report it); 130/143 interrupted.
DEBUG=authconform* prints diagnostics.`

const USAGE = `${COMMANDS}\n\n${RUN_OPTIONS}`
const RUN_USAGE = `Usage: authconform run [options]\n\nStarts the reference issuer on PostgreSQL, the target, and runs the selected suites against it.\n\n${RUN_OPTIONS}`
const LIST_USAGE = `Usage: authconform list

Prints every case of the catalogue: its id, severity and references (RFC sections, advisories).
Select cases for a run with --suite, --only and --skip; \`authconform explain <case-id>\` tells more.`
const EXPLAIN_USAGE = `Usage: authconform explain <case-id>

What the case sends, why it matters, how to replay it and how to fix it in PyJWT, python-jose
and jose. \`authconform list\` prints the case ids.`

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h')

/** A command's usage on stdout; exit 0. */
function printUsage(text: string): number {
  process.stdout.write(text + '\n')
  return EXIT.ok
}

function listExamples(): string[] {
  const dir = path.join(PACKAGE_ROOT, 'fixtures/targets')
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((name) => existsSync(path.join(dir, name, 'authconform.config.ts')))
}

const list = (values: string[] | undefined) =>
  values
    ?.flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)

async function runCommand(args: string[]): Promise<number> {
  if (wantsHelp(args)) return printUsage(RUN_USAGE)
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      config: { type: 'string' },
      example: { type: 'string' },
      'target-url': { type: 'string' },
      'target-app': { type: 'string' },
      'me-route': { type: 'string' },
      profile: { type: 'string', multiple: true },
      suite: { type: 'string', multiple: true },
      only: { type: 'string', multiple: true },
      skip: { type: 'string', multiple: true },
      json: { type: 'string' },
      junit: { type: 'string' },
      html: { type: 'string' },
      sarif: { type: 'string' },
      'expected-failures': { type: 'string' },
      quiet: { type: 'boolean' },
      lanes: { type: 'boolean' },
      baseline: { type: 'string' },
      'fail-on-new': { type: 'boolean' },
      verbose: { type: 'boolean' },
      timings: { type: 'boolean' },
      'fail-on': { type: 'string' },
      runtime: { type: 'string' },
      'database-url': { type: 'string' },
      'issuer-port': { type: 'string' },
    },
  })
  let configPath = values.config
  if (values.example) {
    if (!listExamples().includes(values.example)) {
      throw new AuthconformError('ERR_USAGE', `unknown example "${values.example}": choose from ${listExamples().join(', ')}`)
    }
    configPath = path.join(PACKAGE_ROOT, 'fixtures/targets', values.example, 'authconform.config.ts')
  }
  if (values['target-url'] && values['target-app']) throw new AuthconformError('ERR_USAGE', '--target-url and --target-app name two targets: give one')
  const port = values['issuer-port']
  if (port !== undefined && !/^\d+$/.test(port)) throw new AuthconformError('ERR_USAGE', `--issuer-port must be a number, got "${port}"`)
  const overrides: ConfigOverrides = {
    targetUrl: values['target-url'],
    targetApp: values['target-app'],
    meRoute: values['me-route'],
    profiles: list(values.profile),
    suites: list(values.suite),
    only: list(values.only),
    skip: list(values.skip),
    json: values.json,
    junit: values.junit,
    html: values.html,
    sarif: values.sarif,
    expectedFailures: values['expected-failures'],
    failOn: values['fail-on'],
    runtime: values.runtime,
    databaseUrl: values['database-url'],
    issuerPort: port === undefined ? undefined : Number(port),
    lanes: values.lanes,
    baseline: values.baseline,
    failOnNew: values['fail-on-new'],
  }
  if (values.quiet && values.verbose) throw new AuthconformError('ERR_USAGE', '--quiet and --verbose contradict each other: pick one')
  const config = await loadConfig({ configPath, overrides })
  const detail = values.quiet ? 'quiet' : values.verbose ? 'verbose' : 'normal'
  const progress = createProgress(process.stderr, {
    color: colorWanted(process.stderr),
    mode: detail === 'quiet' ? 'off' : process.stderr.isTTY ? 'live' : 'plain',
  })
  // vitest and Better Auth load only when a run really starts: errors and `list` stay instant.
  const [{ runConformance }, { CATALOGUE }] = await Promise.all([import('./run.ts'), import('../suites/catalogue/index.ts')])
  let document: ResultDocument
  try {
    document = await runConformance(config, CATALOGUE, {
      runtime: (_kind, reason) => detail !== 'quiet' && process.stderr.write(`runtime: ${reason}\n`),
      plan: (totals) => progress.plan(totals),
      result: (result) => progress.result(result),
      interrupted: (partial) => {
        progress.finish()
        process.stdout.write(renderTerminal(partial, { color: colorWanted(process.stdout), detail: 'quiet' }))
      },
    })
  } finally {
    progress.finish()
  }
  // Annotations first: the summary line stays the last line of the output.
  if (process.env.GITHUB_ACTIONS === 'true') {
    process.stdout.write(renderGithubAnnotations(document))
    // The job summary page; the Action's `summary: false` sets AUTHCONFORM_GITHUB_SUMMARY=false.
    // Loaded only when a summary is written; all of it lives in this block.
    const summaryFile = process.env.GITHUB_STEP_SUMMARY
    if (summaryFile && !/^(false|0|no|off)$/i.test(process.env.AUTHCONFORM_GITHUB_SUMMARY ?? '')) {
      const [{ appendFile }, { renderGithubSummary }] = await Promise.all([import('node:fs/promises'), import('./report/github.ts')])
      // The verdicts and the exit code matter more than the summary page: never crash for it.
      await appendFile(summaryFile, renderGithubSummary(document)).catch((error: NodeJS.ErrnoException) => process.stderr.write(`authconform: could not write the job summary to ${summaryFile}: ${error.code ?? error.message}\n`))
    }
  }
  if (values.timings) process.stderr.write(renderTimings(document))
  process.stdout.write(renderTerminal(document, { color: colorWanted(process.stdout), detail }))
  return document.exitCode
}

function listCommand(args: string[]): number {
  if (wantsHelp(args)) return printUsage(LIST_USAGE)
  if (args.length) throw new AuthconformError('ERR_USAGE', `list takes no arguments, got "${args.join(' ')}" (authconform list --help)`)
  const { cases } = CATALOGUE
  const width = Math.max(...cases.map((c) => c.id.length))
  for (const c of cases) process.stdout.write(`${c.id.padEnd(width + 2)}${c.severity.padEnd(10)}${c.refs.join(', ')}\n`)
  process.stdout.write(`${cases.length} cases\n`)
  return EXIT.ok
}

async function explainCommand(args: string[]): Promise<number> {
  if (wantsHelp(args)) return printUsage(EXPLAIN_USAGE)
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new AuthconformError('ERR_USAGE', 'explain takes one case id, e.g. authconform explain claims/exp-past (authconform list shows all)')
  const [{ explainCase }, { CATALOGUE }] = await Promise.all([import('./explain.ts'), import('../suites/catalogue/index.ts')])
  process.stdout.write(explainCase(args[0]!, CATALOGUE, { color: colorWanted(process.stdout) }))
  return EXIT.ok
}

function reportError(error: unknown): number {
  // Errors thrown inside vitest's globalSetup come from another module instance: revive by code.
  const known = AuthconformError.revive(error)
  if (known) {
    process.stderr.write(`authconform: ${known.message} [${known.code}]\n`)
    for (const line of known.details) process.stderr.write(`  | ${printable(line)}\n`)
    return known.exitCode
  }
  const code = (error as { code?: string }).code
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`authconform: ${(error as Error).message} (authconform --help lists the options)\n`)
    return EXIT.usage
  }
  process.stderr.write(`authconform: internal error (exit ${EXIT.internal}; please report it with this output): ${(error as Error)?.stack ?? String(error)}\n`)
  return EXIT.internal
}

function onSignal(signal: 'SIGINT' | 'SIGTERM', code: number) {
  let stopping = false
  // `on`, not `once`: a signal-exit listener (a dependency's) re-raises the signal when it finds
  // itself the last listener, which a spent `once` would make it, killing the cleanup midway.
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    process.stderr.write(`authconform: ${signal}: stopping everything started…\n`)
    const force = setTimeout(() => process.exit(code), 5000)
    force.unref()
    // The partial report first (a few ms), then everything started is stopped.
    void interrupt(signal)
      .then(() => Cleanup.disposeAll())
      .finally(() => process.stdout.write('', () => process.exit(code)))
  })
}

export async function main(argv: string[]): Promise<number> {
  onSignal('SIGINT', EXIT.sigint)
  onSignal('SIGTERM', EXIT.sigterm)
  const [command, ...rest] = argv
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE + '\n')
      return command ? EXIT.ok : EXIT.usage
    }
    if (command === '--version' || command === '-v' || command === 'version') return printUsage(PACKAGE_VERSION)
    if (command === 'run') return await runCommand(rest)
    if (command === 'list') return listCommand(rest)
    if (command === 'issuer') return await (await import('./issuer-command.ts')).issuerCommand(rest)
    if (command === 'init') return await (await import('./init/command.ts')).initCommand(rest)
    if (command === 'explain') return await explainCommand(rest)
    throw new AuthconformError('ERR_USAGE', `unknown command "${command}": use run, list, explain, issuer or init (authconform --help)`)
  } catch (error) {
    return reportError(error)
  }
}
