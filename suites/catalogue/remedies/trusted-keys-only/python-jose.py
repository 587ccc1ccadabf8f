from jose import JWTError, jwk, jwt

def verify(token: str, jwks: dict) -> dict:  # jwks: fetched from JWKS_URL, never from the header
    kid = jwt.get_unverified_header(token).get("kid")
    match = next((k for k in jwks["keys"] if k.get("kid") == kid), None)
    if match is None:
        raise JWTError("kid is not in the configured JWKS")
    key = jwk.construct(match, algorithm="ES256")
    return jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)
