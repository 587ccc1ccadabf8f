import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { decodeJwt } from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import type { ResultDocument } from '../../harness/report/document.ts'
import { runCli, type CliRun } from '../support/cli.ts'

/** One real run against a flawed target, read through every report format. */
describe('reports of a run against node-expired-leeway (EdDSA + ES256)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-reports-'))
  const jsonFile = path.join(dir, 'out/result.json')
  const junitFile = path.join(dir, 'out/junit.xml')
  const htmlFile = path.join(dir, 'out/report.html')
  const sarifFile = path.join(dir, 'out/result.sarif')
  let run: CliRun
  let document: ResultDocument

  beforeAll(async () => {
    // The keys scenarios wait for caches and prove nothing about report formats: skipped here.
    run = await runCli(['run', '--example', 'node-expired-leeway', '--profile', 'EdDSA,ES256', '--skip', 'keys', '--json', jsonFile, '--junit', junitFile, '--html', htmlFile, '--sarif', sarifFile], {
      env: { GITHUB_ACTIONS: 'true' },
    })
    document = JSON.parse(readFileSync(jsonFile, 'utf8'))
  })

  test('exits 1 because high-severity cases fail', () => {
    expect(run.code).toBe(1)
  })

  test('the JSON document has the documented shape and consistent counts', () => {
    expect(document.schemaVersion).toBe(1)
    expect(document.tool.name).toBe('authconform')
    expect(document.profiles).toEqual(['EdDSA', 'ES256'])
    expect(document.runtime.postgres).toMatch(/^(embedded|docker|url)$/)
    expect(document.target.command).toBe('node server.mjs')
    const failed = document.cases.filter((c) => c.verdict === 'fail')
    expect(failed.map((c) => `${c.id} ${c.profile}`).sort()).toEqual(['claims/exp-past', 'claims/exp-past-beyond-leeway', 'claims/nbf-future'].flatMap((id) => [`${id} EdDSA`, `${id} ES256`]).sort())
    expect(document.summary.failed).toBe(6)
    expect(document.summary.total).toBe(document.cases.length)
    expect(document.summary.passed + document.summary.failed + document.summary.warned + document.summary.skipped + document.summary.errored).toBe(document.summary.total)
    expect(document.summary.failedBySeverity.high).toBe(2)
    expect(document.exitCode).toBe(1)
  })

  test('a failure carries evidence and a curl that replays the forged token', () => {
    const expired = document.cases.find((c) => c.id === 'claims/exp-past' && c.profile === 'EdDSA')!
    expect(expired.evidence!.status).toBe(200)
    expect(expired.evidence!.request.headers.Authorization).toMatch(/^Bearer eyJ.{50,}…\(\d+ chars\)$/)
    expect(expired.evidence!.bodyHead).toContain('"user"')
    expect(expired.refs).toContain('RFC7519-4.1.4')
    const token = /Authorization: Bearer ([\w-]+\.[\w-]+\.[\w-]*)'/.exec(expired.curl!)![1]!
    const claims = decodeJwt(token)
    expect(claims.exp).toBeLessThan(Date.now() / 1000 - 3000)
    expect(expired.curl).toMatch(/^curl -sS -i 'http:\/\/127\.0\.0\.1:\d+\/api\/me' -H 'Authorization: Bearer /i)
  })

  test('JUnit XML has one testcase per case x profile and the six failures', () => {
    const xml = readFileSync(junitFile, 'utf8')
    expect(xml.match(/<testcase /g)).toHaveLength(document.cases.length)
    expect(xml.match(/<failure /g)).toHaveLength(6)
    expect(xml).toContain(`<testsuites name="authconform" tests="${document.cases.length}" failures="6" errors="0"`)
    expect(xml).toMatch(/<testsuite name="claims \[ES256\]"/)
  })

  test('HTML and SARIF are written from the same document', () => {
    const html = readFileSync(htmlFile, 'utf8')
    expect(html).toMatch(/^<!doctype html>/i)
    for (const c of document.cases.filter((r) => r.verdict === 'fail')) expect(html).toContain(c.id)
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8'))
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0].automationDetails.id).toBe('authconform/node-expired-leeway/')
    expect(sarif.runs[0].results.filter((r: { level: string }) => r.level === 'error')).toHaveLength(6)
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('fixtures/targets/node-expired-leeway/authconform.config.ts')
  })

  test('on GitHub Actions each failure is an annotation on the config file, before the report', () => {
    const annotations = run.stdout.split('\n').filter((line) => line.startsWith('::error '))
    expect(annotations).toHaveLength(6)
    expect(annotations[0]).toMatch(/^::error file=fixtures\/targets\/node-expired-leeway\/authconform\.config\.ts,line=1,title=authconform claims\/exp-past \[EdDSA\] high::/)
    expect(run.stdout.indexOf('::error ')).toBeLessThan(run.stdout.indexOf('Failures'))
  })

  test('the terminal report lists failures with replay commands and ends with the summary', () => {
    expect(run.stdout).toContain('Failures')
    expect(run.stdout).toMatch(/FAIL \[high\] claims\/exp-past \(EdDSA\)/)
    expect(run.stdout).toMatch(/replay: +curl -sS -i /)
    const s = document.summary
    expect(run.stdout.trim().split('\n').pop()).toBe(`${s.passed} passed, ${s.failed} failed, ${s.warned} warned, ${s.skipped} skipped, ${s.errored} errored`)
    expect(run.stdout).not.toMatch(/\x1b\[/)
  })
})

test('explain prints the case, why it matters, references and fixes in three libraries', async () => {
  const explained = await runCli(['explain', 'claims/exp-past'])
  expect(explained.code).toBe(0)
  expect(explained.stdout).toContain('https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4')
  for (const library of ['PyJWT', 'python-jose', 'jose']) expect(explained.stdout).toContain(library)
  const unknown = await runCli(['explain', 'claims/exp-pst'])
  expect(unknown.code).toBe(2)
  expect(unknown.stderr).toMatch(/unknown case id "claims\/exp-pst": did you mean claims\/exp-past/)
})

describe('--fail-on gates the exit code by severity', () => {
  test('failures below the threshold exit 0, and JUnit shows them as passing testcases that carry the finding', async () => {
    const junitFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'authconform-reports-')), 'junit.xml')
    const args = ['run', '--example', 'node-expired-leeway', '--profile', 'EdDSA', '--suite', 'claims', '--junit', junitFile]
    const gated = await runCli([...args, '--fail-on', 'critical'])
    expect(gated.stdout).toMatch(/3 failed/)
    expect(gated.code).toBe(0)
    const xml = readFileSync(junitFile, 'utf8')
    expect(xml).not.toContain('<failure')
    expect(xml).toMatch(/<testsuites name="authconform" tests="\d+" failures="0" errors="0"/)
    expect(xml.match(/<property name="authconform.verdict" value="fail"\/>/g)).toHaveLength(3)
    expect(xml.match(/<system-out>FAIL \(below --fail-on critical: does not fail the run\)/g)).toHaveLength(3)
  })
})
