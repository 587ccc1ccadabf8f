import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'

/**
 * What one CLI run may leave behind, found precisely even when other runs share the machine:
 * every process it starts inherits a marker in its environment, and its temp files go into a
 * private TMPDIR. After the run, a process still carrying the marker or a file still in that
 * TMPDIR is an orphan.
 */
export interface Scope {
  env: Record<string, string>
  /** What is still there; then removes the private TMPDIR (call once, after the run). */
  leftovers(): string[]
}

const MARKER = 'AUTHCONFORM_TEST_SCOPE'

export function newScope(): Scope {
  const id = randomUUID()
  const tmpdir = mkdtempSync(path.join(os.tmpdir(), 'authconform-scope-'))
  // Embedded Postgres runs as the `postgres` user under root and must reach its data dir.
  chmodSync(tmpdir, 0o755)
  return {
    env: { [MARKER]: id, TMPDIR: tmpdir },
    leftovers() {
      const found = processesMarked(`${MARKER}=${id}`).map((p) => `process ${p}`)
      // Kept in TMPDIR on purpose: tsx's compile cache (tsx-<uid>) and the PostgreSQL binaries the
      // server user can reach (authconform-postgres-<version>-<uid>); anything else is a leak.
      for (const entry of readdirSync(tmpdir)) if (!/^(tsx-\d+|authconform-postgres-.+-\d+)$/.test(entry)) found.push(`temp ${path.join(tmpdir, entry)}`)
      rmSync(tmpdir, { recursive: true, force: true })
      return found
    },
  }
}

function processesMarked(needle: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(needle)) continue
      found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim()}`)
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found
}
