#!/usr/bin/env bash
# Judge benchmark: submit round trip (POST /api/problems/<slug>/submit, every visible and
# hidden test) of each language's reference solution for the five original problems, against
# the sandbox's floor in the same language measured side by side on the same server: a
# "hello world" through POST /api/v2/execute. One client, sequential requests. Loopback only.
#   scripts/bench-judge.sh [release|debug] [ROUNDS] [LANGUAGES]
#   defaults: release 7 "python javascript typescript java c cpp go rust"
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-release}"
rounds="${2:-7}"
languages="${3:-python javascript typescript java c cpp go rust}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"

if [ "$profile" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
binary="$CARGO_TARGET_DIR/$profile/coderoom"
"$binary" runtimes check >/dev/null || { echo "runtime image missing: run coderoom runtimes build"; exit 1; }
work="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
CODEROOM_LOG_LEVEL=warn "$binary" serve --bind "127.0.0.1:$port" --data-dir "$work/data" >"$work/out" 2>"$work/err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done

python3 - "$port" "$rounds" "$profile" $languages <<'PY'
import http.client, json, os, statistics, sys, time

port, rounds, profile, languages = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
problems = ["two-sum", "reverse-string", "valid-palindrome", "maximum-subarray", "container-with-most-water"]
extension = {"python": "py", "javascript": "js", "typescript": "ts", "java": "java", "c": "c", "cpp": "cpp", "go": "go", "rust": "rs"}
hello = {
    "python": ("main.py", 'print("hello world")'),
    "javascript": ("main.js", 'console.log("hello world")'),
    "typescript": ("main.ts", 'console.log("hello world")'),
    "java": ("Main.java", 'public class Main { public static void main(String[] a) { System.out.println("hello world"); } }'),
    "c": ("main.c", '#include <stdio.h>\nint main(void) { puts("hello world"); return 0; }'),
    "cpp": ("main.cpp", '#include <iostream>\nint main() { std::cout << "hello world\\n"; }'),
    "go": ("main.go", 'package main\nimport "fmt"\nfunc main() { fmt.Println("hello world") }'),
    "rust": ("main.rs", 'fn main() { println!("hello world"); }'),
}
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

def call(method, path, body=None, headers=None):
    conn.request(method, path, json.dumps(body) if body is not None else None,
                 {"content-type": "application/json", **(headers or {})})
    response = conn.getresponse()
    return response, json.loads(response.read() or b"null")

response, _ = call("POST", "/api/auth/register", {"name": "Bench", "email": "bench@example.test", "password": "benchmark password"})
cookie = {"cookie": response.getheader("set-cookie").split(";")[0]}

def timed(path, body, check):
    start = time.perf_counter()
    response, data = call("POST", path, body, cookie)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200 or not check(data):
        raise SystemExit(f"{path} failed: {response.status} {json.dumps(data)[:400]}")
    return elapsed

def measure(path, body, check):
    timed(path, body, check)  # warm-up: first compile of a language, container start
    return statistics.median(timed(path, body, check) for _ in range(rounds))

print(f"coderoom judge benchmark ({profile} build, {os.cpu_count()} cores, {rounds} rounds after one warm-up, 1 client, loopback)")
print(f"{'language':<11} {'hello p50':>10} " + " ".join(f"{p[:14]:>14}" for p in problems) + f" {'submit p50':>11} {'ratio':>6}")
for language in languages:
    name, source = hello[language]
    floor = measure("/api/v2/execute", {"language": language, "version": "*", "files": [{"name": name, "content": source}]},
                    lambda d: d.get("run", {}).get("stdout") == "hello world\n")
    medians = []
    for slug in problems:
        code = open(f"problems/{slug}/solutions/solution.{extension[language]}").read()
        medians.append(measure(f"/api/problems/{slug}/submit", {"language": language, "code": code},
                               lambda d: d.get("result", {}).get("verdict") == "accepted"))
    overall = statistics.median(medians)
    print(f"{language:<11} {floor:>8.0f}ms " + " ".join(f"{m:>12.0f}ms" for m in medians) + f" {overall:>9.0f}ms {overall / floor:>6.2f}")
PY
