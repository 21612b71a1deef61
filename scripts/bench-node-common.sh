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

# Runs a command in a new network namespace with only its own loopback up, so that nothing the
# benchmark starts can be reached from, or reach, any other address; runs it as it is where
# namespaces are not allowed.
run_isolated() {
  if unshare --net true 2>/dev/null; then
    unshare --net sh -c 'ip link set lo up 2>/dev/null || ifconfig lo up; exec "$@"' sh "$@"
  else
    "$@"
  fi
}
