import jwt

def verify(token: str, key) -> dict:
    return jwt.decode(
        token, key, algorithms=["EdDSA"],
        issuer=ISSUER,  # compared as an exact string
        audience=AUDIENCE,  # this API's audience; never options={"verify_aud": False}
        options={"require": ["exp", "iss", "aud", "sub"]},
    )
