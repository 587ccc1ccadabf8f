import jwt

jwks = jwt.PyJWKClient(JWKS_URL)

def verify(token: str) -> dict:
    key = jwks.get_signing_key_from_jwt(token).key
    # never options={"verify_signature": False}: it also turns off exp, aud and iss
    return jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER)
