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
  /** What `interrupt.first` threw, if anything. */
  interruptError?: unknown
  /** Processes and temp files of this run still present (call after it ended). */
  leftovers(): string[]
}

/** Runs the real CLI as a user would, in its own process. */
export interface CliOptions {
  env?: Record<string, string>
  timeoutMs?: number
  /** Another authconform executable (an installed package's); default this checkout's. */
  bin?: string
  cwd?: string
  /**
   * Once the output so far matches `when`: runs `first` (checks against the live process; its
   * error lands in `interruptError`), then sends `signal` — a long-running command, an interrupt.
   */
  interrupt?: { when: RegExp; signal: NodeJS.Signals; first?: (output: string) => Promise<void> }
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const started = Date.now()
  const scope = newScope()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, NO_COLOR: '1', ...scope.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let interrupted = false
    let interruptError: unknown
    const maybeInterrupt = () => {
      const interrupt = options.interrupt
      if (!interrupt || interrupted || !interrupt.when.test(stdout + stderr)) return
      interrupted = true
      void (interrupt.first?.(stdout + stderr) ?? Promise.resolve()).catch((error) => (interruptError = error)).finally(() => child.kill(interrupt.signal))
    }
    child.stdout.on('data', (d) => {
      stdout += d
      maybeInterrupt()
    })
    child.stderr.on('data', (d) => {
      stderr += d
      maybeInterrupt()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      // Checked the moment the CLI has exited: by then it must have stopped everything it started.
      const found = scope.leftovers()
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, interruptError, leftovers: () => found })
    })
  })
}
