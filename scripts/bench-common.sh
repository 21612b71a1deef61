# Sourced by the wrk benchmarks: the build profile ($1, default release), the binary built for
# it, the run length, and a scratch folder. Loopback only, like every benchmark here.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-release}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"
duration="${BENCH_DURATION:-15s}"
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }

if [ "$profile" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
binary="$CARGO_TARGET_DIR/$profile/coderoom"
work="$(mktemp -d)"
