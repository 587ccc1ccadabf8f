import jwt

def verify(token: str, key) -> dict:
    claims = jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER,
                        leeway=30, options={"require": ["exp"]})  # checks exp, nbf and a future iat
    if not all(isinstance(claims.get(c, 0), (int, float)) for c in ("exp", "nbf", "iat")):
        raise jwt.InvalidTokenError("exp, nbf and iat must be numbers")  # int() took "9999999999"
    return claims
