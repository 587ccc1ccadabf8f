import { describe, expect, test } from 'vitest'
import { AuthconformError, errorMessage, EXIT, type ErrorCode } from '../../harness/core/errors.ts'

describe('AuthconformError', () => {
  test.each<[ErrorCode, number]>([
    ['ERR_CONFIG_INVALID', 2],
    ['ERR_CONFIG_NOT_FOUND', 2],
    ['ERR_USAGE', 2],
    ['ERR_UNKNOWN_CASE', 2],
    ['ERR_NO_CONTAINER_RUNTIME', 3],
    ['ERR_POSTGRES_START', 3],
    ['ERR_DATABASE_URL', 3],
    ['ERR_ISSUER_START', 3],
    ['ERR_TARGET_UNREACHABLE', 3],
    ['ERR_TARGET_START', 3],
    ['ERR_TARGET_NOT_READY', 3],
    ['ERR_PRINCIPALS', 3],
  ])('%s exits with %i', (code, exitCode) => {
    expect(new AuthconformError(code, 'x').exitCode).toBe(exitCode)
  })

  test('the exit codes are the documented ones', () => {
    expect(EXIT).toMatchObject({ ok: 0, failures: 1, usage: 2, environment: 3 })
  })

  test('survives a JSON round trip (another module instance or a worker)', () => {
    const original = new AuthconformError('ERR_TARGET_NOT_READY', 'GET /health never answered 2xx', { details: ['last line 1', 'last line 2'], cause: new Error('boom') })
    const revived = AuthconformError.revive(JSON.parse(JSON.stringify(original)))
    expect(revived).toBeInstanceOf(AuthconformError)
    expect(revived).toMatchObject({ name: 'AuthconformError', code: 'ERR_TARGET_NOT_READY', message: 'GET /health never answered 2xx', details: ['last line 1', 'last line 2'] })
    expect(revived!.exitCode).toBe(3)
  })

  test('revive returns the same instance, and undefined for anything without a known code', () => {
    const error = new AuthconformError('ERR_USAGE', 'bad flag')
    expect(AuthconformError.revive(error)).toBe(error)
    expect(AuthconformError.revive({ code: 'ERR_SOMETHING_ELSE', message: 'x' })).toBeUndefined()
    expect(AuthconformError.revive({ code: 'ERR_USAGE' })).toBeUndefined()
    expect(AuthconformError.revive(new Error('plain'))).toBeUndefined()
    expect(AuthconformError.revive(undefined)).toBeUndefined()
  })

  test('errorMessage reads errors and anything else', () => {
    expect(errorMessage(new AuthconformError('ERR_USAGE', 'bad flag'))).toBe('bad flag')
    expect(errorMessage('plain text')).toBe('plain text')
  })
})
