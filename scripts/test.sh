#!/usr/bin/env bash
# Installs what the test suite needs (redis-server and espeak-ng from Debian, the package with
# its test extras from PyPI), checks style and types, then runs the whole suite against a real
# redis-server and a real nx-27017 that the tests start on free ports.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: redis-server for the tests' Redis, espeak-ng as a second synthetic voice
# (unlike Piper's) for the transcription accuracy tests.
MISSING=""
command -v redis-server >/dev/null 2>&1 || MISSING="$MISSING redis-server"
command -v espeak-ng >/dev/null 2>&1 || MISSING="$MISSING espeak-ng"
if [ -n "$MISSING" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

python3 -m ruff check .
python3 -m mypy
python3 -m pytest "$@"
