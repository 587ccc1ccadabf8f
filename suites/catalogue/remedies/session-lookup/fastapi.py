from fastapi import HTTPException

def session_user(bearer: str) -> str:
    """A session token (or the cookie's <token>.<signature>): a live session of a live user."""
    row = db.fetch_one('SELECT s."userId" FROM "session" s JOIN "user" u ON u.id = s."userId"'
                       ' WHERE s.token = %s AND s."expiresAt" > now()', (bearer.split(".", 1)[0],))
    if row is None:  # signed out, expired, or the user was deleted
        raise HTTPException(401, "invalid_token", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return row[0]
# A JWT: after jwt.decode, refuse its sub unless db.fetch_one('SELECT 1 FROM "user" WHERE id = %s', (sub,))
