# requirements.txt: python-jose[cryptography], not the pure-Python rsa/ecdsa backends
from jose.backends import ECKey

if ECKey.__module__ != "jose.backends.cryptography_backend":
    raise RuntimeError("python-jose is not using the cryptography backend")
