import { existsSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline/promises'
import { parseArgs } from 'node:util'
import { AuthconformError, errorMessage, EXIT } from '../core/errors.ts'
import { PROFILES } from '../core/profiles.ts'
import { mapEnvNames } from './env-names.ts'
import { MAX_FILES, scanSource } from './env-scan.ts'
import { fetchOpenApi, type Guess, guessRoutes, OPENAPI_PATHS } from './openapi.ts'
import { renderConfig } from './render.ts'

export const INIT_USAGE = `Usage: authconform init [--target-url http://127.0.0.1:8000] [--command "…"] [--dir .] [--profile EdDSA]
                        [--issuer-port 4545] [--out authconform.config.ts] [--force]

Writes a commented authconform.config.ts. With --target-url it reads the backend's OpenAPI
document (/openapi.json, as FastAPI serves it) and guesses routes.me and routes.resource
(a caller's id in the path, /api/{user_id}/tasks, becomes {sub}). It reads the backend's
source under --dir (default: here; .env.example and code, never .env) for the environment
variables it reads, and maps those it recognises onto what authconform injects (target.env).
On a terminal it asks for what the flags leave open; elsewhere it asks nothing.`

const PROBE_ORIGIN = 'http://localhost:3000'

/**
 * A preflight as a Next.js page at localhost:3000 would send it. A backend that answers it
 * with no Access-Control-* header at all has no CORS layer: nothing in a browser calls it.
 */
export async function probeCors(baseURL: string, probePath: string): Promise<Guess['cors']> {
  try {
    const response = await fetch(new URL(probePath, baseURL), {
      method: 'OPTIONS',
      headers: { origin: PROBE_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      signal: AbortSignal.timeout(3000),
    })
    await response.body?.cancel()
    // Any Access-Control-* header shows a CORS layer, even one that does not allow this origin.
    let corsLayer = false
    response.headers.forEach((_value, name) => (corsLayer ||= name.startsWith('access-control-')))
    if (corsLayer) return { browserCalls: true, why: `a preflight from ${PROBE_ORIGIN} was answered with CORS headers` }
    return { browserCalls: false, why: `a preflight from ${PROBE_ORIGIN} got no CORS headers` }
  } catch {
    return undefined // unreachable: say nothing rather than guess
  }
}

async function ask(question: string, fallback: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = (await rl.question(`${question} [${fallback}] `)).trim()
    return answer || fallback
  } finally {
    rl.close()
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory()
  } catch {
    return false
  }
}

export async function initCommand(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'target-url': { type: 'string' },
      command: { type: 'string' },
      dir: { type: 'string' },
      profile: { type: 'string' },
      'issuer-port': { type: 'string' },
      out: { type: 'string', default: 'authconform.config.ts' },
      force: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    out.write(INIT_USAGE + '\n')
    return EXIT.ok
  }
  const file = path.resolve(values.out)
  if (existsSync(file) && !values.force) throw new AuthconformError('ERR_USAGE', `${values.out} exists: pass --force to overwrite it, or --out <file>`)
  const dir = path.resolve(values.dir ?? '.')
  if (!isDirectory(dir)) throw new AuthconformError('ERR_USAGE', `--dir must be the backend's directory, got "${values.dir}" (not a directory)`)
  // A terminal may answer questions; CI and pipes never wait for one.
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY)
  let targetUrl = values['target-url']
  if (!targetUrl && !values.command && interactive) targetUrl = await ask('URL of your running backend (to read its OpenAPI document)', 'http://127.0.0.1:8000')
  const profile = values.profile ?? (interactive ? await ask(`signing profile your backend verifies (${PROFILES.join(', ')})`, 'EdDSA') : 'EdDSA')
  if (!PROFILES.includes(profile as never)) throw new AuthconformError('ERR_USAGE', `--profile must be one of ${PROFILES.join(', ')}, got "${profile}"`)
  const port = values['issuer-port']
  if (port !== undefined && !/^\d+$/.test(port)) throw new AuthconformError('ERR_USAGE', `--issuer-port must be a number, got "${port}"`)
  if (targetUrl) {
    try {
      new URL(targetUrl)
    } catch {
      throw new AuthconformError('ERR_USAGE', `--target-url must be a URL like http://127.0.0.1:8000, got "${targetUrl}"`)
    }
  }

  let guess: Guess = {}
  if (targetUrl) {
    const openApi = await fetchOpenApi(targetUrl).catch((error) => {
      process.stderr.write(`authconform: could not read an OpenAPI document: ${errorMessage(error)}\n`)
      return undefined
    })
    if (openApi) guess = { ...guessRoutes(openApi.document), source: openApi.url }
    else process.stderr.write(`authconform: ${targetUrl} serves no OpenAPI document (tried ${OPENAPI_PATHS.join(', ')}): routes are placeholders to edit\n`)
    // Any route behind the CORS layer will do; {sub} needs a value, not a real user.
    const probed = (guess.me?.route ?? guess.resource?.list)?.split(' ')[1]?.replaceAll('{sub}', 'authconform')
    guess.cors = await probeCors(targetUrl, probed ?? '/')
  }
  if (interactive && !guess.cors) {
    const browser = await ask('does a browser frontend call this backend directly (not only server to server)? y/n', 'y')
    guess.cors = /^n/i.test(browser) ? { browserCalls: false, why: 'you said only servers call it' } : { browserCalls: true, why: 'you said a browser calls it' }
  }

  const scan = scanSource(dir)
  if (scan.truncated) process.stderr.write(`authconform: read only the first ${MAX_FILES} files under ${dir} for env names: pass --dir <your backend's folder>\n`)
  const mapping = mapEnvNames(scan.names)
  // The command runs where the backend is: a --dir other than the config's own becomes target.cwd.
  const fromConfig = path.relative(path.dirname(file), dir).split(path.sep).join('/')
  const cwd = values.command && values.dir !== undefined && fromConfig ? (fromConfig.startsWith('.') ? fromConfig : `./${fromConfig}`) : undefined
  writeFileSync(file, renderConfig({ targetUrl, command: values.command, profile, issuerPort: port ? Number(port) : undefined, guess, source: { scan, mapping }, cwd }))

  const found = [guess.me && `me ${guess.me.route}`, guess.resource && `resource ${guess.resource.list}`].filter(Boolean).join(', ')
  const lines = [`wrote ${path.relative(process.cwd(), file) || file}${found ? ` (from ${guess.source}: ${found})` : ''}`]
  if (mapping.mapped.length) lines.push(`env: ${mapping.mapped.map((m) => `${m.name} ← ${m.value} (${m.where})`).join(', ')}`)
  if (mapping.unmapped.length) lines.push(`env not mapped (no value of authconform's): ${mapping.unmapped.map((u) => u.name).join(', ')}`)
  for (const hint of scan.jwksPaths) lines.push(`jwks: the backend fetches ${hint.path} (${hint.where}): see the comment above issuer`)
  out.write(`${lines.join('\n')}\nnext: review it, then npx authconform run\n`)
  return EXIT.ok
}
