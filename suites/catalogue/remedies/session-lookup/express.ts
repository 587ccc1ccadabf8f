import type { NextFunction, Request, Response } from 'express'
import type { Pool } from 'pg'

// Better Auth's session token (or the cookie's <token>.<signature>): a live session of a live user.
const LIVE = 'SELECT "userId" FROM "session" JOIN "user" u ON u.id = "userId" WHERE token = $1 AND "expiresAt" > now()'
export const sessionUser = (db: Pool) => async (req: Request, res: Response, next: NextFunction) => {
  const token = (/^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '').split('.')[0]
  const { rows } = await db.query(LIVE, [token])
  if (!rows[0]) return res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').end()
  res.locals.claims = { sub: rows[0].userId as string }
  next()
}
