import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Writes a plain-object config (as a user's .mjs) into a fresh temp dir; returns its path. */
export function writeConfig(config: unknown, body?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-config-'))
  const file = path.join(dir, 'authconform.config.mjs')
  writeFileSync(file, body ?? `export default ${JSON.stringify(config, null, 2)}\n`)
  return file
}
