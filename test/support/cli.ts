import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { newScope } from './leftovers.ts'

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = path.join(REPO, 'bin/authconform.mjs')

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
  /** Processes and temp files of this run still present (call after it ended). */
  leftovers(): string[]
}

/** Runs the real CLI as a user would, in its own process. */
export function runCli(args: string[], options: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<CliRun> {
  const started = Date.now()
  const scope = newScope()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, NO_COLOR: '1', ...scope.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      // Checked the moment the CLI has exited: by then it must have stopped everything it started.
      const found = scope.leftovers()
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, leftovers: () => found })
    })
  })
}
