import jwt
from fastapi import HTTPException

def claims_or_401(token: str) -> dict:
    try:
        if len(token) > 8192 or "crit" in jwt.get_unverified_header(token):  # PyJWT < 2.12 ignores crit
            raise jwt.InvalidTokenError("oversized token or unsupported crit")
        return verify(token)  # your jwt.decode(...) with pinned algorithms, issuer and audience
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):  # PyJWKClientError is no InvalidTokenError
        raise HTTPException(401, "invalid_token", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
