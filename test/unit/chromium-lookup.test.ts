import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { findChromium } from '../../harness/environment/browser.ts'

const made: string[] = []
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

/** A fresh directory of fake browsers: each name a file, executable unless told otherwise. */
function bin(names: string[], options: { executable?: boolean } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-chromium-'))
  made.push(dir)
  for (const name of names) {
    const file = path.join(dir, name)
    writeFileSync(file, '#!/bin/sh\n')
    chmodSync(file, options.executable === false ? 0o644 : 0o755)
  }
  return dir
}

const PATH = (...dirs: string[]) => dirs.join(path.delimiter)
/** A fallback that does not exist: the tests see only the PATH they build. */
const NO_FALLBACK = '/nonexistent/authconform/chromium'

describe('findChromium', () => {
  test('AUTHCONFORM_CHROMIUM wins over everything on PATH', () => {
    const chosen = path.join(bin(['my-chromium']), 'my-chromium')
    expect(findChromium({ AUTHCONFORM_CHROMIUM: chosen, PATH: bin(['chromium']) }, NO_FALLBACK)).toEqual({ executable: chosen })
  })

  test('AUTHCONFORM_CHROMIUM that does not exist is an error, not a fall-through to PATH', () => {
    expect(findChromium({ AUTHCONFORM_CHROMIUM: '/nonexistent/chromium', PATH: bin(['chromium']) }, NO_FALLBACK)).toEqual({
      error: 'Chromium not found at /nonexistent/chromium: apt-get install chromium (or set AUTHCONFORM_CHROMIUM to its path)',
    })
  })

  test('AUTHCONFORM_CHROMIUM that is not executable, or a directory, is an error naming it', () => {
    const file = path.join(bin(['chromium'], { executable: false }), 'chromium')
    expect(findChromium({ AUTHCONFORM_CHROMIUM: file }, NO_FALLBACK)).toEqual({ error: `AUTHCONFORM_CHROMIUM=${file} is not an executable file: point it at the Chromium binary, or unset it to search PATH` })
    const dir = bin([])
    expect(findChromium({ AUTHCONFORM_CHROMIUM: dir }, NO_FALLBACK)).toHaveProperty('error', expect.stringContaining(`AUTHCONFORM_CHROMIUM=${dir} is not an executable file`))
  })

  test('on PATH, the names are tried in order: chromium, chromium-browser, google-chrome, google-chrome-stable', () => {
    const chrome = bin(['google-chrome-stable', 'google-chrome'])
    const browser = bin(['chromium-browser'])
    expect(findChromium({ PATH: PATH(chrome, browser) }, NO_FALLBACK)).toEqual({ executable: path.join(browser, 'chromium-browser') })
    expect(findChromium({ PATH: PATH(chrome) }, NO_FALLBACK)).toEqual({ executable: path.join(chrome, 'google-chrome') })
    expect(findChromium({ PATH: PATH(bin(['google-chrome-stable'])) }, NO_FALLBACK)).toHaveProperty('executable', expect.stringMatching(/google-chrome-stable$/))
  })

  test('for one name, the first PATH directory that has it wins; a non-executable file is passed over', () => {
    const [first, second] = [bin(['chromium']), bin(['chromium'])]
    expect(findChromium({ PATH: PATH(first, second) }, NO_FALLBACK)).toEqual({ executable: path.join(first, 'chromium') })
    const unusable = bin(['chromium'], { executable: false })
    expect(findChromium({ PATH: PATH(unusable, second) }, NO_FALLBACK)).toEqual({ executable: path.join(second, 'chromium') })
  })

  test("Debian's /usr/bin/chromium comes last, when PATH has none", () => {
    const debian = bin(['chromium'])
    const fallback = path.join(debian, 'chromium')
    expect(findChromium({ PATH: bin(['unrelated']) }, fallback)).toEqual({ executable: fallback })
    expect(findChromium({ PATH: bin(['google-chrome']) }, fallback)).toHaveProperty('executable', expect.stringMatching(/google-chrome$/))
  })

  test('none found: one line naming what was searched and the fix', () => {
    const empty = bin([])
    mkdirSync(path.join(empty, 'chromium')) // a directory of that name is no browser
    const result = findChromium({ PATH: empty }, NO_FALLBACK)
    expect(result).toEqual({
      error: `Chromium not found: searched PATH for chromium, chromium-browser, google-chrome, google-chrome-stable and ${NO_FALLBACK}: apt-get install chromium (or set AUTHCONFORM_CHROMIUM to its path)`,
    })
    expect(findChromium({}, NO_FALLBACK)).toEqual(result)
  })
})
