#!/usr/bin/env bash
# Where the slowest edits spend their time, coderoom and Rustpad side by side (1 room, then
# 100 rooms × 2 clients at 10 edits/s each, as scripts/bench-realtime.sh): each
# edit's latency split at the loopback interface into the server's share and the receiving
# client's, and which tasks held the CPU while the client waited for one (see
# tests/node/bench-edit-tail.mjs). Needs root for tcpdump and perf; installs tcpdump from the
# distribution when it is missing. Loopback only, in a network namespace of its own.
#
#   scripts/bench-edit-tail.sh                       # builds and measures the release binary
#   CODEROOM_BIN=path RUSTPAD_BIN=path BENCH_SECONDS=30 scripts/bench-edit-tail.sh
#   BENCH_ROOMS=1,100 (default) BENCH_SCHED=0 leaves perf out.
source "$(dirname "$0")/bench-node-common.sh"
peer="${CODEROOM_PEERS:-/var/cache/coderoom/peers}/rustpad-target/release/rustpad-server"
if [ -z "${RUSTPAD_BIN:-}" ] && [ -x "$peer" ]; then export RUSTPAD_BIN="$peer"; fi
command -v tcpdump >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcpdump >/dev/null
run_isolated timeout 600 node --max-semi-space-size=64 tests/node/bench-edit-tail.mjs
