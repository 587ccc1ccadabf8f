import jwt

jwks = jwt.PyJWKClient(JWKS_URL)

def verify(token: str) -> dict:
    # kid only selects among the fetched keys: never open(f"keys/{kid}"), SQL or a shell with it
    try:
        key = jwks.get_signing_key_from_jwt(token).key
    except jwt.PyJWKClientError as e:  # unknown or missing kid
        raise jwt.InvalidTokenError("unknown kid") from e
    return jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER)
