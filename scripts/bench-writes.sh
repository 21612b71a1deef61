#!/usr/bin/env bash
# Session writes over a growing history: one host creates and ends SESSIONS sessions in a row
# (two acknowledged writes each, one connection). Every 1,000 sessions it reports the mean
# create and end latency and one GET /api/sessions/my-recent; the first thousand is the
# baseline the later ones are compared with. Then resident memory before, right after, and
# after a minute idle (when coderoom returns freed heap), and the data folder's size.
# Loopback only.
#   scripts/bench-writes.sh [release|debug] [SESSIONS]   (defaults: release, 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-release}"
sessions="${2:-10000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"

if [ "$profile" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
binary="$CARGO_TARGET_DIR/$profile/coderoom"
work="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

CODEROOM_LOG_LEVEL=warn CODEROOM_SESSIONS_WHO_MAY_HOST=everyone "$binary" serve --bind "127.0.0.1:$port" --data-dir "$work/data" >"$work/out" 2>"$work/err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.01; done
sleep 2

python3 - "$port" "$server" "$sessions" "$work/data" "$profile" <<'PY'
import http.client, json, os, sys, time

port, pid, sessions, data_dir, profile = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
CHECKPOINT = 1000

def rss_mib():
    with open(f"/proc/{pid}/status") as status:
        return int(status.read().split("VmRSS:")[1].split()[0]) / 1024

def folder_mib():
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(data_dir) for f in fs) / 2**20

connection = http.client.HTTPConnection("127.0.0.1", port)

def call(method, path, body=None, cookie=None):
    headers = {"content-type": "application/json"}
    if cookie:
        headers["cookie"] = cookie
    started = time.monotonic()
    connection.request(method, path, None if body is None else json.dumps(body), headers)
    response = connection.getresponse()
    data = response.read()
    return response, data, (time.monotonic() - started) * 1000

account = {"name": "Bench", "email": "bench@example.test", "password": "benchmark password"}
response, _, _ = call("POST", "/api/auth/register", account)
cookie = response.getheader("set-cookie").split(";")[0]
idle = rss_mib()
print(f"coderoom session writes over a growing history ({profile} build, {os.cpu_count()} cores, loopback, one connection)")
print(f"{'sessions':>9} {'create ms':>10} {'end ms':>8} {'my-recent ms':>13} {'vs first':>9}")
create_ms = end_ms = 0.0
first_recent = None
started = time.monotonic()
for n in range(1, sessions + 1):
    response, body, ms = call("POST", "/api/sessions", {"problem": "two-sum"}, cookie)
    assert response.status == 201, (response.status, body)
    create_ms += ms
    session_id = json.loads(body)["session"]["id"]
    response, body, ms = call("POST", f"/api/sessions/{session_id}/end", {}, cookie)
    assert response.status == 200, (response.status, body)
    end_ms += ms
    if n % CHECKPOINT == 0:
        recent_ms = min(call("GET", "/api/sessions/my-recent", None, cookie)[2] for _ in range(3))
        first_recent = first_recent or recent_ms
        print(f"{n:>9} {create_ms / CHECKPOINT:>10.2f} {end_ms / CHECKPOINT:>8.2f} {recent_ms:>13.2f} {recent_ms / first_recent:>8.2f}x")
        create_ms = end_ms = 0.0
elapsed = time.monotonic() - started
loaded = rss_mib()
time.sleep(65)
rested = rss_mib()
print(f"{2 * sessions} writes in {elapsed:.1f} s ({2 * sessions / elapsed:.0f} writes/s)")
print(f"RSS: {idle:.0f} MiB idle after start (baseline), {loaded:.0f} MiB right after the writes "
      f"({loaded / idle:.2f}x), {rested:.0f} MiB after a minute idle ({rested / idle:.2f}x)")
print(f"data folder: {folder_mib():.0f} MiB")
PY
