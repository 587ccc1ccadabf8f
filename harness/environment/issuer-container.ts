import { randomBytes } from 'node:crypto'
import { ensureImage, startHostContainer } from './containers.ts'
import { issuerCoordinates, type IssuerOptions, type StartedIssuer } from './issuer.ts'
import { freePort } from './ports.ts'
import { DEFAULT_BASE_PATH, DEFAULT_JWKS_PATH } from '../core/protocol/better-auth.ts'

/** What the issuer image is built from; anything else changing does not rebuild it. */
const ISSUER_CONTEXT = ['docker/issuer', 'harness']

/** The official Node image for users; CI points AUTHCONFORM_NODE_IMAGE at a locally built one. */
export const issuerImage = () =>
  ensureImage({
    repository: 'authconform/issuer',
    dockerfile: 'docker/issuer/Dockerfile',
    context: ISSUER_CONTEXT,
    buildArgs: { NODE_IMAGE: process.env.AUTHCONFORM_NODE_IMAGE ?? 'node:22-bookworm-slim' },
  })

/**
 * The reference issuer as a container (docker runtime): the same issuer code and control
 * plugin as in-process, configured by env, on the host's network at a port picked here.
 */
export async function startIssuerContainer(options: IssuerOptions & { browserPages: boolean }): Promise<StartedIssuer> {
  const image = await issuerImage()
  const port = options.port || (await freePort())
  const baseURL = `http://127.0.0.1:${port}`
  const secret = options.secret ?? randomBytes(32).toString('hex')
  const controlKey = options.controlKey ?? randomBytes(24).toString('base64url')
  const container = await startHostContainer({
    image,
    name: `issuer ${options.profile}`,
    env: {
      AUTHCONFORM_PROFILE: options.profile,
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      AUTHCONFORM_EXPIRES_IN: options.expiresIn,
      ...(options.issuer && { AUTHCONFORM_ISSUER: options.issuer }),
      ...(options.audience && { AUTHCONFORM_AUDIENCE: options.audience }),
      ...(options.basePath && { AUTHCONFORM_BASE_PATH: options.basePath }),
      ...(options.jwksPath && { AUTHCONFORM_JWKS_PATH: options.jwksPath }),
      ...(options.trustedOrigins?.length && { AUTHCONFORM_TRUSTED_ORIGINS: options.trustedOrigins.join(',') }),
      ...(options.browserPages && { AUTHCONFORM_BROWSER_PAGES: '1' }),
      ...(options.rotationSeconds && { AUTHCONFORM_ROTATION_SECONDS: String(options.rotationSeconds) }),
      ...(options.gracePeriodSeconds && { AUTHCONFORM_GRACE_PERIOD_SECONDS: String(options.gracePeriodSeconds) }),
      ...(options.cookiePrefix && { AUTHCONFORM_COOKIE_PREFIX: options.cookiePrefix }),
      BETTER_AUTH_SECRET: secret,
      AUTHCONFORM_CONTROL_KEY: controlKey,
    },
    ready: /authconform issuer ready/,
    timeoutMs: 120_000,
    errorCode: 'ERR_ISSUER_START',
  })
  const paths = { basePath: options.basePath ?? DEFAULT_BASE_PATH, jwksPath: options.jwksPath ?? DEFAULT_JWKS_PATH }
  const coordinates = issuerCoordinates({ profile: options.profile, baseURL, ...paths, issuer: options.issuer ?? baseURL, audience: options.audience ?? baseURL, secret, controlKey })
  return { ...coordinates, [Symbol.asyncDispose]: () => container[Symbol.asyncDispose]() }
}
