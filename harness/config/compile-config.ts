import { randomBytes } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { isBuiltin } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { cacheSubdir } from '../paths.ts'

/** Set by bin/authconform.mjs when the CLI runs from its esbuild build (bin/compiled-harness.mjs). */
const COMPILED_INDEX = Symbol.for('authconform.compiled-index')

export function compiledIndex(): string | undefined {
  return (globalThis as Record<symbol, unknown>)[COMPILED_INDEX] as string | undefined
}

/**
 * The config file (and the local files it imports) as one ES module, by esbuild: no module
 * hooks stay behind to slow the rest of the run. 'authconform' is the running CLI's own build;
 * any other package is resolved from the config's directory, as Node would. Returns the
 * module's exports, or undefined where the cache dir cannot be written.
 */
export async function importCompiledConfig(file: string, index: string): Promise<{ default?: unknown } | undefined> {
  const dir = cacheSubdir('configs')
  if (!dir) return undefined
  const { build, stop } = await import('esbuild')
  // esbuild's service is a child process that outlives the build: stopped at once, it cannot be
  // left behind in the run's process group at exit (the next build starts a new one).
  const result = await build({
    entryPoints: [file],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // What a config may ask of its own location (the file's, even in a local module it imports).
    define: {
      'import.meta.url': JSON.stringify(pathToFileURL(file).href),
      __dirname: JSON.stringify(path.dirname(file)),
      __filename: JSON.stringify(file),
    },
    plugins: [
      {
        name: 'packages-where-the-config-is',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^[^./]/ }, async ({ path: specifier, kind, resolveDir, pluginData }) => {
            if (pluginData === 'resolving') return undefined
            if (specifier === 'authconform') return { path: index, external: true }
            if (isBuiltin(specifier)) return { path: specifier, external: true }
            const found = await esbuild.resolve(specifier, { kind, resolveDir, pluginData: 'resolving' })
            if (found.errors.length) return { errors: found.errors }
            return { path: pathToFileURL(found.path).href, external: true }
          })
        },
      },
    ],
  })
    .catch((error: { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }) => {
      const first = error.errors?.[0]
      if (!first) throw error
      const where = first.location ? `${path.basename(first.location.file)}:${first.location.line}:${first.location.column + 1}: ` : ''
      throw new Error(`${where}${first.text}`)
    })
    .finally(() => stop())
  // Imported once and deleted: the module stays in memory, the cache dir stays empty.
  const out = path.join(dir, `${randomBytes(12).toString('hex')}.mjs`)
  await writeFile(out, result.outputFiles[0]!.text)
  try {
    return await import(pathToFileURL(out).href)
  } finally {
    await rm(out, { force: true })
  }
}
