from jose import JWTError, jwk, jwt

def verify(token: str, public_jwk: dict) -> dict:
    if public_jwk.get("kty") != "EC":  # the key type ES256 needs, checked before use
        raise JWTError("unexpected key type")
    key = jwk.construct(public_jwk, algorithm="ES256")  # an ECKey: HMAC never sees its bytes
    return jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)
