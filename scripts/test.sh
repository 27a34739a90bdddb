#!/usr/bin/env bash
# Installs what the test suite needs (redis-server from Debian, the package with its test
# extras from PyPI), checks style and types, then runs the whole suite against a real
# redis-server and a real nx-27017 that the tests start on free ports.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests run for real: redis-server, redis-sentinel (Sentinel failover) and
# nginx (the reverse-proxy recipe). The tests start their own on loopback ports; a service the
# package starts by itself (nginx on port 80, the default sentinel) is stopped again.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  for service in nginx redis-sentinel; do
    $SUDO service "$service" stop >/dev/null 2>&1 || true
  done
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

python3 -m ruff check .
python3 -m mypy
python3 -m pytest "$@"
