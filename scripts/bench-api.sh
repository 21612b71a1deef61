#!/usr/bin/env bash
# API benchmark: authenticated GET /api/sessions/active with 20 active sessions, 64 connections,
# against GET /healthz on the same server as the baseline (the ratio is what to compare across
# machines). Also start-to-ready time and idle memory. Loopback only.
#   scripts/bench-api.sh [release|debug]   (default release)
source "$(dirname "$0")/bench-common.sh"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"

started=$(date +%s.%N)
CODEROOM_LOG_LEVEL=warn CODEROOM_SESSIONS_MAX_ACTIVE_PER_HOST=50 \
  CODEROOM_SESSIONS_WHO_MAY_HOST=everyone "$binary" serve --bind "127.0.0.1:$port" --data-dir "$work/data" >"$work/out" 2>"$work/err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "$url/readyz" >/dev/null; do sleep 0.005; done
ready=$(date +%s.%N)
sleep 2
idle_rss_kb=$(ps -o rss= -p "$server" | tr -d ' ')

cookie=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"name":"Bench","email":"bench@example.test","password":"benchmark password"}' \
  "$url/api/auth/register" | sed -n 's/^[Ss]et-[Cc]ookie: \(coderoom_session=[^;]*\).*/\1/p')
for _ in $(seq 1 20); do
  curl -sf -o /dev/null -H "cookie: $cookie" -H 'content-type: application/json' -d '{"problem":"two-sum"}' "$url/api/sessions"
done
count=$(curl -s -H "cookie: $cookie" "$url/api/sessions/active" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["sessions"]))')

run() { wrk -t2 -c64 -d"$duration" --latency "$@" 2>&1; }
baseline=$(run "$url/healthz")
target=$(run -H "cookie: $cookie" "$url/api/sessions/active")
loaded_rss_kb=$(ps -o rss= -p "$server" | tr -d ' ')

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p'; }
p99() { sed -n 's/^ *99% *\([0-9.]*[a-z]*\)/\1/p'; }
p50() { sed -n 's/^ *50% *\([0-9.]*[a-z]*\)/\1/p'; }
errors() { grep -E 'Non-2xx|Socket errors' || echo "none"; }
b_rps=$(echo "$baseline" | rps); t_rps=$(echo "$target" | rps)

cat <<REPORT
coderoom API benchmark ($profile build, $(nproc) cores, wrk -t2 -c64 -d$duration, loopback)
  start to ready:           $(python3 -c "print(round(($ready-$started)*1000))") ms
  idle RSS after start:     $((idle_rss_kb / 1024)) MiB
  RSS after the load:       $((loaded_rss_kb / 1024)) MiB
  baseline GET /healthz:    $b_rps req/s, p50 $(echo "$baseline" | p50), p99 $(echo "$baseline" | p99), errors: $(echo "$baseline" | errors)
  GET /api/sessions/active: $t_rps req/s, p50 $(echo "$target" | p50), p99 $(echo "$target" | p99), errors: $(echo "$target" | errors)  ($count sessions, signed in)
  ratio active/healthz:     $(python3 -c "print(round($t_rps/$b_rps, 3))")
REPORT
