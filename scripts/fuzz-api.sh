#!/usr/bin/env bash
# Runs a property-based fuzzer (Schemathesis) against a real coderoom server from the server's
# own OpenAPI document: every operation, signed in as an administrator and not signed in. It
# fails on any 5xx answer and on any answer the document does not describe (status, content
# type, headers or body). The server runs on loopback with a throwaway data folder and the
# real Docker sandbox.
#
#   scripts/fuzz-api.sh            # CODEROOM_FUZZ_EXAMPLES=N cases per operation (default 40)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"
bin="${CODEROOM_BIN:-$CARGO_TARGET_DIR/debug/coderoom}"
venv="${CODEROOM_FUZZ_VENV:-/var/cache/coderoom/schemathesis}"
examples="${CODEROOM_FUZZ_EXAMPLES:-40}"

# The fuzzer comes from PyPI, into a cache folder outside the repository; the version is pinned
# so that a run is repeatable.
if [ ! -x "$venv/bin/st" ] || [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==4.32.5" "openapi-spec-validator==0.9.0"
fi
[ -x "$bin" ] || cargo build --quiet

work="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

password="fuzz-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$bin" --data-dir "$work/data" users create --name "Fuzz Admin" --email admin@fuzz.test --password "$password" --role admin > /dev/null
# Rate limits stay on (a 429 is an answer the document describes) but are raised, so that
# the fuzzer reaches the operations behind them.
CODEROOM_AUTH_REGISTRATIONS_PER_MINUTE=100000 \
  "$bin" --data-dir "$work/data" --bind 127.0.0.1:0 serve > "$work/stdout" 2> "$work/server.log" &
server=$!
base=""
for _ in $(seq 1 150); do
  base="$(sed -n 's/^coderoom is listening on \(http:[^ ]*\).*/\1/p' "$work/stdout" | head -1)"
  [ -n "$base" ] && break
  sleep 0.2
done
[ -n "$base" ] || { cat "$work/server.log" >&2; echo "the server did not start" >&2; exit 1; }

curl -fs "$base/api/openapi.json" > "$work/openapi.json"
"$venv/bin/openapi-spec-validator" "$work/openapi.json"

token="$(curl -fs -D - -o /dev/null -H 'content-type: application/json' \
  -d "{\"email\":\"admin@fuzz.test\",\"password\":\"$password\"}" "$base/api/auth/login" |
  sed -n 's/^[Ss]et-[Cc]ookie: coderoom_session=\([^;]*\);.*/\1/p')"
[ -n "$token" ] || { echo "cannot sign in as the fuzzing administrator" >&2; exit 1; }

# Real things for the path parameters, so that requests reach past "not found": a session
# hosted by the administrator with a candidate link, an API key, the default rubric.
api() { curl -fsS -H "Authorization: Bearer $token" -H 'content-type: application/json' "$@"; }
field() { python3 -c 'import json, sys; value = json.load(sys.stdin)
for key in sys.argv[1].split("."): value = value[int(key)] if key.isdigit() else value[key]
print(value)' "$1"; }
admin_id="$(api "$base/api/me" | field user.id)"
session_id="$(api -d '{"problem":"two-sum","timeBoxMinutes":60}' "$base/api/sessions" | field session.id)"
invite_token="$(api -d '{"role":"candidate"}' "$base/api/sessions/$session_id/invites" | field invite.token)"
api -d '{"name":"fuzz"}' "$base/api/admin/apikeys" > /dev/null
rubric_id="$(api "$base/api/rubrics" | field rubrics.0.id)"
cat > "$work/schemathesis.toml" <<TOML
[parameters]
"path.id" = "$session_id"
"path.session_id" = "$session_id"
"path.slug" = "two-sum"
"path.key" = "$invite_token"
"path.name" = "fuzz"
"path.user_id" = "$admin_id"

[[operations]]
include-path-regex = "^/api/rubrics/"
parameters = { "path.id" = "$rubric_id" }

[[operations]]
include-path-regex = "^/api/admin/users/"
parameters = { "path.id" = "$admin_id" }
TOML

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
run() {
  local name="$1"
  shift
  echo "--- fuzzing the API $name"
  # From the work folder: the fuzzer keeps its cache in the current directory.
  (cd "$work" && "$venv/bin/st" --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" --checks "$checks" --max-examples "$examples" --mode positive \
    --phases examples,coverage,fuzzing --workers 2 --request-timeout 30 --seed 1 --no-color \
    --report junit --report-junit-path "$work/$name.xml" "$@")
  python3 - "$work/$name.xml" "$name" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
cases = sum(int(s.get("tests", 0)) for s in suites)
print(f"fuzzing {sys.argv[2]}: {cases} operations tested")
PY
}
# Signing out would revoke the token the rest of the run signs in with.
run signed-in -H "Authorization: Bearer $token" --exclude-path /api/auth/logout
run anonymous
if grep -q "panicked" "$work/server.log"; then
  grep -B2 -A10 "panicked" "$work/server.log" >&2
  echo "the server panicked while being fuzzed" >&2
  exit 1
fi
