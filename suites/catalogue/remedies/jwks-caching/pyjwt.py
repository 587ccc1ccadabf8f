import jwt

# lifespan bounds how long a removed key works; PyJWT >= 2.7 also takes timeout=3 (2.6 has none)
jwks = jwt.PyJWKClient(JWKS_URL, cache_jwk_set=True, lifespan=15)

def verify(token: str) -> dict:
    try:
        key = jwks.get_signing_key_from_jwt(token).key
    except jwt.PyJWKClientError as e:  # issuer down, junk JWKS or unknown kid: fail closed
        raise jwt.InvalidTokenError("no trusted key") from e
    return jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER)
