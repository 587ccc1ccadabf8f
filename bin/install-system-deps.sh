#!/usr/bin/env bash
# The Debian packages authconform uses beyond npm, installed only when missing:
#   chromium      the cors and flow suites (Debian's build; playwright-core never downloads one)
#   openssl       self-signed certificates (x5u/x5c attacks, https frontend pages)
#   python3-*     the FastAPI reference targets (Debian's packages; no PyPI)
# Needs root (or sudo) for apt-get; a no-op when everything is present.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v openssl >/dev/null || missing+=(openssl)
/usr/bin/python3 -c 'import fastapi, uvicorn, jwt, jose, cryptography' 2>/dev/null ||
  missing+=(python3-fastapi python3-uvicorn python3-jwt python3-jose python3-cryptography)

if [ ${#missing[@]} -gt 0 ]; then
  echo "authconform: installing Debian packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
