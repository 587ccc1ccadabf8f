import jwt

jwks = jwt.PyJWKClient(JWKS_URL)

def verify(token: str) -> dict:
    key = jwks.get_signing_key_from_jwt(token).key  # a key object, not PEM bytes HMAC could use
    # one asymmetric family only: "HS256" in this list next to a public key reopens the hole
    return jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER)
