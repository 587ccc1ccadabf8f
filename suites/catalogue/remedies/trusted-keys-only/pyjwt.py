import jwt

jwks = jwt.PyJWKClient(JWKS_URL)  # the one key source, from config

def verify(token: str) -> dict:
    # PyJWT never reads jwk/jku/x5u/x5c; code that does (PyJWKClient(header["jku"])) is the bug
    key = jwks.get_signing_key_from_jwt(token).key
    return jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER)
