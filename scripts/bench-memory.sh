#!/usr/bin/env bash
# Memory under writes: resident memory of a fresh server before and after SESSIONS sessions are
# created and ended one after another (two acknowledged writes each), and again after a minute
# idle, when coderoom returns freed heap to the system. The idle figure at start is the baseline.
# Loopback only.
#   scripts/bench-memory.sh [release|debug] [SESSIONS]   (defaults: release, 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-release}"
sessions="${2:-10000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"

if [ "$profile" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
binary="$CARGO_TARGET_DIR/$profile/coderoom"
work="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

CODEROOM_LOG_LEVEL=warn "$binary" serve --bind "127.0.0.1:$port" --data-dir "$work/data" >"$work/out" 2>"$work/err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.01; done
sleep 2

python3 - "$port" "$server" "$sessions" "$work/data" "$profile" <<'PY'
import http.client, json, os, sys, time

port, pid, sessions, data_dir, profile = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]

def rss_mib():
    with open(f"/proc/{pid}/status") as status:
        return int(status.read().split("VmRSS:")[1].split()[0]) / 1024

def folder_mib():
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(data_dir) for f in fs) / 2**20

http_conn = http.client.HTTPConnection("127.0.0.1", port)

def call(method, path, body, cookie=None):
    headers = {"content-type": "application/json"}
    if cookie:
        headers["cookie"] = cookie
    http_conn.request(method, path, json.dumps(body), headers)
    response = http_conn.getresponse()
    return response, response.read()

response, _ = call("POST", "/api/auth/register", {"name": "Bench", "email": "bench@example.test", "password": "benchmark password"})
cookie = response.getheader("set-cookie").split(";")[0]
idle = rss_mib()
started = time.monotonic()
for _ in range(sessions):
    response, body = call("POST", "/api/sessions", {"problem": "two-sum"}, cookie)
    assert response.status == 201, (response.status, body)
    session_id = json.loads(body)["session"]["id"]
    response, body = call("POST", f"/api/sessions/{session_id}/end", {}, cookie)
    assert response.status == 200, (response.status, body)
elapsed = time.monotonic() - started
loaded = rss_mib()
time.sleep(65)
rested = rss_mib()
print(f"coderoom memory under writes ({profile} build, {os.cpu_count()} cores, loopback, one connection)")
print(f"  idle RSS after start (baseline):  {idle:.0f} MiB")
print(f"  {2 * sessions} writes ({sessions} sessions created and ended) in {elapsed:.1f} s: {2 * sessions / elapsed:.0f} writes/s")
print(f"  RSS right after the writes:       {loaded:.0f} MiB  (ratio {loaded / idle:.2f})")
print(f"  RSS after a minute idle:          {rested:.0f} MiB  (ratio {rested / idle:.2f})")
print(f"  data folder:                      {folder_mib():.0f} MiB")
PY
