# requirements.txt: PyJWT[crypto] (cryptography does the math); keep both current (pip-audit)
import jwt

jwks = jwt.PyJWKClient(JWKS_URL)

def verify(token: str) -> dict:
    key = jwks.get_signing_key_from_jwt(token).key
    return jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)
