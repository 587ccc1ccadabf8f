from jose import jwk, jwt

ALGORITHM = "ES256"  # from config; python-jose 3.3 cannot verify EdDSA, Better Auth's default

def verify(token: str, public_jwk: dict) -> dict:
    key = jwk.construct(public_jwk, algorithm=ALGORITHM)  # the key object carries the pinned alg
    return jwt.decode(token, key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER)
