#!/usr/bin/env bash
# Rooms shared across instances: edit propagation and CPU per edit with the two people of a room
# on different instances of one SurrealDB server, side by side with both on one instance and
# with the single embedded appliance (tests/node/bench-cluster.mjs says what is measured).
# Loopback only, in a network namespace of its own where allowed; about 4 minutes.
#
#   scripts/bench-cluster.sh
#   CODEROOM_BIN=path CODEROOM_SURREAL_BIN=path BENCH_SECONDS=30 BENCH_ROOMS=20 scripts/bench-cluster.sh
source "$(dirname "$0")/bench-node-common.sh"
if [ -z "${CODEROOM_SURREAL_BIN:-}" ]; then
  CODEROOM_SURREAL_BIN="$(scripts/build-surrealdb-server.sh)"
fi
export CODEROOM_SURREAL_BIN
run_isolated timeout 900 node --max-semi-space-size=64 tests/node/bench-cluster.mjs
