from fastapi import HTTPException
from jose import JOSEError, jwt

def claims_or_401(token: str, key) -> dict:
    try:
        header = jwt.get_unverified_header(token) if len(token) <= 8192 else {"crit": "too large"}
        if "crit" in header or not isinstance(header.get("kid", ""), str):  # python-jose ignores crit
            raise JOSEError("oversized token, unsupported crit or a kid that is not a string")
        return jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)
    except (JOSEError, ValueError, TypeError, KeyError):  # odd claim types raise TypeError
        raise HTTPException(401, "invalid_token", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
