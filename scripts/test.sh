#!/usr/bin/env bash
# Runs every coderoom test: formatting and lints, the Rust unit and integration tests
# (real server, real embedded database, real Docker sandbox) and the browser tests
# (real Chromium). Prepares what the tests need first; every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"
mkdir -p "$CARGO_TARGET_DIR"

step() { printf '\n==> %s\n' "$*"; }

step "test prerequisites"
scripts/setup-test-env.sh

step "web app: install, typecheck"
(cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run -s typecheck)

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --all-targets -- -D warnings

step "sandbox runtime images and their test programs"
cargo build --quiet
# Every image (current ones are kept), then each runtime's test program.
"$CARGO_TARGET_DIR/debug/coderoom" runtimes build --all
"$CARGO_TARGET_DIR/debug/coderoom" runtimes test

step "API contract: docs/openapi.json and web/src/api/generated.ts are what the code generates"
scripts/api-types.sh --check

step "second Docker engine (tests/api/engines.rs)"
# Its data root is kept: the core image is copied into it on the first run only.
scripts/start-second-docker.sh

step "SurrealDB server for the two-instance tests (tests/api/cluster.rs)"
# Built once into a cache folder outside the clone (about 25 minutes on two cores the first
# time, nothing after); the tests start it on a loopback port, in memory.
CODEROOM_SURREAL_BIN="$(scripts/build-surrealdb-server.sh)"
export CODEROOM_SURREAL_BIN

step "cargo test (unit + integration)"
# Three at a time: the suite's judge tests compile and run a dozen languages at once, and with
# more of them on two cores, runs waited past their deadlines.
cargo test --no-fail-fast -- --test-threads="${CODEROOM_TEST_THREADS:-3}"

step "stock y-websocket provider against coderoom (node)"
(cd tests/node && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && CODEROOM_BIN="$CARGO_TARGET_DIR/debug/coderoom" node --test)

step "Stream SDK accepts coderoom's tokens (node)"
(cd tests/node-stream && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && node --test)

step "API fuzzing (Schemathesis against a real server, signed in and not)"
scripts/fuzz-api.sh

step "browser tests"
scripts/browser-tests.sh
