import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, test } from 'vitest'
import { AuthconformError } from '../../harness/core/errors.ts'
import { explainCase } from '../../harness/explain.ts'
import { reference } from '../../harness/report/references.ts'
import { CASES, CATALOGUE } from '../../suites/catalogue/index.ts'
import { REMEDY_NAMES, remedyNamed, SNIPPET_FILES } from '../../suites/catalogue/remedies.ts'
import { FRAMEWORKS, LIBRARIES, SNIPPET_SOURCES, type SnippetSource } from '../../harness/core/remedy.ts'
import { catchError } from './support.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SNIPPET_DIR = path.join(ROOT, 'suites/catalogue/remedies')
const plain = { color: false }
const REMEDIES = REMEDY_NAMES.map(remedyNamed)

interface SnippetUnderTest {
  name: string
  source: SnippetSource
  code: string
}

const SNIPPETS: SnippetUnderTest[] = REMEDIES.flatMap((remedy) =>
  Object.entries(remedy.snippets).flatMap(([source, snippet]) => (snippet?.code ? [{ name: `${remedy.name}/${source}`, source: source as SnippetSource, code: snippet.code }] : [])),
)
const inLanguage = (language: 'python' | 'typescript') => SNIPPETS.filter((s) => SNIPPET_SOURCES[s.source].language === language)

