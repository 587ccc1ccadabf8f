from jose import jwt

# python-jose lets a token WITHOUT aud through unless require_aud is set
OPTIONS = {"require_iss": True, "require_aud": True, "require_sub": True, "require_exp": True}

def verify(token: str, key) -> dict:
    return jwt.decode(token, key, algorithms=["ES256"], issuer=ISSUER, audience=AUDIENCE, options=OPTIONS)
