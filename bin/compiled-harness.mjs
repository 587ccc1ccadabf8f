// The CLI's own modules as one JavaScript file, built by esbuild and kept under
// node_modules/.cache. Loading the harness through tsx's module hooks costs about 1.5 s of
// CPU per run, because every module the process imports afterwards (vitest, vite, Better
// Auth, Playwright…) then passes through them. The build is remade whenever a source file
// changes, so a checkout stays editable; with no writable cache the caller falls back to tsx.
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const STALE_AFTER_MS = 3600_000
const ENTRY = path.join(ROOT, 'harness/cli.ts')
// The same cache root as harness/paths.ts CACHE_DIR.
const CACHE = path.join(process.env.AUTHCONFORM_CACHE_DIR || path.join(ROOT, 'node_modules/.cache/authconform'), 'cli')

function digest(files) {
  const hash = createHash('sha256')
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(ROOT, file)))
      .update('\0')
  return hash.digest('hex')
}

/** The cached build if every input is unchanged; undefined when it must be (re)made. */
function current() {
  try {
    const manifest = JSON.parse(readFileSync(path.join(CACHE, 'manifest.json'), 'utf8'))
    if (digest(manifest.inputs) !== manifest.digest) return undefined
    return path.join(CACHE, manifest.output, 'cli.js')
  } catch {
    return undefined
  }
}

/**
 * esbuild options shared by this cache build and the package's prepack build (bin/build-package.mjs):
 * the CLI and the package entry, as ES modules split into chunks so that `list` and `explain`
 * stay quick (vitest and Better Auth load only when a run starts).
 */
export function harnessBuildOptions(overrides) {
  return {
    // The package entry too: a config's `import … from 'authconform'` shares the CLI's modules.
    entryPoints: [ENTRY, path.join(ROOT, 'harness/index.ts')],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: true,
    chunkNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'silent',
    ...overrides,
  }
}

async function build() {
  const { build, stop } = await import('esbuild')
  // stop(): esbuild's service child would otherwise outlive the run in its process group.
  const result = await build(
    harnessBuildOptions({
      // Only our TypeScript is compiled. Dependencies stay imports, resolved here and now by
      // Node's own resolver, so the build finds them from wherever the cache dir is.
      plugins: [
        {
          name: 'dependencies-in-place',
          setup(build) {
            build.onResolve({ filter: /^[^./]/ }, ({ path: specifier }) => ({
              path: isBuiltin(specifier) ? specifier : import.meta.resolve(specifier),
              external: true,
            }))
          },
        },
      ],
      // The harness finds its package (suites, fixtures, the runner's files) from import.meta.url.
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(path.join(ROOT, 'harness/paths.ts')).href) },
      outdir: 'out',
      write: false,
    }),
  ).finally(() => stop())
  const inputs = Object.keys(result.metafile.inputs)
    .filter((file) => !file.includes('node_modules'))
    .sort()
  // Each build gets a directory of its own, and the manifest is renamed into place last:
  // a concurrent run sees the previous build or this one, never half of one.
  const output = `build-${Date.now().toString(36)}-${process.pid}`
  mkdirSync(path.join(CACHE, output), { recursive: true })
  for (const file of result.outputFiles) writeFileSync(path.join(CACHE, output, path.basename(file.path)), file.contents)
  const scratch = path.join(CACHE, `.manifest-${output}.json`)
  writeFileSync(scratch, JSON.stringify({ output, inputs, digest: digest(inputs) }))
  renameSync(scratch, path.join(CACHE, 'manifest.json'))
  // Builds of older sources, once no run can still be loading their chunks lazily.
  for (const entry of readdirSync(CACHE)) {
    const dir = path.join(CACHE, entry)
    if (entry.startsWith('build-') && entry !== output && Date.now() - statSync(dir).mtimeMs > STALE_AFTER_MS) rmSync(dir, { recursive: true, force: true })
  }
  return path.join(CACHE, output, 'cli.js')
}

/** The path of the compiled CLI module, or undefined when it cannot be built here. */
export async function compiledHarness() {
  if (process.env.AUTHCONFORM_NO_BUILD) return undefined
  try {
    return current() ?? (await build())
  } catch {
    try {
      rmSync(path.join(CACHE, 'manifest.json'), { force: true })
    } catch {}
    return undefined
  }
}
