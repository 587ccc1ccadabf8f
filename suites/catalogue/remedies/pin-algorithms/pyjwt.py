import jwt

ALGORITHMS = ["EdDSA"]  # from config: what your issuer signs with, never the token's "alg"
jwks = jwt.PyJWKClient(JWKS_URL)

def verify(token: str) -> dict:
    key = jwks.get_signing_key_from_jwt(token).key
    # "none", "None", "HS256", "ES512"... are refused: they are not in ALGORITHMS
    return jwt.decode(token, key, algorithms=ALGORITHMS, audience=AUDIENCE, issuer=ISSUER)
