from jose import jwt

def verify(token: str, key) -> dict:
    # never jwt.get_unverified_claims(token) or options={"verify_signature": False} to authenticate
    return jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)
