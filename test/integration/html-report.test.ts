import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { chromiumPath } from '../../harness/environment/browser.ts'
import { PROFILES } from '../../harness/core/profiles.ts'
import { renderHtml } from '../../harness/report/html.ts'
import type { Evidence } from '../../harness/core/verdict.ts'
import { caseResult, resultDocument } from '../unit/support.ts'

/**
 * The rendered report in real Chromium (Debian's, never a downloaded one), opened from a
 * file as a user would: it must load nothing, render the matrix, expand, filter, copy, and
 * never run what the target under test put in its answer.
 */
const PAYLOAD = `</script><img src=x onerror="window.__pwned=true"><script>window.__pwned=true</script>`
const REQUEST: Evidence['request'] = { method: 'GET', url: 'http://127.0.0.1:8000/api/me', headers: { Authorization: 'Bearer eyJ…(300 chars)' } }
const HUGE_CURL = `curl -sS -i 'http://127.0.0.1:8000/api/me' -H 'Authorization: Bearer ${'x'.repeat(1024 * 1024)}'`
const FAILING = ['signature/alg-none-lower', 'malformed/one-megabyte']

const CASES = [
  ...PROFILES.map((profile) => caseResult({ id: 'baseline/valid-token', profile, verdict: 'pass', severity: 'critical' })),
  ...PROFILES.map((profile) =>
    profile === 'HS256' || profile === 'PS256'
      ? caseResult({
          id: 'signature/alg-none-lower',
          profile,
          verdict: 'fail',
          severity: 'critical',
          reason: `accepted: answered 200 ${PAYLOAD}`,
          evidence: { request: REQUEST, status: 200, bodyHead: PAYLOAD, responseHeaders: { 'x-evil': PAYLOAD }, ms: 7 },
          curl: `curl -sS -i 'http://127.0.0.1:8000/api/me' -H 'Authorization: Bearer eyJhbGciOiJub25lIn0.e30.' # ${PAYLOAD}`,
        })
      : caseResult({ id: 'signature/alg-none-lower', profile, verdict: 'pass', severity: 'critical' }),
  ),
  caseResult({ id: 'malformed/one-megabyte', profile: 'EdDSA', verdict: 'fail', severity: 'medium', reason: 'answered 500', evidence: { request: REQUEST, status: 500, ms: 40 }, curl: HUGE_CURL }),
  caseResult({ id: 'malformed/one-megabyte', profile: 'ES256', verdict: 'error', severity: 'medium', reason: 'target did not answer', evidence: { request: REQUEST, dropped: 'ECONNRESET', ms: 3 } }),
  ...(['RS256', 'PS256', 'HS256'] as const).map((profile) => caseResult({ id: 'malformed/one-megabyte', profile, verdict: 'pass', severity: 'medium' })),
  ...PROFILES.map((profile) =>
    caseResult({ id: 'key-confusion/hs256-jwk', profile, verdict: profile === 'HS256' ? 'skip' : 'pass', severity: 'critical', reason: profile === 'HS256' ? 'HS256 has no public key to confuse' : 'rejected: answered 401' }),
  ),
  caseResult({
    id: 'cors/allowed-origin-reads',
    profile: 'EdDSA',
    verdict: 'warn',
    severity: 'low',
    reason: 'the page reads the answer only without credentials',
    steps: [
      { label: 'Chromium page at http://localhost:3000 calls GET /api/me', request: REQUEST, browser: 'a page at http://localhost:3000 read 200' },
      { label: 'preflight from http://localhost:3000', request: { method: 'OPTIONS', url: 'http://127.0.0.1:8000/api/me', headers: { Origin: 'http://localhost:3000' } }, status: 204, ms: 2 },
    ],
  }),
]
const DOCUMENT = resultDocument(CASES, { profiles: [...PROFILES] })
const EXPECTED: Record<string, string[]> = {
  'baseline/valid-token': ['pass', 'pass', 'pass', 'pass', 'pass'],
  'signature/alg-none-lower': ['pass', 'pass', 'pass', 'fail', 'fail'],
  'malformed/one-megabyte': ['fail', 'error', 'pass', 'pass', 'pass'],
  'key-confusion/hs256-jwk': ['pass', 'pass', 'pass', 'pass', 'skip'],
  'cors/allowed-origin-reads': ['warn', '—', '—', '—', '—'],
}

