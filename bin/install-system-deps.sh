#!/usr/bin/env bash
# The Debian packages authconform uses beyond npm, installed only when missing:
#   chromium      the cors and flow suites (Debian's build; playwright-core never downloads one)
#   openssl       self-signed certificates (x5u/x5c attacks, https frontend pages)
#   python3-*     the FastAPI reference targets (Debian's packages; no PyPI; psycopg2 for the
#                 database-backed ones) — not with --run-only
#   golang-*      the go-good reference target (golang-jwt v4, go-jose v2; GOPATH mode) — not with --run-only
#   ruby-*        the ruby-good reference target (ruby-jwt, Sinatra on WEBrick) — not with --run-only
# --run-only: only what `authconform run` needs against your own backend (the GitHub Action).
# Needs root (or sudo) for apt-get; a no-op when everything is present.
set -euo pipefail

run_only=false
[ "${1:-}" = "--run-only" ] && run_only=true

missing=()
# A Chrome that is already there (GitHub's Ubuntu runners ship google-chrome; Ubuntu's own
# chromium package is a snap stub) is used through AUTHCONFORM_CHROMIUM instead.
if [ ! -x /usr/bin/chromium ] && [ -z "${AUTHCONFORM_CHROMIUM:-}" ]; then
  if command -v google-chrome >/dev/null; then
    echo "authconform: using $(command -v google-chrome) (set AUTHCONFORM_CHROMIUM to choose another)" >&2
    [ -n "${GITHUB_ENV:-}" ] && echo "AUTHCONFORM_CHROMIUM=$(command -v google-chrome)" >> "$GITHUB_ENV"
  else
    missing+=(chromium)
  fi
fi
command -v openssl >/dev/null || missing+=(openssl)
if [ "$run_only" = false ]; then
  /usr/bin/python3 -c 'import fastapi, uvicorn, jwt, jose, cryptography' 2>/dev/null ||
    missing+=(python3-fastapi python3-uvicorn python3-jwt python3-jose python3-cryptography)
  /usr/bin/python3 -c 'import psycopg2' 2>/dev/null || missing+=(python3-psycopg2)
  { command -v go >/dev/null && [ -f /usr/share/gocode/src/github.com/golang-jwt/jwt/parser.go ] &&
    [ -f /usr/share/gocode/src/gopkg.in/square/go-jose.v2/jwk.go ]; } ||
    missing+=(golang-go golang-github-golang-jwt-jwt-dev golang-gopkg-square-go-jose.v2-dev)
  /usr/bin/ruby -e 'require "jwt"; require "sinatra/base"; require "webrick"' 2>/dev/null ||
    missing+=(ruby ruby-jwt ruby-sinatra ruby-webrick)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "authconform: installing Debian packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
