import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { runCli as runCliOnce, type CliRun } from '../support/cli.ts'
import { closedPort, expectOneLineError } from '../support/cli-output.ts'
import { writeConfig } from '../support/config-file.ts'

/**
 * Bad input ends with one line naming the problem and the fix, the documented exit code,
 * no stack trace, and nothing left running.
 */
const ROUTES = { me: 'GET /api/me' }

/** Every run here must also leave nothing behind. */
async function runCli(...args: Parameters<typeof runCliOnce>): Promise<CliRun> {
  const run = await runCliOnce(...args)
  expect(run.leftovers(), 'left behind').toEqual([])
  return run
}

describe('usage and config errors exit 2', () => {
  test('unknown top-level key is named', async () => {
    const config = writeConfig({ target: { url: 'http://127.0.0.1:1', routes: ROUTES }, suits: ['claims'] })
    const run = await runCli(['run', '--config', config])
    expect(run.code).toBe(2)
    expectOneLineError(run.stderr, /unknown key "suits"/)
  })

  test('unknown nested key is named with its path', async () => {
    const config = writeConfig({ target: { url: 'http://127.0.0.1:1', routes: { ...ROUTES, mee: 'GET /x' } } })
    const run = await runCli(['run', '--config', config])
    expect(run.code).toBe(2)
    expectOneLineError(run.stderr, /unknown key "target\.routes\.mee"/)
  })

  test('malformed route names the key and the syntax', async () => {
    const config = writeConfig({ target: { url: 'http://127.0.0.1:1', routes: { me: 'FETCH api/me' } } })
    const run = await runCli(['run', '--config', config])
    expect(run.code).toBe(2)
    expectOneLineError(run.stderr, /target\.routes\.me: must be "METHOD \/path"/)
  })

  test('CORS disabled while listing allowed origins names both keys', async () => {
    const cors = { enabled: false, allowedOrigins: ['http://localhost:3000'] }
    const config = writeConfig({ target: { command: 'node server.mjs', routes: ROUTES, cors } })
    const run = await runCli(['run', '--config', config])
    expect(run.code).toBe(2)
    expectOneLineError(run.stderr, /target\.cors\.enabled is false .* but target\.cors\.allowedOrigins lists browser origins: remove one of the two keys/)
  })

  test('unknown case id suggests near ones', async () => {
    const config = writeConfig({ target: { url: 'http://127.0.0.1:1', routes: ROUTES } })
    const run = await runCli(['run', '--config', config, '--issuer-port', '4545', '--only', 'claims/exp-pastt'])
    expect(run.code).toBe(2)
    expectOneLineError(run.stderr, /unknown case id "claims\/exp-pastt": did you mean .*claims\/exp-past/)
  })

  test('unknown flag', async () => {
    const run = await runCli(['run', '--tarket-url', 'http://x'])
    expect(run.code).toBe(2)
    expectOneLineError(run.stderr, /tarket-url.*--help/)
  })

  test('two targets on the command line', async () => {
    const run = await runCli(['run', '--target-url', 'http://127.0.0.1:1', '--target-app', './app.mjs#createApp'])
    expect(run.code).toBe(2)
    expectOneLineError(run.stderr, /--target-url and --target-app name two targets: give one/)
  })

  test('config file with a syntax error', async () => {
    const config = writeConfig(undefined, 'export default { target: \n')
    const run = await runCli(['run', '--config', config])
    expect(run.code).toBe(2)
    expectOneLineError(run.stderr, /could not be loaded/)
  })

  test('missing config file', async () => {
    const run = await runCli(['run', '--config', '/nonexistent/authconform.config.ts'])
    expect(run.code).toBe(2)
    expectOneLineError(run.stderr, /does not exist/)
  })
})

