import { describe, expect, test } from 'vitest'
import { AuthconformError } from '../../harness/core/errors.ts'
import { resolveConfig } from '../../harness/config/resolve.ts'
import { expandEnvTemplate, INJECTED_ENV, startedTargetEnv } from '../../harness/config/target-env.ts'
import { targetEnv } from '../../harness/environment/target.ts'
import { issuerCoordinates } from '../../harness/environment/issuer.ts'
import { catchError } from './support.ts'

const ISSUER = issuerCoordinates({
  profile: 'EdDSA',
  baseURL: 'http://127.0.0.1:4545',
  basePath: '/api/auth',
  jwksPath: '/jwks',
  issuer: 'http://127.0.0.1:4545',
  audience: 'https://api.example.com',
  secret: 's3cret-of-the-issuer',
  controlKey: 'control-key-control-key',
})
const INJECTED = targetEnv(ISSUER, 8123)

const withEnv = (env: Record<string, string>) => resolveConfig({ target: { command: 'node server.mjs', env, routes: { me: 'GET /api/me' } } })

function configError(env: Record<string, string>): AuthconformError {
  const error = catchError(() => withEnv(env))
  expect(error).toBeInstanceOf(AuthconformError)
  expect((error as AuthconformError).code).toBe('ERR_CONFIG_INVALID')
  expect((error as AuthconformError).exitCode).toBe(2)
  return error as AuthconformError
}

describe('target.env maps the injected variables onto the names a backend reads', () => {
  test('the names that expand are exactly what a started target is given', () => {
    expect(Object.keys(INJECTED).sort()).toEqual([...INJECTED_ENV].sort())
  })

  test('each ${NAME} becomes the injected value, inside other text too', () => {
    for (const name of INJECTED_ENV) expect(expandEnvTemplate(`\${${name}}`, INJECTED)).toBe(INJECTED[name])
    expect(expandEnvTemplate('${BETTER_AUTH_URL}/api/auth/.well-known/openid-configuration', INJECTED)).toBe('http://127.0.0.1:4545/api/auth/.well-known/openid-configuration')
    expect(expandEnvTemplate('${JWT_ALGORITHMS},RS256 on :${PORT}', INJECTED)).toBe('EdDSA,RS256 on :8123')
  })

  test('$${ is a literal ${; any other $ stays as written', () => {
    expect(expandEnvTemplate('$${JWKS_URL}', INJECTED)).toBe('${JWKS_URL}')
    expect(expandEnvTemplate('pa$$word $HOME $JWKS_URL ${JWKS_URL}$', INJECTED)).toBe(`pa$$word $HOME $JWKS_URL ${ISSUER.jwksURL}$`)
    expect(withEnv({ TEMPLATE: 'Hello $${user}' }).target.env.TEMPLATE).toBe('Hello $${user}')
  })

  test('target.env wins over the injected defaults; what it does not name is still injected', () => {
    const env = startedTargetEnv({ BETTER_AUTH_JWKS_URL: '${JWKS_URL}', SECRET_KEY: '${BETTER_AUTH_SECRET}', API_AUDIENCE: 'urn:my-api', EXTRA: '1' }, INJECTED)
    expect(env).toEqual({
      ...INJECTED,
      BETTER_AUTH_JWKS_URL: 'http://127.0.0.1:4545/api/auth/jwks',
      SECRET_KEY: 's3cret-of-the-issuer',
      API_AUDIENCE: 'urn:my-api',
      EXTRA: '1',
    })
  })

  test('an injected name redefined from another keeps the injected value as its source', () => {
    // JWKS_URL: '${JWKS_URL}/' reads the injected value, not its own new one.
    expect(startedTargetEnv({ JWKS_URL: '${JWKS_URL}/' }, INJECTED).JWKS_URL).toBe(`${ISSUER.jwksURL}/`)
  })

  test('the config keeps the values as written (they expand when the target starts)', () => {
    expect(withEnv({ BETTER_AUTH_JWKS_URL: '${JWKS_URL}', SECRET_KEY: '${BETTER_AUTH_SECRET}' }).target.env).toEqual({ BETTER_AUTH_JWKS_URL: '${JWKS_URL}', SECRET_KEY: '${BETTER_AUTH_SECRET}' })
  })

  test('an unknown ${NAME} is a config error naming the key and the known names', () => {
    const { message } = configError({ MY_JWKS: '${JWKS_URI}' })
    expect(message).toContain('target.env.MY_JWKS: unknown ${JWKS_URI}')
    for (const name of INJECTED_ENV) expect(message).toContain(`\${${name}}`)
    expect(message).toContain('"$${" for a literal "${"')
    // The harness's own environment is not a source: ${HOME} would differ from machine to machine.
    expect(configError({ WHERE: '${HOME}/x' }).message).toContain('target.env.WHERE: unknown ${HOME}')
  })

  test('an unclosed ${ is a config error too', () => {
    expect(configError({ MY_JWKS: '${JWKS_URL' }).message).toContain('target.env.MY_JWKS: "${" is not closed by "}"')
  })

  test('PORT is not moved: authconform probes the port it picked', () => {
    expect(configError({ PORT: '8000' }).message).toMatch(/target\.env\.PORT: authconform picks the port .*HTTP_PORT: '\$\{PORT\}'/)
    expect(withEnv({ PORT: '${PORT}', HTTP_PORT: '${PORT}' }).target.env.HTTP_PORT).toBe('${PORT}')
  })
})
