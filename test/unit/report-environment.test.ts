import { describe, expect, test } from 'vitest'
import type { ResultDocument } from '../../harness/report/document.ts'
import { renderHtml } from '../../harness/report/html.ts'
import { REPLAY_NOTE } from '../../harness/report/replay.ts'
import { renderSarif } from '../../harness/report/sarif.ts'
import { renderTerminal } from '../../harness/report/terminal.ts'
import { caseResult, resultDocument } from './support.ts'

/** What the reports say about the run's environment: which Chromium ran, replays that outlive it, one that never started. */

const CURL = "curl -sS -i 'http://127.0.0.1:41234/api/me' -H 'Authorization: Bearer eyJ.forged.sig'"
const withReplays = resultDocument([
  caseResult({ id: 'claims/exp-past', verdict: 'fail', curl: CURL }),
  caseResult({ id: 'claims/iat-future', verdict: 'fail', curl: CURL }),
  caseResult({ id: 'baseline/www-authenticate', verdict: 'warn', severity: 'low' }),
])

const FAILED: ResultDocument = {
  ...resultDocument([]),
  runtime: { postgres: 'none', reason: 'the environment could not start' },
  error: { code: 'ERR_TARGET_START', message: 'target command exited (exit code 7) before it was ready', details: ['booting', 'config <missing>'] },
  exitCode: 3,
}

describe('the replay note', () => {
  test('says the port and token are gone and how to replay, with the real command and flag', () => {
    expect(REPLAY_NOTE).toMatch(/gone after the run/)
    expect(REPLAY_NOTE).toContain('`authconform issuer --port <port>`')
    expect(REPLAY_NOTE).toContain('--issuer-port')
    expect(REPLAY_NOTE).toMatch(/re-mint the token/)
  })

  test('the terminal says it once in a section with replays, not per case, and not where there are none', () => {
    const out = renderTerminal(withReplays, { color: false })
    expect(out.match(/note: replays use/g)).toHaveLength(1)
    expect(out).toContain(`\nFailures\n  note: ${REPLAY_NOTE}\nFAIL [high] claims/exp-past`)
    expect(out.match(/^ {4}replay: {3}curl/gm)).toHaveLength(2)
    const noReplays = renderTerminal(resultDocument([caseResult({ id: 'claims/exp-past', verdict: 'fail' })]), { color: false })
    expect(noReplays).not.toContain('note: replays')
  })

  test('the HTML report says it next to each replay', () => {
    const html = renderHtml(withReplays)
    // Two findings' replays, and the diagnosis's strongest evidence carries one of them again.
    const replays = html.match(/<div class="replay">/g) ?? []
    expect(replays.length).toBeGreaterThanOrEqual(2)
    expect(html.match(/<p class="hint replay-note">replays use this run&#39;s token/g)).toHaveLength(replays.length)
    expect(html).toContain('`authconform issuer --port &lt;port&gt;`')
  })
})

describe('which Chromium ran', () => {
  const browser = { executable: '/usr/bin/chromium', version: '131.0.6778.85' }

  test('the terminal names it in one line at the top (not in quiet mode)', () => {
    const document = { ...withReplays, browser }
    expect(renderTerminal(document, { color: false }).split('\n')[0]).toBe('browser: Chromium 131.0.6778.85 at /usr/bin/chromium')
    expect(renderTerminal(document, { color: false, detail: 'quiet' })).not.toContain('browser:')
    expect(renderTerminal(withReplays, { color: false })).not.toContain('browser:')
  })

  test('the HTML summary names it, or why none ran', () => {
    expect(renderHtml({ ...withReplays, browser })).toContain('<dt>Browser</dt><dd>Chromium 131.0.6778.85 <code>/usr/bin/chromium</code></dd>')
    const missing = renderHtml({ ...withReplays, browser: { error: 'Chromium not found: searched PATH for chromium' } })
    expect(missing).toContain('<dt>Browser</dt><dd><span class="muted">none</span> <span class="muted">— Chromium not found: searched PATH for chromium</span></dd>')
  })
})

describe('an environment that never started still gets its reports', () => {
  test('SARIF: the run did not execute successfully, and its notification is the cause with its detail lines', () => {
    const invocation = JSON.parse(renderSarif(FAILED)).runs[0].invocations[0]
    expect(invocation.executionSuccessful).toBe(false)
    expect(invocation.exitCode).toBe(3)
    expect(invocation.toolExecutionNotifications).toEqual([
      { level: 'error', message: { text: 'the environment could not start: target command exited (exit code 7) before it was ready [ERR_TARGET_START]\nbooting\nconfig <missing>' }, descriptor: { id: 'ERR_TARGET_START' } },
    ])
  })

  test('HTML: the cause is the status line and the page, escaped; no empty matrix and no script', () => {
    const html = renderHtml(FAILED)
    expect(html).toContain('<title>authconform did not run — 127.0.0.1:8000</title>')
    expect(html).toContain('<span class="status-word">DID NOT RUN</span><span>exit code 3 · the environment could not start: target command exited (exit code 7) before it was ready [ERR_TARGET_START]</span>')
    expect(html).toContain('<pre>booting\nconfig &lt;missing&gt;</pre>')
    expect(html).not.toContain('id="matrix"')
    expect(html).not.toContain('<script>')
  })

  test('terminal: the cause and its detail lines before the summary', () => {
    const out = renderTerminal(FAILED, { color: false, detail: 'quiet' })
    expect(out).toBe('\nenvironment error: target command exited (exit code 7) before it was ready [ERR_TARGET_START]\n  | booting\n  | config <missing>\n\n0 passed, 0 failed, 0 warned, 0 skipped, 0 errored\n')
  })
})
