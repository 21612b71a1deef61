#!/usr/bin/env bash
# Builds the peers the benchmarks compare coderoom with, from their public source, into a cache
# folder outside the repository (never committed):
#   Rustpad (github.com/ekzhang/rustpad): put its source in $CODEROOM_PEERS/rustpad-src
#   (e.g. `git clone https://github.com/ekzhang/rustpad "$CODEROOM_PEERS/rustpad-src"`); the
#   server is built with cargo, its crates from the configured registry.
# Prints the variables the benchmarks read (RUSTPAD_BIN=…).
set -euo pipefail
peers="${CODEROOM_PEERS:-/var/cache/coderoom/peers}"
src="$peers/rustpad-src"
if [ ! -f "$src/rustpad-server/Cargo.toml" ]; then
  echo "no Rustpad source in $src (see the top of $0)" >&2
  exit 1
fi
# Release build of the server alone, the way its Dockerfile builds it.
(cd "$src" && CARGO_TARGET_DIR="$peers/rustpad-target" cargo build --release --locked -p rustpad-server >&2)
echo "RUSTPAD_BIN=$peers/rustpad-target/release/rustpad-server"
