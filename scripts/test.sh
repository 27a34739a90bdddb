#!/usr/bin/env bash
# Installs what the test suite needs (redis-server and chromium from Debian, the package with
# its test extras from PyPI), checks style and types, then runs the whole suite against a real
# redis-server and a real nx-27017 that the tests start on free ports.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: redis-server for the tests' Redis, chromium for the browser tests (driven by
# Playwright from PyPI, which then needs no browser download of its own).
MISSING=()
command -v redis-server >/dev/null 2>&1 || MISSING+=(redis-server)
[ -x /usr/bin/chromium ] || MISSING+=(chromium)
if [ "${#MISSING[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${MISSING[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

python3 -m ruff check .
python3 -m mypy
python3 -m pytest "$@"
