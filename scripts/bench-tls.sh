#!/usr/bin/env bash
# API over HTTPS beside plain HTTP, in the same run on the same binary: two servers (tls.mode
# "off" and "auto"), each with 20 active sessions, measured with wrk on GET /healthz and the
# authenticated GET /api/sessions/active, with kept-alive connections and with a new connection
# (a full TLS handshake) for every request. Loopback only.
#   scripts/bench-tls.sh [release|debug]   (default release)
source "$(dirname "$0")/bench-common.sh"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start NAME MODE PORT: a server with a fresh data folder.
start() {
  CODEROOM_LOG_LEVEL=warn CODEROOM_SESSIONS_MAX_ACTIVE_PER_HOST=50 CODEROOM_TLS_MODE="$2" \
    CODEROOM_SESSIONS_WHO_MAY_HOST=everyone "$binary" serve --bind "127.0.0.1:$3" --data-dir "$work/$1" >"$work/$1.out" 2>"$work/$1.err" &
  pids+=($!)
}

# prepare URL CURL_ARGS...: waits until ready, registers, creates 20 sessions; prints the cookie.
prepare() {
  local url=$1
  shift
  until curl -sf "$@" "$url/readyz" >/dev/null; do sleep 0.01; done
  local cookie
  cookie=$(curl -s "$@" -D - -o /dev/null -H 'content-type: application/json' \
    -d '{"name":"Bench","email":"bench@example.test","password":"benchmark password"}' \
    "$url/api/auth/register" | sed -n 's/^[Ss]et-[Cc]ookie: \(coderoom_session=[^;]*\).*/\1/p')
  for _ in $(seq 1 20); do
    curl -sf "$@" -o /dev/null -H "cookie: $cookie" -H 'content-type: application/json' -d '{"problem":"two-sum"}' \
      "$url/api/sessions"
  done
  echo "$cookie"
}

plain_port=$(free_port)
secure_port=$(free_port)
start plain off "$plain_port"
start secure auto "$secure_port"
plain="http://127.0.0.1:$plain_port"
secure="https://127.0.0.1:$secure_port"
plain_cookie=$(prepare "$plain")
until [ -f "$work/secure/tls/ca.crt" ]; do sleep 0.01; done
secure_cookie=$(prepare "$secure" --cacert "$work/secure/tls/ca.crt")

run() { wrk -t2 -c64 -d"$duration" --latency "$@" 2>&1; }
rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p'; }
p50() { sed -n 's/^ *50% *\([0-9.]*[a-z]*\)/\1/p'; }
p99() { sed -n 's/^ *99% *\([0-9.]*[a-z]*\)/\1/p'; }
errors() { grep -E 'Non-2xx|Socket errors' | tr '\n' ' ' || echo "none"; }
row() {
  local label=$1 out
  shift
  out=$(run "$@")
  printf '  %-44s %10s req/s  p50 %-9s p99 %-9s errors: %s\n' "$label" "$(echo "$out" | rps)" \
    "$(echo "$out" | p50)" "$(echo "$out" | p99)" "$(echo "$out" | errors)"
}

echo "coderoom API, plain HTTP and HTTPS ($profile build, $(nproc) cores, wrk -t2 -c64 -d$duration, loopback)"
for pass in "plain HTTP|$plain|$plain_cookie" "HTTPS (auto)|$secure|$secure_cookie"; do
  IFS='|' read -r name url cookie <<<"$pass"
  echo "$name:"
  row "GET /healthz, kept-alive connections" "$url/healthz"
  row "GET /api/sessions/active, kept-alive" -H "cookie: $cookie" "$url/api/sessions/active"
  row "GET /healthz, new connection per request" -H "Connection: close" "$url/healthz"
done
for i in "${!pids[@]}"; do
  echo "RSS after the load, $([ "$i" = 0 ] && echo plain || echo HTTPS): $(($(ps -o rss= -p "${pids[$i]}" | tr -d ' ') / 1024)) MiB"
done
