#!/usr/bin/env bash
# Fetches the web client's third-party browser libraries from npm at exact versions and copies
# their browser bundles and licence files into mockmate/web/vendor/. Rerun it to update (change a
# version here, run, commit the result and the table in docs/web.md). Needs only `npm` and `tar`.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=mockmate/web/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# name@version  file-in-package  vendored-name
PACKAGES=(
  "socket.io-client@4.8.1 dist/socket.io.min.js socket.io.min.js"
  "chart.js@4.4.7 dist/chart.umd.js chart.umd.js"
  "htm@3.1.1 preact/standalone.module.js preact-htm.module.js"
  # htm's standalone module bundles Preact 10 (with hooks): ship Preact's licence beside it.
  "preact@10.25.4 - -"
)

rm -rf "$DEST"
mkdir -p "$DEST"
for entry in "${PACKAGES[@]}"; do
  read -r spec file name <<<"$entry"
  pkg=${spec%@*}
  (cd "$WORK" && npm pack --silent "$spec" >/dev/null)
  tarball=$(ls "$WORK"/*.tgz)
  mkdir -p "$WORK/x"
  tar -xzf "$tarball" -C "$WORK/x"
  [ "$file" = "-" ] || cp "$WORK/x/package/$file" "$DEST/$name"
  licence=$(ls "$WORK/x/package" | grep -iE '^licen[cs]e' | head -n1)
  cp "$WORK/x/package/$licence" "$DEST/LICENSE.${pkg//\//-}.txt"
  rm -rf "$WORK/x" "$tarball"
  echo "vendored $spec -> $DEST/${name/#-/licence only}"
done
