#!/usr/bin/env bash
# Writes the API contract into the repository: docs/openapi.json (the document the server
# serves at /api/openapi.json) and web/src/api/generated.ts (the web app's types, generated
# from it). With --check, changes nothing and fails when either file differs from what the
# server's code generates (CI runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"
bin="${CODEROOM_BIN:-$CARGO_TARGET_DIR/debug/coderoom}"
[ -x "$bin" ] || cargo build --quiet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A throwaway data folder: printing the document opens no database.
"$bin" --data-dir "$work/data" openapi > "$work/openapi.json"
(cd web && node scripts/api-types.mjs "$work/openapi.json") > "$work/generated.ts"
if [ "${1:-}" = "--check" ]; then
  status=0
  for pair in "docs/openapi.json:$work/openapi.json" "web/src/api/generated.ts:$work/generated.ts"; do
    committed="${pair%%:*}"
    if ! diff -u "$committed" "${pair#*:}" > "$work/diff"; then
      head -40 "$work/diff" >&2
      echo "$committed is not what the server's code generates: run scripts/api-types.sh and commit it" >&2
      status=1
    fi
  done
  exit "$status"
fi
cp "$work/openapi.json" docs/openapi.json
cp "$work/generated.ts" web/src/api/generated.ts
echo "wrote docs/openapi.json and web/src/api/generated.ts"
