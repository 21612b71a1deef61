#!/usr/bin/env bash
# Real-time room benchmark, side by side with Rustpad when it is built (scripts/build-peers.sh):
# idle memory, the memory of 1,000 open editor connections, edit propagation p50/p99 for
# 1 room × 2 clients and 100 rooms × 2 clients at 10 edits/s each, server CPU per edit.
# Loopback only: the servers and the client run in a network namespace of their own when
# `unshare` allows it. Bounded (≈ 1,200 connections, ≈ 2.5 minutes per server).
#
#   scripts/bench-realtime.sh            # builds and measures the release binary
#   CODEROOM_BIN=path RUSTPAD_BIN=path scripts/bench-realtime.sh
#   BENCH_SECONDS=20 BENCH_ONE_ROOM_SECONDS=60 BENCH_CONNECTIONS=1000 (defaults)
source "$(dirname "$0")/bench-node-common.sh"
peer="${CODEROOM_PEERS:-/var/cache/coderoom/peers}/rustpad-target/release/rustpad-server"
if [ -z "${RUSTPAD_BIN:-}" ] && [ -x "$peer" ]; then export RUSTPAD_BIN="$peer"; fi
[ -n "${RUSTPAD_BIN:-}" ] || echo "Rustpad not built (scripts/build-peers.sh): measuring coderoom alone" >&2
# 1,200 sockets on each side of the loopback.
ulimit -n 8192 2>/dev/null || true
# A larger young generation keeps the client's own garbage collection pauses (tens of ms)
# out of the latency it measures.
run_isolated timeout 900 node --max-semi-space-size=64 tests/node/bench-realtime.mjs
