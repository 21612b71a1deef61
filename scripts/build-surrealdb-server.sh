#!/usr/bin/env bash
# Builds the SurrealDB server the multi-instance test runs against (scripts/surrealdb-server: the
# `surrealdb-server` crate at the client's version) into a cache folder outside the repository,
# which a later run reuses. Prints the path of the `surreal` binary.
set -euo pipefail
cd "$(dirname "$0")/surrealdb-server"
client="$(awk '/^name = "surrealdb"$/ { getline; gsub(/version = |"/, ""); print; exit }' ../../Cargo.lock)"
grep -q "\"=$client\"" Cargo.toml || { echo "scripts/surrealdb-server pins another version than the client ($client)" >&2; exit 1; }
target="${CODEROOM_SURREAL_TARGET:-/var/cache/coderoom/surrealdb-server}"
CARGO_TARGET_DIR="$target" cargo build --quiet --release --locked >&2
echo "$target/release/surreal"
