#!/usr/bin/env bash
# Real-time room benchmark: edit propagation p50/p99 for 1 room × 2 clients and 100 rooms ×
# 2 clients at 10 edits/s each, server CPU per edit, and the memory of 1,000 open editor
# connections. Loopback only; bounded (≈ 1,200 connections, ≈ 2.5 minutes).
#
#   scripts/bench-realtime.sh            # builds and measures the release binary
#   CODEROOM_BIN=path scripts/bench-realtime.sh
#   BENCH_SECONDS=20 BENCH_ONE_ROOM_SECONDS=60 BENCH_CONNECTIONS=1000 (defaults)
source "$(dirname "$0")/bench-node-common.sh"
# 1,200 sockets on each side of the loopback.
ulimit -n 8192 2>/dev/null || true
# A larger young generation keeps the client's own garbage collection pauses (tens of ms)
# out of the latency it measures.
timeout 600 node --max-semi-space-size=64 tests/node/bench-realtime.mjs
