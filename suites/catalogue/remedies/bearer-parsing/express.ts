import type { NextFunction, Request, Response } from 'express'

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i // RFC 6750 §2.1; the scheme is case-insensitive

export function bearerToken(req: Request, res: Response, next: NextFunction) {
  const match = BEARER.exec(req.get('authorization') ?? '')
  if (match && !('access_token' in req.query)) {
    res.locals.token = match[1] // verify it next; the query string is never read
    return next()
  }
  res.set('WWW-Authenticate', 'Bearer error="invalid_token"').status(401).end()
}
