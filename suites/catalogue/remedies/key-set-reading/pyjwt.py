import jwt

def _parses(key: dict) -> bool:
    try: return bool(jwt.PyJWK(key))
    except (jwt.PyJWTError, ValueError): return False  # a bad base64 is a ValueError

class TolerantJWKClient(jwt.PyJWKClient):
    """PyJWT 2.6 raises for the whole set over one key it cannot parse: keep the keys it can."""
    def get_jwk_set(self, refresh: bool = False) -> jwt.PyJWKSet:
        cached = None if refresh or self.jwk_set_cache is None else self.jwk_set_cache.get()
        keys = (cached or self.fetch_data()).get("keys", [])
        return jwt.PyJWKSet([k for k in keys if _parses(k)])  # unknown kty, use "enc": skipped later
