import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { injectedMeaning, mapEnvNames } from '../../harness/init/env-names.ts'
import { jwksHint, MAX_FILES, scanSource } from '../../harness/init/env-scan.ts'
import { guessRoutes, type OpenApi } from '../../harness/init/openapi.ts'
import { renderConfig } from '../../harness/init/render.ts'

/**
 * `authconform init`'s guesses, from what backends serve and hold: an OpenAPI document as
 * FastAPI 0.115 (pydantic 2) writes it for a task API kept per user in the path, and a
 * backend's directory with its .env.example and the code that reads the variables.
 */
const userId = { name: 'user_id', in: 'path', required: true, schema: { type: 'string', title: 'User Id' } }
const taskId = { name: 'task_id', in: 'path', required: true, schema: { type: 'integer', title: 'Task Id' } }
const json = (schema: object) => ({ content: { 'application/json': { schema: schema as any } } })
const task = { $ref: '#/components/schemas/TaskRead' }
const invalid = { description: 'Validation Error', ...json({ $ref: '#/components/schemas/HTTPValidationError' }) }
const security = [{ HTTPBearer: [] }]
const nullable = (type: string, title: string) => ({ anyOf: [{ type }, { type: 'null' }], title })

function fastapiTasks(): OpenApi {
  return {
    openapi: '3.1.0',
    info: { title: 'Todo API', version: '0.1.0' },
    paths: {
      '/health': { get: { summary: 'Health', operationId: 'health_health_get', responses: { '200': { description: 'Successful Response', ...json({}) } } } },
      '/api/{user_id}/tasks': {
        get: {
          summary: 'List Tasks',
          operationId: 'list_tasks_api__user_id__tasks_get',
          security,
          parameters: [userId, { name: 'status', in: 'query', required: false, schema: { type: 'string', default: 'all', title: 'Status' } }],
          responses: { '200': { description: 'Successful Response', ...json({ type: 'array', items: task, title: 'Response List Tasks Api  User Id  Tasks Get' }) }, '422': invalid },
        },
        post: {
          summary: 'Create Task',
          operationId: 'create_task_api__user_id__tasks_post',
          security,
          parameters: [userId],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/TaskCreate' }) },
          responses: { '201': { description: 'Successful Response', ...json(task) }, '422': invalid },
        },
      },
      '/api/{user_id}/tasks/{task_id}': {
        get: { summary: 'Get Task', operationId: 'get_task_api__user_id__tasks__task_id__get', security, parameters: [userId, taskId], responses: { '200': { description: 'Successful Response', ...json(task) }, '422': invalid } },
        put: {
          summary: 'Update Task',
          operationId: 'update_task_api__user_id__tasks__task_id__put',
          security,
          parameters: [userId, taskId],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/TaskUpdate' }) },
          responses: { '200': { description: 'Successful Response', ...json(task) }, '422': invalid },
        },
        delete: { summary: 'Delete Task', operationId: 'delete_task_api__user_id__tasks__task_id__delete', security, parameters: [userId, taskId], responses: { '204': { description: 'Successful Response' }, '422': invalid } },
      },
      '/api/{user_id}/tasks/{task_id}/complete': {
        patch: {
          summary: 'Toggle Complete',
          operationId: 'toggle_complete_api__user_id__tasks__task_id__complete_patch',
          security,
          parameters: [userId, taskId],
          responses: { '200': { description: 'Successful Response', ...json(task) }, '422': invalid },
        },
      },
    },
    components: {
      schemas: {
        TaskCreate: { properties: { title: { type: 'string', maxLength: 200, minLength: 1, title: 'Title' }, description: nullable('string', 'Description') }, type: 'object', required: ['title'], title: 'TaskCreate' },
        TaskUpdate: { properties: { title: nullable('string', 'Title'), description: nullable('string', 'Description'), completed: nullable('boolean', 'Completed') }, type: 'object', title: 'TaskUpdate' },
        TaskRead: {
          properties: {
            id: { type: 'integer', title: 'Id' },
            user_id: { type: 'string', title: 'User Id' },
            title: { type: 'string', title: 'Title' },
            description: nullable('string', 'Description'),
            completed: { type: 'boolean', title: 'Completed' },
            created_at: { type: 'string', format: 'date-time', title: 'Created At' },
            updated_at: { type: 'string', format: 'date-time', title: 'Updated At' },
          },
          type: 'object',
          required: ['id', 'user_id', 'title', 'completed', 'created_at', 'updated_at'],
          title: 'TaskRead',
        },
        HTTPValidationError: { properties: { detail: { items: { $ref: '#/components/schemas/ValidationError' }, type: 'array', title: 'Detail' } }, type: 'object', title: 'HTTPValidationError' },
        ValidationError: {
          properties: { loc: { items: { anyOf: [{ type: 'string' }, { type: 'integer' }] }, type: 'array', title: 'Location' }, msg: { type: 'string', title: 'Message' }, type: { type: 'string', title: 'Error Type' } },
          type: 'object',
          required: ['loc', 'msg', 'type'],
          title: 'ValidationError',
        },
      },
      securitySchemes: { HTTPBearer: { type: 'http', scheme: 'bearer' } },
    },
  } as OpenApi
}

