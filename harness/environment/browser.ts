import { existsSync } from 'node:fs'
import type { BrowserContext } from '../context.ts'
import { createDebug } from '../debug.ts'
import { errorMessage } from '../errors.ts'
import type { Cleanup } from './cleanup.ts'
import { startPageServers } from './pages.ts'

const debug = createDebug('browser')

/** Debian's Chromium; never a downloaded browser. AUTHCONFORM_CHROMIUM points elsewhere. */
export const chromiumPath = () => process.env.AUTHCONFORM_CHROMIUM || '/usr/bin/chromium'
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
const DISALLOWED_HOST = 'disallowed.authconform.test'

/**
 * One Chromium (a Playwright browser server) for the whole run, plus the page servers for
 * the configured frontend origins. A missing or broken Chromium does not stop the run: the
 * browser cases report it as their error, one line with the fix.
 */
export async function startBrowser(origins: string[], cleanup: Cleanup, issuers: { clientScript?: string; ports: ReadonlySet<number> }): Promise<BrowserContext> {
  const servers = cleanup.use('page servers', await startPageServers(origins, DISALLOWED_HOST, { clientScript: issuers.clientScript, issuerPorts: issuers.ports }))
  const context: BrowserContext = { disallowedOrigin: servers.disallowedOrigin, pages: servers.pages }
  const executablePath = chromiumPath()
  if (!existsSync(executablePath)) {
    return { ...context, error: `Chromium not found at ${executablePath}: apt-get install chromium (or set AUTHCONFORM_CHROMIUM to its path)` }
  }
  try {
    const { chromium } = await import('playwright-core')
    const server = await chromium.launchServer({
      executablePath,
      args: [...CHROMIUM_FLAGS, `--host-resolver-rules=${servers.resolverRules.join(', ')}`, ...(servers.usesTls ? ['--ignore-certificate-errors'] : [])],
      // The run's own SIGINT/SIGTERM handling stops Chromium through the cleanup stack.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    })
    cleanup.defer('chromium', () => server.close())
    debug(`chromium at ${server.wsEndpoint()}`)
    return { ...context, wsEndpoint: server.wsEndpoint() }
  } catch (error) {
    return { ...context, error: `Chromium at ${executablePath} did not start: ${errorMessage(error).split('\n')[0]} (apt-get install --reinstall chromium)` }
  }
}
