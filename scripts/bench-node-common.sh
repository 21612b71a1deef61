# Sourced by the Node benchmarks: the binary to measure (CODEROOM_BIN, or the release build)
# and the clients' packages. Loopback only, like every benchmark here.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"
if [ -z "${CODEROOM_BIN:-}" ]; then
  cargo build --release --bin coderoom
  CODEROOM_BIN="$CARGO_TARGET_DIR/release/coderoom"
fi
export CODEROOM_BIN

(cd tests/node && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