describe('guessRoutes', () => {
  test('a path-scoped FastAPI task API: the caller is {sub}, the item keeps {task_id}, no me, meId is the owner field', () => {
    const guess = guessRoutes(fastapiTasks())
    expect(guess.me).toBeUndefined()
    expect(guess.resource).toEqual({
      create: 'POST /api/{sub}/tasks',
      body: { title: 'authconform' },
      id: 'id',
      list: 'GET /api/{sub}/tasks',
      read: 'GET /api/{sub}/tasks/{task_id}',
      // Every field of TaskUpdate is optional: the first string field is changed, so the update is seen.
      update: 'PUT /api/{sub}/tasks/{task_id}',
      updateBody: { title: 'changed by authconform' },
      remove: 'DELETE /api/{sub}/tasks/{task_id}',
      owner: 'user_id',
    })
    const written = renderConfig({ command: 'uvicorn app:app --port $PORT', profile: 'EdDSA', guess })
    expect(written).not.toMatch(/^\s*me:/m)
    expect(written).toMatch(/^ {6}\/\/ no me route .*the probes call resource\.list/m)
    expect(written).toContain("      meId: 'user_id',\n")
    expect(written).toContain("create: 'POST /api/{sub}/tasks', body: { title: 'authconform' }, id: 'id',")
    expect(written).toContain("read: 'GET /api/{sub}/tasks/{task_id}',")
  })

  test('an item path without GET still makes a resource, written without read', () => {
    const document = fastapiTasks()
    delete document.paths!['/api/{user_id}/tasks/{task_id}']!.get
    const { resource } = guessRoutes(document)
    expect(resource).toMatchObject({ list: 'GET /api/{sub}/tasks', update: 'PUT /api/{sub}/tasks/{task_id}', remove: 'DELETE /api/{sub}/tasks/{task_id}' })
    expect(resource).not.toHaveProperty('read')
    const written = renderConfig({ command: 'x', profile: 'EdDSA', guess: { resource } })
    expect(written).not.toContain('read:')
    expect(written).toContain('// no GET on the item path: no read route')
  })

  test('caller parameters by name or by description; a collection under another item is not one', () => {
    const ops = fastapiTasks().paths!['/api/{user_id}/tasks']!
    const item = fastapiTasks().paths!['/api/{user_id}/tasks/{task_id}']!
    const owner = { name: 'handle', in: 'path', required: true, description: "The current user's id", schema: { type: 'string' } }
    const byDescription = guessRoutes({ paths: { '/v1/{handle}/notes': { ...ops, parameters: [owner] }, '/v1/{handle}/notes/{id}': item } })
    expect(byDescription.resource?.list).toBe('GET /v1/{sub}/notes')
    expect(byDescription.resource?.read).toBe('GET /v1/{sub}/notes/{id}')
    for (const name of ['userId', 'UID', 'owner-id', 'accountId', 'member_id', 'sub', 'user']) {
      expect(guessRoutes({ paths: { [`/api/{${name}}/tasks`]: ops } }).resource?.list, name).toBe('GET /api/{sub}/tasks')
    }
    expect(guessRoutes({ paths: { '/api/projects/{project_id}/tasks': ops, '/api/projects/{project_id}/tasks/{task_id}': item } }).resource).toBeUndefined()
    // The last parameter of an item path is the item, whatever it is called.
    expect(guessRoutes({ paths: { '/api/users': ops, '/api/users/{user_id}': item } }).resource?.read).toBe('GET /api/users/{user_id}')
  })

  test('a me route is kept as before, and may carry the caller in its path', () => {
    const document = fastapiTasks()
    document.paths!['/api/{user_id}/profile'] = { get: { parameters: [userId], responses: { '200': json({ type: 'object', properties: { user: { type: 'object', properties: { id: { type: 'string' } } } } }) } } }
    const guess = guessRoutes(document)
    expect(guess.me).toEqual({ route: 'GET /api/{sub}/profile', id: 'user.id' })
    const written = renderConfig({ targetUrl: 'http://127.0.0.1:8000', profile: 'EdDSA', guess })
    expect(written).toContain("me: 'GET /api/{sub}/profile', // answers 2xx for a valid token")
    expect(written).toContain("meId: 'user.id', // where the caller's id is in that answer")
  })

  test('nothing found: me stays a placeholder (a config needs me or a resource)', () => {
    const written = renderConfig({ command: 'x', profile: 'EdDSA', guess: guessRoutes({ paths: { '/health': { get: {} } } }) })
    expect(written).toContain("me: 'GET /api/me', // a placeholder")
    expect(written).toContain('// resource: {')
  })
})

