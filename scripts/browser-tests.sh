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
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data_dir"' EXIT

for _ in $(seq 1 100); do
  url=$(sed -n 's/^coderoom is listening on \(http:[^ ]*\).*/\1/p' "$data_dir/stdout" | head -1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] || { echo "server did not start"; cat "$log"; exit 1; }
echo "server at $url"

# tls.test.mjs starts its own HTTPS and plain-HTTP servers from the same binary.
(cd web && CODEROOM_URL="$url" CODEROOM_BIN="$binary" node --test e2e/)
echo "screenshots in $SCREENSHOT_DIR:"
ls -1 "$SCREENSHOT_DIR"