describe('remedies', () => {
  test('every catalogue case names a remedy, and every remedy is named by a case', () => {
    const used = new Set(CASES.map((c) => CATALOGUE.remedy(c.remedy).name))
    expect([...used].sort()).toEqual([...REMEDY_NAMES].sort())
  })

  test('a name that is no remedy is a harness bug, not a silent default', () => {
    expect(() => CATALOGUE.remedy('no-such-remedy')).toThrow('no remedy named "no-such-remedy": choose from pin-algorithms, ')
  })

  test('every file under remedies/ is the snippet of a remedy, named for its source', () => {
    const files = readdirSync(SNIPPET_DIR, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    const snippetFiles = files.map((entry) => path.relative(SNIPPET_DIR, path.join(entry.parentPath, entry.name))).filter((file) => file.includes(path.sep))
    const expected = REMEDIES.flatMap((remedy) => Object.entries(remedy.snippets).flatMap(([source, snippet]) => (snippet?.code ? [path.join(remedy.name, SNIPPET_FILES[source as SnippetSource])] : [])))
    expect(snippetFiles.sort()).toEqual(expected.sort())
    expect(
      files
        .filter((entry) => entry.parentPath === SNIPPET_DIR)
        .map((entry) => entry.name)
        .sort(),
    ).toEqual(['snippet-globals.d.ts', 'tsconfig.json'])
  })

  test.each(REMEDIES.map((r) => [r.name, r] as const))('%s: why in 2-4 sentences, each library covered, snippets 3-12 lines', (_name, remedy) => {
    const sentences = remedy.why.match(/[.!?]["')]?(?=\s+[A-Z(]|$)/g) ?? []
    expect(sentences.length, remedy.why).toBeGreaterThanOrEqual(2)
    expect(sentences.length, remedy.why).toBeLessThanOrEqual(4)
    expect(remedy.title).not.toMatch(/\n/)
    for (const library of LIBRARIES) {
      const snippet = remedy.snippets[library]
      expect(snippet.code ?? snippet.note, `${remedy.name}: ${library} has neither code nor a note`).toBeTruthy()
    }
    // A fix that is not in the JWT library must be shown in the frameworks instead.
    if (LIBRARIES.some((library) => !remedy.snippets[library].code)) {
      for (const framework of FRAMEWORKS) expect(remedy.snippets[framework]?.code, `${remedy.name}: ${framework}`).toBeTruthy()
    }
    for (const [source, snippet] of Object.entries(remedy.snippets)) {
      if (snippet?.note) expect(snippet.note, `${remedy.name}/${source} note`).not.toMatch(/\n/)
      if (snippet?.code) {
        const lines = snippet.code.split('\n')
        expect(lines.length, `${remedy.name}/${source}:\n${snippet.code}`).toBeGreaterThanOrEqual(3)
        expect(lines.length, `${remedy.name}/${source}:\n${snippet.code}`).toBeLessThanOrEqual(12)
        for (const line of lines) expect(line.length, `${remedy.name}/${source}: ${line}`).toBeLessThanOrEqual(120)
      }
    }
  })
})

/**
 * Compiles each Python snippet, imports what it imports (Debian's PyJWT 2.6, python-jose 3.3,
 * FastAPI), and resolves every attribute chain and call on an imported name against the real
 * module: a misspelt `jwt.PyJWKClinet` or a `PyJWKClient(timeout=…)` that 2.6 lacks fails here.
 * Names the snippet leaves to the app (JWKS_URL, verify, db) are not resolved.
 */
const PYTHON_CHECK = `
import ast, importlib, inspect, json, sys

UNKNOWN = object()

def check(name, code):
    problems = []
    try:
        tree = ast.parse(code, filename=name)
        compile(tree, name, "exec")
    except SyntaxError as e:
        return [f"{name}:{e.lineno}: {e.msg}"]
    bound = {}  # name -> ("object", value) | ("instance", class)
    for node in ast.walk(tree):
        try:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    importlib.import_module(alias.name)
                    root = alias.name.split(".")[0]
                    bound[alias.asname or root] = ("object", importlib.import_module(alias.asname and alias.name or root))
            elif isinstance(node, ast.ImportFrom):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    if not hasattr(module, alias.name):
                        importlib.import_module(f"{node.module}.{alias.name}")
                    bound[alias.asname or alias.name] = ("object", getattr(module, alias.name))
        except ImportError as e:
            problems.append(f"{name}:{node.lineno}: {e}")
    for node in ast.walk(tree):  # a module-level x = Class(...) makes x an instance of Class
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            made = resolve(node.value.func, bound)
            if inspect.isclass(made):
                bound[node.targets[0].id] = ("instance", made)
    for node in ast.walk(tree):
        try:
            if isinstance(node, ast.Attribute):
                resolve(node, bound)
            elif isinstance(node, ast.Call):
                check_call(node, bound)
        except (AttributeError, TypeError) as e:
            problems.append(f"{name}:{node.lineno}: {ast.unparse(node)[:80]}: {e}")
    return problems

def resolve(node, bound):
    if isinstance(node, ast.Name):
        kind, value = bound.get(node.id, (None, UNKNOWN))
        return value if kind == "object" else UNKNOWN
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and bound.get(node.value.id, (None,))[0] == "instance":
            cls = bound[node.value.id][1]
            if not hasattr(cls, node.attr):
                raise AttributeError(f"{cls.__name__} has no attribute {node.attr}")
            return UNKNOWN
        owner = resolve(node.value, bound)
        if owner is UNKNOWN:
            return UNKNOWN
        return getattr(owner, node.attr)
    return UNKNOWN

def check_call(node, bound):
    func = resolve(node.func, bound)
    if func is UNKNOWN or any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        return
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return  # builtins and exception classes have no signature to check
    signature.bind_partial(*[None] * len(node.args), **{k.arg: None for k in node.keywords})

problems = [p for s in json.load(sys.stdin) for p in check(s["name"], s["code"])]
print(json.dumps(problems))
`

/** What the snippet directory's own tsconfig adds: the config names, and types for cors 2.8. */
const AMBIENT = readFileSync(path.join(SNIPPET_DIR, 'snippet-globals.d.ts'), 'utf8')

/** Type-checks the TypeScript snippets against the installed jose, express and pg types, as suites/catalogue/remedies/tsconfig.json does. */
function typeScriptDiagnostics(snippets: SnippetUnderTest[]): string[] {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile)
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT)
  const dir = path.join(ROOT, '.explain-snippets')
  const files = new Map(snippets.map((s) => [path.join(dir, `${s.name.replace('/', '.')}.ts`), s.code]))
  files.set(path.join(dir, 'ambient.d.ts'), AMBIENT)
  const host = ts.createCompilerHost(options)
  const { getSourceFile, fileExists, readFile } = host
  host.fileExists = (file) => files.has(file) || fileExists.call(host, file)
  host.readFile = (file) => files.get(file) ?? readFile.call(host, file)
  host.getSourceFile = (file, language, ...rest) => (files.has(file) ? ts.createSourceFile(file, files.get(file)!, language, true) : getSourceFile.call(host, file, language, ...rest))
  const program = ts.createProgram([...files.keys()], { ...options, noUnusedLocals: false }, host)
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0)
      return `${path.basename(d.file!.fileName)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
    })
}

describe('remedy snippets are real code', () => {
  test('every Python snippet compiles and uses only names its libraries have', () => {
    const python = inLanguage('python')
    expect(python.length).toBeGreaterThan(20)
    const out = execFileSync('/usr/bin/python3', ['-c', PYTHON_CHECK], { input: JSON.stringify(python), encoding: 'utf8' })
    expect(JSON.parse(out)).toEqual([])
  })

  test('a Python typo is caught (the check is not vacuous)', () => {
    const broken = [
      { name: 'typo', source: 'pyjwt', code: 'import jwt\njwt.PyJWKClinet("x")\n' },
      { name: 'kwarg', source: 'pyjwt', code: 'import jwt\njwks = jwt.PyJWKClient("x", lifespan_seconds=5)\n' },
      { name: 'method', source: 'pyjwt', code: 'import jwt\njwks = jwt.PyJWKClient("x")\njwks.get_key_from_jwt("t")\n' },
      { name: 'syntax', source: 'pyjwt', code: 'def verify(token:\n' },
    ]
    const out = execFileSync('/usr/bin/python3', ['-c', PYTHON_CHECK], { input: JSON.stringify(broken), encoding: 'utf8' })
    const problems: string[] = JSON.parse(out)
    for (const name of ['typo', 'kwarg', 'method', 'syntax'])
      expect(
        problems.some((p) => p.startsWith(`${name}:`)),
        problems.join('\n'),
      ).toBe(true)
  })

  test('every TypeScript snippet parses', () => {
    for (const snippet of inLanguage('typescript')) {
      const file = ts.createSourceFile(`${snippet.name}.ts`, snippet.code, ts.ScriptTarget.ES2023, true, ts.ScriptKind.TS)
      const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics
      expect(
        diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
        snippet.name,
      ).toEqual([])
    }
  })

  test('every TypeScript snippet type-checks against jose 6 and express 5', { timeout: 60_000 }, () => {
    const typescript = inLanguage('typescript')
    expect(typescript.length).toBeGreaterThan(12)
    expect(typeScriptDiagnostics(typescript)).toEqual([])
  })

  test('a TypeScript option typo is caught (the check is not vacuous)', { timeout: 60_000 }, () => {
    const broken = [{ name: 'typo/jose', source: 'jose' as const, code: "import { createRemoteJWKSet } from 'jose'\nexport const JWKS = createRemoteJWKSet(new URL(JWKS_URL), { cacheMaxAgeMs: 1 })\n" }]
    expect(typeScriptDiagnostics(broken).join('\n')).toMatch(/cacheMaxAgeMs/)
  })
})

describe('explainCase', () => {
  test.each(CASES.map((c) => [c.id, c] as const))('%s explains with its refs, fix and every library', (id, c) => {
    const text = explainCase(id, CATALOGUE, plain)
    expect(text.split('\n')[0]).toBe(id)
    expect(text).toContain(c.title)
    expect(text).toContain(`severity  ${c.severity}`)
    expect(text).toContain(c.fix)
    for (const ref of c.refs) {
      const { label, url } = reference(ref)
      expect(text).toContain(label)
      expect(text).toContain(url)
    }
    for (const library of LIBRARIES) expect(text).toContain(`\n${SNIPPET_SOURCES[library].heading}\n`)
    expect(text).toContain(`  ${c.remedy}: ${remedyNamed(c.remedy).title}`)
    expect(text).not.toMatch(/\x1b\[/)
  })

  test('shows the remedy, its why and its snippets, and the profiles a case is limited to', () => {
    const text = explainCase('key-confusion/hs256-pkcs1-pem', CATALOGUE, plain)
    const remedy = remedyNamed('key-type-checks')
    expect(text).toContain(remedy.title)
    expect(text).toContain('algorithm confusion')
    expect(text).toContain(remedy.snippets.jose.code!.split('\n')[0]!)
    expect(text).toMatch(/profiles\s+RS256, PS256 \(not EdDSA, ES256, HS256: PKCS#1 is an RSA key format/)
    expect(explainCase('claims/exp-past', CATALOGUE, plain)).toMatch(/profiles\s+all \(EdDSA, ES256, RS256, PS256, HS256\)/)
  })

  test('framework fixes appear where the library cannot help', () => {
    const text = explainCase('cors/disallowed-origin-blocked', CATALOGUE, plain)
    expect(text).toContain('\nFastAPI\n')
    expect(text).toContain('\nExpress\n')
    expect(text).toContain('CORSMiddleware')
    expect(text).toContain('needs     a backend that browsers call (skipped when target.cors is false); Chromium')
  })

  test('colour only when asked', () => {
    const text = explainCase('signature/alg-none-lower', CATALOGUE, { color: true })
    expect(text).toContain('\x1b[1msignature/alg-none-lower\x1b[0m')
    expect(text).toContain('\x1b[31;1mcritical\x1b[0m')
  })

  test('an unknown id is ERR_UNKNOWN_CASE naming near ids', () => {
    const error = catchError(() => explainCase('signature/alg-nope', CATALOGUE, plain))
    expect(error).toBeInstanceOf(AuthconformError)
    expect((error as AuthconformError).code).toBe('ERR_UNKNOWN_CASE')
    expect(error.message).toContain('unknown case id "signature/alg-nope"')
    expect(error.message).toContain('signature/alg-none-lower')
    expect((error as AuthconformError).exitCode).toBe(2)
  })

  test('an unknown id with nothing near still says where the list is', () => {
    const error = catchError(() => explainCase('zzz', CATALOGUE, plain))
    expect((error as AuthconformError).code).toBe('ERR_UNKNOWN_CASE')
    expect(error.message).toBe('unknown case id "zzz" (authconform list shows all)')
  })
})
