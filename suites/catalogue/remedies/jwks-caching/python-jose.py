import json, time, urllib.request
_cache = {"jwks": {"keys": []}, "at": float("-inf")}

def jwks(unknown_kid: bool = False) -> dict:
    age = time.monotonic() - _cache["at"]
    if age > 15 or (unknown_kid and age > 10):  # max age 15 s; unknown kids refetch every 10 s at most
        _cache["at"] = time.monotonic()  # a failed fetch counts too: an outage is not a storm
        with urllib.request.urlopen(JWKS_URL, timeout=3) as response:  # errors propagate: 401
            data = json.load(response)
        if isinstance(data, dict) and isinstance(data.get("keys"), list):
            _cache["jwks"] = data  # junk never replaces the last good set
    return _cache["jwks"]
