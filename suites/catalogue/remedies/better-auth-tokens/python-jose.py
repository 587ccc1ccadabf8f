from jose import jwk, jwt

def verify(token: str, plugin_jwk: dict) -> dict:  # from {BETTER_AUTH_URL}/api/auth/jwks
    key = jwk.construct(plugin_jwk, algorithm="ES256")  # jwks.keyPairConfig: { alg: "ES256" }
    return jwt.decode(token, key, algorithms=["ES256"], issuer=BETTER_AUTH_URL, audience=API_AUDIENCE,
                      options={"require_aud": True, "require_iss": True, "require_sub": True})
