import { existsSync } from 'node:fs'
import path from 'node:path'
import { createRequire, register } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { randomUUID } from 'node:crypto'
import { AuthconformError, errorMessage } from '../core/errors.ts'
import { PACKAGE_ROOT } from '../paths.ts'
import { compiledIndex, importCompiledConfig } from './compile-config.ts'
import { resolveConfig, type ConfigOverrides } from './resolve.ts'
import type { ResolvedConfig, UserConfig } from './schema.ts'

// Importing a config file is this module's job; resolving what it says is resolve.ts's. The CLI
// and the run take these with loadConfig: ConfigOverrides is its input, selectedProfiles reads its output.
export { selectedProfiles, type ConfigOverrides } from './resolve.ts'

export const CONFIG_FILE_NAMES = ['authconform.config.ts', 'authconform.config.mts', 'authconform.config.js', 'authconform.config.mjs']

export function findConfigFile(cwd: string): string | undefined {
  return CONFIG_FILE_NAMES.map((name) => path.join(cwd, name)).find((file) => existsSync(file))
}

/**
 * A config file imports `defineConfig` from 'authconform'; run through npx (or from a checkout),
 * the project holding the file may not have the package installed. While the config loads, a
 * resolve hook points the bare name at this very package, so the import works wherever the
 * file lives. Module hooks cannot be removed, only switched off: one left on would slow every
 * later import of the run (vitest, Better Auth, Playwright) for nothing.
 */
let selfResolveSwitch: Int32Array | undefined

function resolveAuthconformToSelf(): () => void {
  // The running CLI's own entry (an installed package's dist/index.js), so the config shares its modules.
  const running = compiledIndex()
  const entry = running ? fileURLToPath(running) : path.join(PACKAGE_ROOT, 'harness/index.ts')
  if (!selfResolveSwitch) {
    // The switch is shared memory: the hooks thread sees it flip at once, with no message to race.
    const hooks = `let entry, on
    export function initialize(data) { entry = data.entry; on = data.on }
    export async function resolve(specifier, context, next) { return next(Atomics.load(on, 0) && specifier === 'authconform' ? entry : specifier, context) }`
    selfResolveSwitch = new Int32Array(new SharedArrayBuffer(4))
    register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { entry: pathToFileURL(entry).href, on: selfResolveSwitch } })
    // tsx compiles a .ts config outside an ESM package to CommonJS, whose require() the hook
    // above does not see: map the name there too.
    const Module = createRequire(import.meta.url)('node:module') as { _resolveFilename(request: string, ...rest: unknown[]): string }
    const resolveFilename = Module._resolveFilename
    Module._resolveFilename = function (request: string, ...rest: unknown[]) {
      return resolveFilename.call(this, request === 'authconform' ? entry : request, ...rest)
    }
  }
  Atomics.store(selfResolveSwitch, 0, 1)
  return () => Atomics.store(selfResolveSwitch!, 0, 0)
}

export async function importConfigFile(file: string): Promise<UserConfig> {
  if (!existsSync(file)) {
    throw new AuthconformError('ERR_CONFIG_NOT_FOUND', `config file ${file} does not exist: pass --config <path> or create authconform.config.ts (see README)`)
  }
  try {
    // Run from its build, the CLI compiles the config with esbuild; otherwise tsx loads it.
    const index = compiledIndex()
    const mod = (index && (await importCompiledConfig(file, index))) || (await importWithTsx(file))
    let config = mod.default as { default?: unknown } | undefined
    // A CommonJS-style default may come wrapped once more.
    if (config && typeof config === 'object' && 'default' in config && !('target' in config)) config = config.default as typeof config
    if (config === undefined) {
      throw new AuthconformError('ERR_CONFIG_INVALID', `config file ${file} has no default export: write \`export default defineConfig({ target: … })\``)
    }
    return config as UserConfig
  } catch (error) {
    if (error instanceof AuthconformError) throw error
    // An install without optional dependencies (npm --omit=optional) lacks esbuild's binary:
    // the install is at fault, not the config.
    const platformPackage = /The package "(@esbuild\/[^"]+)" could not be found/.exec(errorMessage(error))?.[1]
    if (platformPackage) {
      throw new AuthconformError('ERR_DEPENDENCY_MISSING', `esbuild's binary package ${platformPackage} is not installed (optional dependencies omitted?): reinstall authconform without --omit=optional`, { cause: error })
    }
    throw new AuthconformError('ERR_CONFIG_INVALID', `config file ${file} could not be loaded: ${errorMessage(error).split('\n')[0]}`, { cause: error })
  }
}

/** tsx compiles the user's TypeScript config without a build step; its hooks are scoped to this import and switched off after it. */
async function importWithTsx(file: string): Promise<{ default?: unknown }> {
  const selfResolveOff = resolveAuthconformToSelf()
  const { register: registerTsx } = await import('tsx/esm/api')
  const tsx = registerTsx({ namespace: `authconform-config-${randomUUID()}` })
  try {
    return await tsx.import(pathToFileURL(file).href, import.meta.url)
  } finally {
    selfResolveOff()
    await tsx.unregister()
  }
}

/** The config file (named, else found in `cwd`), imported and resolved with the overrides; no file: the flags alone. */
export async function loadConfig(options: { configPath?: string; cwd?: string; overrides?: ConfigOverrides }): Promise<ResolvedConfig> {
  const cwd = options.cwd ?? process.cwd()
  const file = options.configPath ? path.resolve(cwd, options.configPath) : findConfigFile(cwd)
  if (!file && !options.overrides?.targetUrl && !options.overrides?.targetApp) {
    throw new AuthconformError('ERR_CONFIG_NOT_FOUND', `no authconform.config.ts in ${cwd} and no --target-url or --target-app: pass --config <file>, --target-url <url>, --target-app <module#export>, or --example node-good`)
  }
  const config = file ? await importConfigFile(file) : undefined
  return resolveConfig(config, options.overrides, file)
}
