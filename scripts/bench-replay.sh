#!/usr/bin/env bash
# Replay benchmark: an interview of 10,000 edits recorded through the real endpoint, then the
# replay's first frame (cold and warm), seeks side by side with a reconstruction without
# checkpoints, the server's code?at=, and the history's size on disk. Loopback only.
#
#   scripts/bench-replay.sh              # builds and measures the release binary
#   CODEROOM_BIN=path BENCH_EDITS=10000 scripts/bench-replay.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"
if [ -z "${CODEROOM_BIN:-}" ]; then
  cargo build --release --bin coderoom
  CODEROOM_BIN="$CARGO_TARGET_DIR/release/coderoom"
fi
export CODEROOM_BIN

(cd tests/node && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
(cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
timeout 900 node tests/node/bench-replay.mjs
