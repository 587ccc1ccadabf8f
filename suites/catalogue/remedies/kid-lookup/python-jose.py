from jose import JWTError, jwk, jwt

def key_for(token: str, jwks: dict):  # jwks: the set fetched from JWKS_URL
    kid = jwt.get_unverified_header(token).get("kid")
    keys = {k["kid"]: k for k in jwks["keys"] if isinstance(k.get("kid"), str)}
    if not isinstance(kid, str) or kid not in keys:
        raise JWTError("unknown kid")  # refetch the set at most once per cooldown, then 401
    return jwk.construct(keys[kid], algorithm="ES256")
