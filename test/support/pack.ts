import { execFile, execFileSync } from 'node:child_process'
import { cpSync, existsSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { REPO } from './cli.ts'

export const exec = promisify(execFile)

/**
 * `npm pack` (prepack builds dist/) of the files a clean clone would have, uncommitted edits
 * included, from a copy so the checkout never holds a dist/. Returns the tarball's path in `work`.
 */
export async function packCheckout(work: string): Promise<string> {
  const source = path.join(work, 'source')
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean)
  for (const file of files) if (existsSync(path.join(REPO, file))) cpSync(path.join(REPO, file), path.join(source, file), { recursive: true })
  symlinkSync(path.join(REPO, 'node_modules'), path.join(source, 'node_modules'))
  const packed = await exec('npm', ['pack', '--json', '--pack-destination', work], { cwd: source, maxBuffer: 16 << 20 })
  return path.join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename)
}
