#!/usr/bin/env bash
# Replay benchmark: an interview of 10,000 edits recorded through the real endpoint, then the
# replay's first frame (cold and warm), seeks side by side with a reconstruction without
# checkpoints, the server's code?at=, and the history's size on disk. Loopback only.
#
#   scripts/bench-replay.sh              # builds and measures the release binary
#   CODEROOM_BIN=path BENCH_EDITS=10000 scripts/bench-replay.sh
source "$(dirname "$0")/bench-node-common.sh"
(cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
timeout 900 node tests/node/bench-replay.mjs
