import time
from jose import JWTError, jwt

def verify(token: str, key) -> dict:
    claims = jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER,
                        options={"require_exp": True, "leeway": 30})  # checks exp and nbf
    times = [claims.get(c, 0) for c in ("exp", "nbf", "iat")]
    if not all(isinstance(t, (int, float)) for t in times) or times[2] > time.time() + 60:
        raise JWTError("exp/nbf/iat must be numbers and iat not in the future")
    return claims
