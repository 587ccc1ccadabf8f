import os
import jwt

SECRET = os.environ["JWT_SECRET"].encode()  # KeyError at startup, never a blank default
if len(SECRET) < 32:
    raise RuntimeError("JWT_SECRET must be at least 32 random bytes (openssl rand -base64 32)")

def verify(token: str) -> dict:
    return jwt.decode(token, SECRET, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)
