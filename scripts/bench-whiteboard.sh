#!/usr/bin/env bash
# Whiteboard benchmark: stroke propagation p50/p99 and server CPU per update with 100 rooms × 2
# clients drawing (beside the code editor's edits at the same rate, same run), and the memory
# of an open board. Loopback only; bounded (≈ 400 connections, ≈ 2 minutes).
#
#   scripts/bench-whiteboard.sh            # builds and measures the release binary
#   CODEROOM_BIN=path scripts/bench-whiteboard.sh
#   BENCH_SECONDS=20 BENCH_ROOMS=100 BENCH_SHAPES=100 (defaults)
source "$(dirname "$0")/bench-node-common.sh"
ulimit -n 8192 2>/dev/null || true
run_isolated timeout 900 node --max-semi-space-size=64 tests/node/bench-whiteboard.mjs