describe('env names', () => {
  test('names map by meaning; the injected names and other ports are not mapped', () => {
    const meanings = Object.fromEntries(
      [
        'AUTH_SERVER',
        'AUTH_URL',
        'AUTH_BASE_URL',
        'BETTER_AUTH_BASE_URL',
        'NEXT_PUBLIC_BETTER_AUTH_URL',
        'BETTER_AUTH_JWKS_URL',
        'JWKS_ENDPOINT',
        'AUTH_ISSUER',
        'JWT_AUDIENCE',
        'JWT_AUD',
        'JWT_ALGORITHM',
        'JWT_ALG',
        'JWT_SECRET',
        'SECRET_KEY',
        'JWT_SECRET_KEY',
        'NEXTAUTH_SECRET',
        'APP_PORT',
        'UVICORN_PORT',
      ].map((n) => [n, injectedMeaning(n)]),
    )
    expect(meanings).toEqual({
      AUTH_SERVER: 'BETTER_AUTH_URL',
      AUTH_URL: 'BETTER_AUTH_URL',
      AUTH_BASE_URL: 'BETTER_AUTH_URL',
      BETTER_AUTH_BASE_URL: 'BETTER_AUTH_URL',
      NEXT_PUBLIC_BETTER_AUTH_URL: 'BETTER_AUTH_URL',
      BETTER_AUTH_JWKS_URL: 'JWKS_URL',
      JWKS_ENDPOINT: 'JWKS_URL',
      AUTH_ISSUER: 'JWT_ISSUER',
      JWT_AUDIENCE: 'API_AUDIENCE',
      JWT_AUD: 'API_AUDIENCE',
      JWT_ALGORITHM: 'JWT_ALGORITHMS',
      JWT_ALG: 'JWT_ALGORITHMS',
      JWT_SECRET: 'BETTER_AUTH_SECRET',
      SECRET_KEY: 'BETTER_AUTH_SECRET',
      JWT_SECRET_KEY: 'BETTER_AUTH_SECRET',
      NEXTAUTH_SECRET: 'BETTER_AUTH_SECRET',
      APP_PORT: 'PORT',
      UVICORN_PORT: 'PORT',
    })
    for (const name of ['FRONTEND_URL', 'OAUTH_REDIRECT_URL', 'AUTH_API_KEY', 'DB_PORT', 'JWKS_CACHE_TTL', 'DATABASE_URL', 'BETTER_AUTH_URL', 'PORT']) expect(injectedMeaning(name), name).toBeUndefined()
    const mapping = mapEnvNames(['AUTH_SERVER', 'BETTER_AUTH_URL', 'NODE_ENV', 'DATABASE_URL', 'APP_PORT'].map((name) => ({ name, where: 'app.py:1' })))
    expect(mapping.mapped.map((m) => [m.name, m.value])).toEqual([
      ['AUTH_SERVER', '${BETTER_AUTH_URL}'],
      ['APP_PORT', '${PORT}'],
    ])
    expect(mapping.unmapped.map((u) => u.name)).toEqual(['DATABASE_URL'])
  })

  test('JWKS paths other than /api/auth/jwks become issuer paths', () => {
    expect(jwksHint('/api/auth/jwks')).toBeUndefined()
    expect(jwksHint('http://localhost:3000/api/auth/jwks')).toBeUndefined()
    expect(jwksHint('{settings.AUTH_SERVER}/auth/jwks')).toEqual({ path: '/auth/jwks', basePath: '/auth', jwksPath: '/jwks' })
    expect(jwksHint('${AUTH_URL}/api/auth/jwks/')).toEqual({ path: '/api/auth/jwks/', basePath: '/api/auth', jwksPath: '/jwks' })
    expect(jwksHint('https://auth.example.com/.well-known/jwks.json')).toEqual({ path: '/.well-known/jwks.json', basePath: '/', jwksPath: '/.well-known/jwks.json' })
    expect(jwksHint('/api/auth/token')).toBeUndefined()
    expect(jwksHint('/../jwks')).toBeUndefined() // no path the issuer could serve
  })
})

