import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { Cleanup } from './environment/cleanup.ts'
import { startIssuer } from './environment/issuer.ts'
import { startPostgres } from './environment/postgres.ts'
import { AuthconformError, EXIT } from './core/errors.ts'
import { PROFILES, type Profile } from './core/profiles.ts'
import { RUNTIMES, type Runtime } from './core/runtimes.ts'
import { signUpPrincipals } from './principals/index.ts'
import { shellQuote } from './core/text.ts'
import { authPathProblem, DEFAULT_BASE_PATH, DEFAULT_JWKS_PATH } from './core/protocol/better-auth.ts'

export const ISSUER_USAGE = `Usage: authconform issuer [--profile ${PROFILES.join('|')}] [--port 4545]
                          [--audience aud] [--issuer iss] [--expires-in 15m]
                          [--base-path ${DEFAULT_BASE_PATH}] [--jwks-path ${DEFAULT_JWKS_PATH}]
                          [--runtime ${RUNTIMES.join('|')}] [--database-url postgres://…]

Runs the reference Better Auth issuer alone on 127.0.0.1:<port>, signs up two demo users and
prints the env your backend needs plus a token per user; Ctrl-C stops it (exit 0).`

/**
 * `authconform issuer`: the reference issuer for local development against a backend the
 * developer starts by hand. Everything started stops on Ctrl-C (or SIGTERM).
 */
export async function issuerCommand(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      profile: { type: 'string', default: 'EdDSA' },
      port: { type: 'string', default: '4545' },
      audience: { type: 'string' },
      issuer: { type: 'string' },
      'expires-in': { type: 'string', default: '15m' },
      'base-path': { type: 'string', default: DEFAULT_BASE_PATH },
      'jwks-path': { type: 'string', default: DEFAULT_JWKS_PATH },
      runtime: { type: 'string', default: 'auto' },
      'database-url': { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    out.write(ISSUER_USAGE + '\n')
    return EXIT.ok
  }
  const profile = values.profile as Profile
  if (!PROFILES.includes(profile)) throw new AuthconformError('ERR_USAGE', `--profile must be one of ${PROFILES.join(', ')}, got "${values.profile}"`)
  if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new AuthconformError('ERR_USAGE', `--port must be a port number, got "${values.port}"`)
  const runtime = values.runtime as Runtime
  if (!RUNTIMES.includes(runtime)) throw new AuthconformError('ERR_USAGE', `--runtime must be ${RUNTIMES.slice(0, -1).join(', ')} or ${RUNTIMES.at(-1)}, got "${values.runtime}"`)
  for (const [flag, root] of [
    ['base-path', true],
    ['jwks-path', false],
  ] as const) {
    const problem = authPathProblem(values[flag], { root })
    if (problem) throw new AuthconformError('ERR_USAGE', `--${flag} ${problem}, got "${values[flag]}"`)
  }
  if (!/^\d+\s*[smhd]$/.test(values['expires-in'])) throw new AuthconformError('ERR_USAGE', `--expires-in must be a duration like 15m, got "${values['expires-in']}"`)

  // Ctrl-C is how this command ends: stop everything and exit 0 rather than 130.
  process.removeAllListeners('SIGINT')
  process.removeAllListeners('SIGTERM')
  // `on`, not `once`: a signal-exit listener (a dependency's) re-raises the signal when it finds
  // itself the last listener, which a spent `once` would make it.
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.on('SIGINT', resolve)
    process.on('SIGTERM', resolve)
  })
  const cleanup = new Cleanup()
  try {
    const postgres = cleanup.use('postgres', await startPostgres({ runtime, databaseUrl: values['database-url'] }))
    process.stderr.write(`runtime: ${postgres.reason}\n`)
    const databaseUrl = await postgres.createDatabase(`authconform_issuer_${randomBytes(4).toString('hex')}`)
    const issuer = cleanup.use(
      'issuer',
      await startIssuer({ profile, databaseUrl, port: Number(values.port), expiresIn: values['expires-in'], audience: values.audience, issuer: values.issuer, basePath: values['base-path'], jwksPath: values['jwks-path'] }),
    )
    const users = await signUpPrincipals(issuer, 'demo')
    const lines = [
      `authconform issuer (${profile}) at ${issuer.baseURL} — Ctrl-C stops it`,
      '',
      '# the env your backend needs',
      `BETTER_AUTH_URL=${issuer.baseURL}`,
      `JWKS_URL=${issuer.jwksURL}`,
      `JWT_ISSUER=${issuer.issuer}`,
      `API_AUDIENCE=${issuer.audience}`,
      `JWT_ALGORITHMS=${profile}`,
      `BETTER_AUTH_SECRET=${issuer.secret}`,
      '',
      `# demo users and their tokens (valid ${values['expires-in']})`,
      ...[users.a, users.b].flatMap((user) => [`# user ${user.label.toUpperCase()}: ${user.email} / ${user.password} (id ${user.id})`, `TOKEN_${user.label.toUpperCase()}=${user.token}`]),
      '',
      '# a fresh token for user A whenever the old one expires',
      `curl -s ${shellQuote(issuer.tokenURL)} -H ${shellQuote(`cookie: ${users.a.sessionCookie ?? ''}`)}`,
      '',
    ]
    out.write(lines.join('\n'))
    const signal = await stopped
    process.stderr.write(`authconform: ${signal}: stopping the issuer…\n`)
    return EXIT.ok
  } finally {
    await cleanup.dispose()
  }
}
