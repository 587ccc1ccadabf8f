import net from 'node:net'
import { expect } from 'vitest'

/** A frame of a stack trace: a user must never see one for an error they can act on. */
export const STACK_FRAME = /\n\s+at .+:\d+:\d+/

/**
 * stderr is exactly one `authconform: … [ERR_…]` line matching `pattern` (plus the `runtime:`
 * line and `  | ` detail lines), and no stack trace.
 */
export function expectOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('runtime:') && !l.startsWith('  |'))
  expect(lines, stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^authconform: /)
  expect(lines[0]).toMatch(pattern)
  expect(stderr).not.toMatch(STACK_FRAME)
}

/** The last non-empty line of the output (the run's summary line). */
export const lastLine = (output: string) => output.trim().split('\n').at(-1)

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  const { port } = server.address() as net.AddressInfo
  await new Promise((r) => server.close(r))
  return port
}