describe('environment errors exit 3 and stop what started', () => {
  test('unreachable target url', async () => {
    const [targetPort, issuerPort] = [await closedPort(), await closedPort()]
    const config = writeConfig({ target: { url: `http://127.0.0.1:${targetPort}`, routes: ROUTES } })
    const run = await runCli(['run', '--config', config, '--issuer-port', String(issuerPort), '--runtime', 'embedded'])
    expect(run.code).toBe(3)
    expectOneLineError(run.stderr, /target http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\): start it/)
  })

  test('a Node target missing an npm package names the package and the install', async () => {
    const config = writeConfig({ target: { command: `node --input-type=module -e "import 'authconform-no-such-package'"`, routes: ROUTES } })
    const run = await runCli(['run', '--config', config, '--runtime', 'embedded'])
    expect(run.code).toBe(3)
    expectOneLineError(run.stderr, /the npm package authconform-no-such-package is missing: npm install authconform-no-such-package/)
  })

  test('target command that exits at start shows its last output lines', async () => {
    const config = writeConfig({ target: { command: 'echo "booting authconform-test"; echo "config missing" >&2; exit 7', routes: ROUTES } })
    const run = await runCli(['run', '--config', config, '--runtime', 'embedded'])
    expect(run.code).toBe(3)
    expectOneLineError(run.stderr, /target command exited \(exit code 7\) before it was ready/)
    expect(run.stderr).toContain('  | booting authconform-test')
    expect(run.stderr).toContain('  | config missing')
  })

  test('every report asked for is still written, naming the cause', async () => {
    const config = writeConfig({ target: { command: 'echo "config missing" >&2; exit 7', routes: ROUTES } })
    const out = path.join(path.dirname(config), 'reports')
    const files = { json: path.join(out, 'result.json'), junit: path.join(out, 'junit.xml'), sarif: path.join(out, 'result.sarif'), html: path.join(out, 'report.html') }
    const run = await runCli(['run', '--config', config, '--runtime', 'embedded', '--json', files.json, '--junit', files.junit, '--sarif', files.sarif, '--html', files.html])
    expect(run.code).toBe(3)
    expectOneLineError(run.stderr, /target command exited \(exit code 7\) before it was ready/)
    const document = JSON.parse(readFileSync(files.json, 'utf8'))
    expect(document).toMatchObject({ exitCode: 3, cases: [], error: { code: 'ERR_TARGET_START', message: expect.stringMatching(/^target command exited \(exit code 7\) before it was ready/) } })
    expect(document.error.details).toContain('config missing')
    const junit = readFileSync(files.junit, 'utf8')
    expect(junit).toContain('<testsuites name="authconform" tests="1" failures="0" errors="1" skipped="0"')
    expect(junit).toMatch(/<testcase classname="authconform" name="environment"[^>]*>\s*<error message="target command exited \(exit code 7\) before it was ready[^"]*\[ERR_TARGET_START\]" type="ERR_TARGET_START">[^<]*config missing/)
    const sarif = JSON.parse(readFileSync(files.sarif, 'utf8')).runs[0].invocations[0]
    expect(sarif.executionSuccessful).toBe(false)
    expect(sarif.toolExecutionNotifications[0].message.text).toMatch(/the environment could not start: target command exited/)
    expect(readFileSync(files.html, 'utf8')).toMatch(/DID NOT RUN<\/span><span>exit code 3 · the environment could not start: target command exited/)
  })

  test('target that never becomes ready is stopped', async () => {
    const config = writeConfig({
      target: { command: 'exec node -e "setInterval(() => {}, 1000)" authconform-never-ready', ready: '/health', readyTimeoutMs: 1500, routes: ROUTES },
    })
    const run = await runCli(['run', '--config', config, '--runtime', 'embedded'])
    expect(run.code).toBe(3)
    expectOneLineError(run.stderr, /target never became ready: GET \/health did not answer 2xx within 1500 ms \(last: ECONNREFUSED\)/)
  })

  test('missing Python names the install', async () => {
    const config = writeConfig({ target: { command: '/nonexistent/python3 -m uvicorn app:app --port $PORT', routes: ROUTES } })
    const run = await runCli(['run', '--config', config, '--runtime', 'embedded'])
    expect(run.code).toBe(3)
    expectOneLineError(run.stderr, /exit code 127.*is the program installed/)
  })

  test('Python without the FastAPI packages names the Debian packages', async () => {
    const config = writeConfig({ target: { command: 'python3 -c "import uvicorn_missing_module_for_test" 2>&1 | sed s/uvicorn_missing_module_for_test/uvicorn/; exit 1', routes: ROUTES } })
    const run = await runCli(['run', '--config', config, '--runtime', 'embedded'])
    expect(run.code).toBe(3)
    expectOneLineError(run.stderr, /apt-get install python3-fastapi python3-uvicorn python3-jwt/)
  })

  test('database URL that refuses connections', async () => {
    const config = writeConfig({ target: { command: 'node -e ""', routes: ROUTES } })
    const run = await runCli(['run', '--config', config, '--database-url', `postgres://u:secret@127.0.0.1:${await closedPort()}/db`])
    expect(run.code).toBe(3)
    expectOneLineError(run.stderr, /cannot connect to --database-url postgres:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/db: .*ECONNREFUSED/)
    expect(run.stderr).not.toContain('secret')
  })

  test('--runtime docker without a container runtime', async () => {
    const config = writeConfig({ target: { command: 'node -e ""', routes: ROUTES } })
    const run = await runCli(['run', '--config', config, '--runtime', 'docker'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } })
    expect(run.code).toBe(3)
    expectOneLineError(run.stderr, /--runtime docker: no container runtime answered .*DOCKER_HOST.*--runtime embedded/)
  })
})
