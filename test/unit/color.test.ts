import { Writable } from 'node:stream'
import tty from 'node:tty'
import { describe, expect, test } from 'vitest'
import { colorWanted, type ColorStream } from '../../harness/report/color.ts'
import { createProgress } from '../../harness/report/progress.ts'
import { colorWanted as colorWantedOfTerminal } from '../../harness/report/terminal.ts'
import { explainCase } from '../../harness/explain.ts'
import { CATALOGUE } from '../../suites/catalogue/index.ts'
import { caseResult } from './support.ts'

/** Streams as Node makes them: a terminal answers hasColors with Node's own reading of the env. */
const terminal: ColorStream = { isTTY: true, hasColors: tty.WriteStream.prototype.hasColors }
const monochromeTerminal: ColorStream = { isTTY: true, hasColors: () => false }
const pipe: ColorStream = {}
const COLOR_TERM = { TERM: 'xterm-256color' }

describe('colorWanted', () => {
  test.each(['', '1', '2', '3', 'true'])('FORCE_COLOR=%j turns colour on, even into a pipe and against NO_COLOR', (value) => {
    expect(colorWanted(pipe, { FORCE_COLOR: value })).toBe(true)
    expect(colorWanted(pipe, { FORCE_COLOR: value, NO_COLOR: '1', TERM: 'dumb' })).toBe(true)
  })

  test.each(['0', 'false'])('FORCE_COLOR=%j turns colour off, even on a colour terminal', (value) => {
    expect(colorWanted(terminal, { ...COLOR_TERM, FORCE_COLOR: value })).toBe(false)
  })

  test('a non-empty NO_COLOR turns colour off', () => {
    expect(colorWanted(terminal, { ...COLOR_TERM, NO_COLOR: '1' })).toBe(false)
  })

  test('an empty NO_COLOR does not (no-color.org), though Node alone would read it as off', () => {
    expect(colorWanted(terminal, { ...COLOR_TERM, NO_COLOR: '' })).toBe(true)
  })

  test('NODE_DISABLE_COLORS, set to anything, turns colour off', () => {
    expect(colorWanted(terminal, { ...COLOR_TERM, NODE_DISABLE_COLORS: '' })).toBe(false)
    expect(colorWanted(terminal, { ...COLOR_TERM, NODE_DISABLE_COLORS: '1' })).toBe(false)
  })

  test('TERM=dumb turns colour off', () => {
    expect(colorWanted({ isTTY: true, hasColors: () => true }, { TERM: 'dumb' })).toBe(false)
  })

  test('otherwise: a terminal that has colours gets them; a pipe or a monochrome terminal does not', () => {
    expect(colorWanted(terminal, COLOR_TERM)).toBe(true)
    expect(colorWanted(monochromeTerminal, COLOR_TERM)).toBe(false)
    expect(colorWanted({ isTTY: true }, COLOR_TERM)).toBe(false)
    expect(colorWanted(pipe, COLOR_TERM)).toBe(false)
    expect(colorWanted({ isTTY: false, hasColors: () => true }, COLOR_TERM)).toBe(false)
  })

  test('reads process.env by default, and the CLI still finds it in terminal.ts', () => {
    expect(colorWantedOfTerminal).toBe(colorWanted)
    expect(colorWanted(pipe)).toBe(colorWanted(pipe, process.env))
  })
})

describe('every coloured output follows it', () => {
  test('progress lines take their colour from the stream when not told', () => {
    let written = ''
    const pipeStream = new Writable({
      write(chunk, _encoding, done) {
        written += String(chunk)
        done()
      },
    })
    const stream = Object.assign(pipeStream, { isTTY: false })
    const progress = createProgress(stream, { mode: 'plain' })
    progress.plan({ claims: 1 })
    progress.result(caseResult({ id: 'claims/exp-past', verdict: 'fail' }))
    // A pipe is no terminal: only FORCE_COLOR (which a test runner may set) can colour it.
    expect(written).toBe(colorWanted(stream) ? 'claims    1/1  \x1b[31m1 fail\x1b[0m\n' : 'claims    1/1  1 fail\n')
  })

  test('explain is plain text without colour and bold headings with it', () => {
    expect(explainCase('claims/exp-past', CATALOGUE, { color: false })).not.toMatch(/\x1b\[/)
    expect(explainCase('claims/exp-past', CATALOGUE, { color: true })).toContain('\x1b[1mclaims/exp-past\x1b[0m')
  })
})
