import type { Principal } from '../core/context.ts'
import { signUp } from '../core/protocol/better-auth.ts'
import type { IssuerCoordinates } from '../environment/issuer.ts'

/**
 * Users A and B, signed up through the issuer's real HTTP API (exactly what a browser does),
 * with their JWTs from `GET /api/auth/token`.
 */
export async function signUpPrincipals(issuer: IssuerCoordinates, runId: string): Promise<{ a: Principal; b: Principal }> {
  const [a, b] = await Promise.all([signUp(issuer, 'a', runId), signUp(issuer, 'b', runId)])
  return { a, b }
}
