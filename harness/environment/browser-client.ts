// Bundled for the browser (never run by node): the real Better Auth client, exactly what a
// Next.js frontend imports, exposed to the sign-in flow page.
import { createAuthClient } from 'better-auth/client'
import { jwtClient } from 'better-auth/client/plugins'

;(globalThis as Record<string, unknown>).authconform = { createAuthClient, jwtClient }
