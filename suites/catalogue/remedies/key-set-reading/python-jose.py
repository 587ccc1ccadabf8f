from jose import jwk, jwt

def key_for(token: str, jwks: dict) -> dict:
    """The key of the token's kid among those for signatures; skip what cannot be read."""
    kid = jwt.get_unverified_header(token).get("kid")
    for key in (k for k in jwks["keys"] if k.get("kid") == kid and k.get("use", "sig") == "sig"):
        try:
            return jwk.construct(key, "ES256").to_dict()  # your pinned alg, never the key's
        except Exception:  # python-jose raises JWKError or a bare ValueError
            continue
    raise jwt.JWTError("no usable signing key for this kid")