let dir: string
let fileUrl: string
let browser: Browser
let context: BrowserContext
let page: Page
const requests: string[] = []
const consoleErrors: string[] = []

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-html-'))
  const file = path.join(dir, 'report.html')
  writeFileSync(file, renderHtml(DOCUMENT))
  fileUrl = pathToFileURL(file).href
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] })
  page = await context.newPage()
  page.on('request', (request) => requests.push(request.url()))
  page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())))
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`))
  await page.goto(fileUrl, { waitUntil: 'load' })
})

afterAll(async () => {
  await browser?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const visibleRows = () => page.$$eval('#matrix tr.case', (rows) => rows.filter((r) => (r as HTMLElement).offsetParent !== null).map((r) => (r as HTMLElement).dataset.case))
const visibleFindings = () => page.$$eval('.findings details.finding', (items) => items.filter((d) => !(d as HTMLElement).hidden).map((d) => (d as HTMLElement).dataset.verdict))

describe('the HTML report in Chromium', () => {
  test('the page makes no request but for its own file', async () => {
    await page.waitForTimeout(300)
    expect(requests).toEqual([fileUrl])
  })

  test('the diagnoses come first: a screenshot, and the sections in that order on the page', async () => {
    const shot = await page.screenshot({ fullPage: true, path: path.join(dir, 'report.png') })
    expect(shot.subarray(1, 4).toString()).toBe('PNG')
    const top = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((element) => element.getBoundingClientRect().top + window.scrollY)
    const order = [await top('header.top'), await top('#diagnoses'), await top('#comparison'), await top('#matrix'), await top('.findings')]
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(new Set(order).size).toBe(order.length)
    expect(await page.locator('#diagnoses article.diagnosis').first().isVisible()).toBe(true)
    expect(await page.locator('#diagnoses article.diagnosis h3').first().innerText()).toMatch(/alg "none" is accepted/)
    // The diagnoses are on the first screen, above the fold of a 900-pixel window.
    expect(await top('#diagnoses')).toBeLessThan(900)
  })

  test('the matrix has a cell per case and profile, with the verdict as class and text and the reason as tooltip', async () => {
    const headers = await page.$$eval('#matrix thead th.cell', (ths) => ths.map((th) => th.textContent))
    expect(headers).toEqual([...PROFILES])
    const cells = await page.$$eval('#matrix tr.case', (rows) =>
      Object.fromEntries(rows.map((r) => [(r as HTMLElement).dataset.case, Array.from(r.querySelectorAll('td.cell')).map((td) => [td.className.replace('cell ', ''), (td as HTMLElement).innerText.trim()])])),
    )
    expect(Object.keys(cells)).toEqual(Object.keys(EXPECTED))
    for (const [id, verdicts] of Object.entries(EXPECTED)) expect(cells[id], id).toEqual(verdicts.map((v) => [v === '—' ? 'v-none' : `v-${v}`, v]))
    const failCell = page.locator('#matrix tr[data-case="signature/alg-none-lower"] td[data-profile="HS256"]')
    expect(await failCell.getAttribute('title')).toBe(`HS256: fail — accepted: answered 200 ${PAYLOAD}`)
    const colours = await page.$$eval('#matrix tr[data-case="malformed/one-megabyte"] td.cell', (tds) => tds.map((td) => getComputedStyle(td).backgroundColor))
    expect(new Set(colours).size, 'fail, error and pass cells are coloured differently').toBe(3)
  })

  test('the hostile body is shown as text and never runs', async () => {
    await page.click('#expand')
    await page.waitForTimeout(300)
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined()
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.locator('script').count()).toBe(1)
    const body = page.locator('.finding[data-verdict="fail"] pre.body').first()
    expect(await body.innerText()).toBe(PAYLOAD)
    await page.click('#collapse')
  })

  test("clicking a failure's summary expands it and shows its evidence and curl", async () => {
    const finding = page.locator('details.finding[data-verdict="fail"]', { hasText: 'signature/alg-none-lower' }).first()
    expect(await finding.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false)
    expect(await finding.locator('pre.curl').isVisible()).toBe(false)
    await finding.locator('summary').click()
    expect(await finding.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true)
    expect(await finding.locator('pre.curl').isVisible()).toBe(true)
    expect(await finding.locator('pre.curl').innerText()).toContain("curl -sS -i 'http://127.0.0.1:8000/api/me'")
    expect(await finding.locator('a.ref').first().getAttribute('href')).toBe('https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4')
    await finding.locator('summary').click()
  })

  test('a matrix cell opens its finding; steps and browser evidence are shown in order', async () => {
    await page.click('#matrix tr[data-case="cors/allowed-origin-reads"] td[data-profile="EdDSA"] a')
    const finding = page.locator('details.finding[data-verdict="warn"]')
    await expect.poll(() => finding.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true)
    expect(await finding.locator('.step-label').allInnerTexts()).toEqual(['Chromium page at http://localhost:3000 calls GET /api/me', 'preflight from http://localhost:3000'])
    expect(await finding.innerText()).toContain('a page at http://localhost:3000 read 200')
  })

  test('the 1 MB replay shows its head only, and Copy copies all of it', async () => {
    const finding = page.locator('details.finding', { hasText: 'malformed/one-megabyte' }).filter({ has: page.locator('.profile', { hasText: 'EdDSA' }) })
    await finding.locator('summary').click()
    const shown = await finding.locator('pre.curl').innerText()
    expect(shown).toBe(`${HUGE_CURL.slice(0, 4000)}…`)
    expect(await finding.locator('.note').innerText()).toBe(`Showing the first 4,000 of ${HUGE_CURL.length.toLocaleString('en-US')} characters; Copy copies the whole command.`)
    expect(await finding.evaluate((d) => d.getBoundingClientRect().height)).toBeLessThan(1200)
    const button = finding.locator('button.copy')
    await button.click()
    await expect.poll(() => button.innerText()).toBe('Copied')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(HUGE_CURL)
  })

  test('without the clipboard API, Copy falls back and the page does not break', async () => {
    await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true }))
    const finding = page.locator('details.finding', { hasText: 'signature/alg-none-lower' }).first()
    await finding.locator('summary').click()
    const button = finding.locator('button.copy')
    await button.click()
    await expect.poll(() => button.innerText()).toMatch(/^(Copied|Copy failed: select the text)$/)
    await finding.locator('summary').click()
  })

  test('filters hide and show matrix rows and findings; the count follows', async () => {
    await page.click('#reset')
    expect(await visibleRows()).toEqual(Object.keys(EXPECTED))
    for (const verdict of ['pass', 'warn', 'skip', 'error']) await page.uncheck(`input[name="verdict"][value="${verdict}"]`)
    expect(await visibleRows()).toEqual(FAILING)
    expect(new Set(await visibleFindings())).toEqual(new Set(['fail']))
    expect(await page.locator('#shown').innerText()).toBe('Showing 2 of 5 cases · 3 of 6 findings')
    expect(await page.locator('#matrix tr[data-case="signature/alg-none-lower"] td[data-profile="EdDSA"]').getAttribute('class')).toContain('dim')

    await page.uncheck('input[name="severity"][value="critical"]')
    expect(await visibleRows()).toEqual(['malformed/one-megabyte'])
    await page.uncheck('input[name="suite"][value="malformed"]')
    expect(await visibleRows()).toEqual([])
    expect(await page.locator('#no-findings').isVisible()).toBe(true)

    await page.click('#reset')
    expect(await visibleRows()).toEqual(Object.keys(EXPECTED))
    expect(await page.locator('#shown').innerText()).toBe('Showing 5 of 5 cases · 6 of 6 findings')
  })

  test('printing hides the filters and the copy buttons', async () => {
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('.filter-section').isVisible()).toBe(false)
    expect(await page.locator('button.copy').first().isVisible()).toBe(false)
    await page.emulateMedia({ media: 'screen' })
  })

  test('no console errors (a CSP violation would be one), and still no request; a screenshot for the eye', async () => {
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: '/tmp/authconform-html-report.png', fullPage: true })
    expect(consoleErrors).toEqual([])
    expect(requests).toEqual([fileUrl])
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined()
  })
})
