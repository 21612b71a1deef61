#!/usr/bin/env bash
# Starts a fresh coderoom on a free loopback port and runs the browser tests against it
# with Debian's Chromium. Screenshots land in $SCREENSHOT_DIR (default target/screenshots).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"

cargo build --quiet
binary="$CARGO_TARGET_DIR/debug/coderoom"
data_dir="$(mktemp -d)"
log="$data_dir/server.log"
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$PWD/target/screenshots}"
mkdir -p "$SCREENSHOT_DIR"

# An administrator for web/e2e/admin.test.mjs, created before the server holds the database;
# the browser tests register everyone else.
export CODEROOM_ADMIN_EMAIL="admin-e2e@example.test"
export CODEROOM_ADMIN_PASSWORD="admin-e2e-$(date +%s)-$RANDOM"
"$binary" users create --data-dir "$data_dir/data" --name "E2E Admin" --email "$CODEROOM_ADMIN_EMAIL" \
  --password "$CODEROOM_ADMIN_PASSWORD" --role admin >/dev/null

"$binary" serve --bind 127.0.0.1:0 --data-dir "$data_dir/data" >"$data_dir/stdout" 2>"$log" &
server=$!
# A second server without an administrator, for the first-run page (web/e2e/setup.test.mjs).
"$binary" serve --bind 127.0.0.1:0 --data-dir "$data_dir/fresh" >"$data_dir/fresh-stdout" 2>>"$log" &
fresh=$!
trap 'kill $server $fresh 2>/dev/null || true; wait $server $fresh 2>/dev/null || true; rm -rf "$data_dir"' EXIT

listening_url() { sed -n 's/^coderoom is listening on \(http:[^ ]*\).*/\1/p' "$1" | head -1; }
for _ in $(seq 1 100); do
  url=$(listening_url "$data_dir/stdout")
  setup_url=$(listening_url "$data_dir/fresh-stdout")
  [ -n "$url" ] && [ -n "$setup_url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] && [ -n "${setup_url:-}" ] || { echo "server did not start"; cat "$log"; exit 1; }
setup_token=$(sed -n 's/^setup token: //p' "$data_dir/fresh-stdout" | head -1)
echo "server at $url; server to set up at $setup_url"

# tls.test.mjs starts its own HTTPS and plain-HTTP servers from the same binary.
(cd web && CODEROOM_URL="$url" CODEROOM_SETUP_URL="$setup_url" CODEROOM_SETUP_TOKEN="$setup_token" CODEROOM_BIN="$binary" node --test e2e/)
echo "screenshots in $SCREENSHOT_DIR:"
ls -1 "$SCREENSHOT_DIR"