describe('scanSource', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'authconform-init-scan-'))
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
      writeFileSync(path.join(dir, file), text)
    }
    write('.env.example', '# copy to .env\nAUTH_SERVER=http://localhost:3000\nDATABASE_URL=postgresql://localhost/todos\nexport JWT_ALGORITHM="EdDSA"\n')
    write('.env', 'NOT_FROM_DOTENV=the real secret\n')
    write(
      'app/config.py',
      'import os\n\nAUTH_SERVER = os.getenv("AUTH_SERVER", "http://localhost:3000")\nJWKS_URL = os.environ.get("BETTER_AUTH_JWKS_URL") or f"{AUTH_SERVER}/auth/jwks"\nDB = os.environ["DATABASE_URL"]\nPORT = os.environ.get("PORT")\n',
    )
    // A helper that reads the variable it is named, called from another module; a keyword naming one.
    write('app/settings.py', 'import os\n\n\ndef required(name):\n    value = os.environ.get(name, "").strip()\n    if not value:\n        raise RuntimeError(f"{name} must be set")\n    return value\n')
    write('app/auth.py', 'from .settings import required\n\nISSUER = required("TOKEN_ISSUER")\nkeys = pinned(secret_env="AUTH_SECRET")\n')
    write('app/main.ts', 'const audience = process.env.JWT_AUDIENCE ?? process.env["API_AUDIENCE"]\n')
    write('node_modules/some-lib/index.js', 'process.env.FROM_NODE_MODULES\n')
    write('.venv/lib/site.py', 'os.getenv("FROM_VENV")\n')
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.py'))
    symlinkSync(dir, path.join(dir, 'app', 'loop'))
    symlinkSync(path.join(dir, 'loop-a.py'), path.join(dir, 'loop-b.py'))
    symlinkSync(path.join(dir, 'loop-b.py'), path.join(dir, 'loop-a.py'))
    write('locked/secret.py', 'os.getenv("FROM_LOCKED")\n')
    chmodSync(path.join(dir, 'locked'), 0o000)
  })
  afterAll(() => {
    chmodSync(path.join(dir, 'locked'), 0o700)
    rmSync(dir, { recursive: true, force: true })
  })

  test('finds the names code and .env.example read, at their lines; never .env, node_modules or .venv', () => {
    const scan = scanSource(dir)
    const names = Object.fromEntries(scan.names.map((n) => [n.name, n.where]))
    expect(names).toMatchObject({
      AUTH_SERVER: 'app/config.py:3',
      BETTER_AUTH_JWKS_URL: 'app/config.py:4',
      DATABASE_URL: 'app/config.py:5',
      PORT: 'app/config.py:6',
      JWT_AUDIENCE: 'app/main.ts:1',
      API_AUDIENCE: 'app/main.ts:1',
      JWT_ALGORITHM: '.env.example:4',
      TOKEN_ISSUER: 'app/auth.py:3',
      AUTH_SECRET: 'app/auth.py:4',
    })
    expect(Object.keys(names)).not.toContain('NOT_FROM_DOTENV')
    expect(Object.keys(names)).not.toContain('FROM_NODE_MODULES')
    expect(Object.keys(names)).not.toContain('FROM_VENV')
    // A locked directory is passed over; root reads it all the same.
    if (process.getuid?.() !== 0) expect(Object.keys(names)).not.toContain('FROM_LOCKED')
    expect(scan.jwksPaths).toEqual([{ path: '/auth/jwks', where: 'app/config.py:4', basePath: '/auth', jwksPath: '/jwks' }])
    expect(scan.truncated).toBe(false)

    const mapping = mapEnvNames(scan.names)
    const command = renderConfig({ command: 'uvicorn app.main:app --port $PORT', profile: 'EdDSA', guess: {}, source: { scan, mapping } })
    expect(command).toContain(
      [
        '    env: {',
        "      TOKEN_ISSUER: '${JWT_ISSUER}', // app/auth.py:3",
        "      AUTH_SECRET: '${BETTER_AUTH_SECRET}', // app/auth.py:4",
        "      AUTH_SERVER: '${BETTER_AUTH_URL}', // app/config.py:3",
        "      BETTER_AUTH_JWKS_URL: '${JWKS_URL}', // app/config.py:4",
        "      JWT_AUDIENCE: '${API_AUDIENCE}', // app/main.ts:1",
        "      JWT_ALGORITHM: '${JWT_ALGORITHMS}', // .env.example:4",
        '    },',
      ].join('\n'),
    )
    expect(command).toMatch(/\/\/ it also reads these.*\n {4}\/\/ {3}DATABASE_URL \(app\/config\.py:5\)/)
    expect(command).toContain("  // your backend fetches a JWKS at /auth/jwks (app/config.py:4): if that is BETTER_AUTH_URL + /auth/jwks, add basePath: '/auth', jwksPath: '/jwks' to issuer")
    // A backend the user starts gets the values to export, for the fixed issuer port.
    const url = renderConfig({ targetUrl: 'http://127.0.0.1:8000', issuerPort: 4545, profile: 'EdDSA', guess: {}, source: { scan, mapping } })
    expect(url).not.toContain('env: {')
    expect(url).toContain('    //   export AUTH_SERVER=http://127.0.0.1:4545 # app/config.py:3\n')
    expect(url).toContain('    //   export BETTER_AUTH_JWKS_URL=http://127.0.0.1:4545/api/auth/jwks # app/config.py:4\n')
    expect(url).toContain('    //   export JWT_ALGORITHM=EdDSA # .env.example:4\n')
  })

  test(`reads at most ${MAX_FILES} files, and says so`, () => {
    const big = mkdtempSync(path.join(os.tmpdir(), 'authconform-init-big-'))
    try {
      for (let i = 0; i <= MAX_FILES; i++) writeFileSync(path.join(big, `m${String(i).padStart(4, '0')}.py`), i === MAX_FILES ? 'os.getenv("LAST")\n' : '\n')
      const scan = scanSource(big)
      expect(scan).toMatchObject({ files: MAX_FILES, truncated: true, names: [] })
    } finally {
      rmSync(big, { recursive: true, force: true })
    }
  })
})
