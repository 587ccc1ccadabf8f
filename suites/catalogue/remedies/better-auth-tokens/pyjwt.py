import jwt

jwks = jwt.PyJWKClient(f"{BETTER_AUTH_URL}/api/auth/jwks")

def verify(token: str) -> dict:
    key = jwks.get_signing_key_from_jwt(token).key  # the session_data cookie has no kid from here
    return jwt.decode(token, key, algorithms=["EdDSA"], issuer=BETTER_AUTH_URL,
                      audience=API_AUDIENCE,  # issuer side: jwt({ jwt: { audience: API_AUDIENCE } })
                      options={"require": ["exp", "iss", "aud", "sub"]})
