#!/usr/bin/env bash
# Installs what the test suite needs (redis-server from Debian, the package with its test
# extras from PyPI), checks style and types, then runs the whole suite against a real
# redis-server and a real nx-27017 that the tests start on free ports.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

python3 -m ruff check .
python3 -m mypy
python3 -m pytest "$@"
