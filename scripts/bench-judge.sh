#!/usr/bin/env bash
# Judge benchmark: submit round trip (POST /api/problems/<slug>/submit, every visible and
# hidden test) of each language's reference solution for the five original problems, against
# the sandbox's floor in the same language measured side by side on the same server: a
# "hello world" through POST /api/v2/execute. One client, sequential requests. Loopback only.
#   scripts/bench-judge.sh [release|debug] [ROUNDS] [LANGUAGES]
#   defaults: release 7 "python javascript typescript java c cpp go rust ruby php csharp swift"
# BASELINE=/path/to/another/coderoom binary: that binary is served too (its own data folder)
# and measured side by side, request for request, so that both see the same machine load.
# BASELINE_RUNTIMES=/path/to/runtimes: the baseline's runtime registry (a copy of its
# config/runtimes naming its own images, e.g. the previous release's image under another tag),
# so each side runs in the images its own release builds.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-release}"
rounds="${2:-7}"
languages="${3:-python javascript typescript java c cpp go rust ruby php csharp swift}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"

# BINARY=/path/to/coderoom measures that binary instead of building this tree.
binary="${BINARY:-}"
if [ -z "$binary" ]; then
    if [ "$profile" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
    binary="$CARGO_TARGET_DIR/$profile/coderoom"
fi
"$binary" runtimes check >/dev/null || { echo "runtime image missing: run coderoom runtimes build"; exit 1; }
work="$(mktemp -d)"
servers=()
trap 'for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done; rm -rf "$work"' EXIT

# Starts a server from binary $1 under label $2 with the environment assignments that follow.
serve() {
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    env CODEROOM_LOG_LEVEL=warn "${@:3}" "$1" serve --bind "127.0.0.1:$port" --data-dir "$work/$2" >"$work/$2.out" 2>"$work/$2.err" &
    servers+=("$!")
    until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
    targets+=("$2=$port")
}
targets=()
if [ -n "${BASELINE:-}" ]; then
    serve "$BASELINE" baseline ${BASELINE_RUNTIMES:+"CODEROOM_SANDBOX_RUNTIMES_FILE=$BASELINE_RUNTIMES"}
fi
serve "$binary" this

python3 - "$rounds" "$profile" "${targets[*]}" $languages <<'PY'
import http.client, json, os, statistics, sys, time

rounds, profile, languages = int(sys.argv[1]), sys.argv[2], sys.argv[4:]
targets = [(label, int(port)) for label, port in (t.split("=") for t in sys.argv[3].split())]
problems = ["two-sum", "reverse-string", "valid-palindrome", "maximum-subarray", "container-with-most-water"]
extension = {"python": "py", "javascript": "js", "typescript": "ts", "java": "java", "c": "c", "cpp": "cpp", "go": "go", "rust": "rs", "ruby": "rb", "php": "php", "csharp": "cs", "swift": "swift"}
hello = {
    "python": ("main.py", 'print("hello world")'),
    "javascript": ("main.js", 'console.log("hello world")'),
    "typescript": ("main.ts", 'console.log("hello world")'),
    "java": ("Main.java", 'public class Main { public static void main(String[] a) { System.out.println("hello world"); } }'),
    "c": ("main.c", '#include <stdio.h>\nint main(void) { puts("hello world"); return 0; }'),
    "cpp": ("main.cpp", '#include <iostream>\nint main() { std::cout << "hello world\\n"; }'),
    "go": ("main.go", 'package main\nimport "fmt"\nfunc main() { fmt.Println("hello world") }'),
    "rust": ("main.rs", 'fn main() { println!("hello world"); }'),
    "ruby": ("main.rb", 'puts "hello world"'),
    "php": ("main.php", '<?php echo "hello world\\n";'),
    "csharp": ("main.cs", 'class P { static void Main() { System.Console.WriteLine("hello world"); } }'),
    "swift": ("main.swift", 'print("hello world")'),
}

class Target:
    def __init__(self, label, port):
        self.label = label
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        response, _ = self.call("POST", "/api/auth/register",
                                {"name": "Bench", "email": "bench@example.test", "password": "benchmark password"})
        self.cookie = {"cookie": response.getheader("set-cookie").split(";")[0]}

    def call(self, method, path, body=None, headers=None):
        self.conn.request(method, path, json.dumps(body) if body is not None else None,
                          {"content-type": "application/json", **(headers or {})})
        response = self.conn.getresponse()
        return response, json.loads(response.read() or b"null")

    def timed(self, path, body, check):
        # On a loaded machine a run can hit its wall-clock limit: try again, at most twice.
        for attempt in range(3):
            start = time.perf_counter()
            response, data = self.call("POST", path, body, self.cookie)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status == 200 and check(data):
                return elapsed
            print(f"  ({self.label} {path} attempt {attempt + 1} failed: {response.status} {json.dumps(data)[:200]})")
        raise SystemExit(f"{self.label} {path} failed three times")

servers = [Target(label, port) for label, port in targets]

def measure(path, body, check):
    """Median per server; the servers take turns request by request."""
    for server in servers:
        server.timed(path, body, check)  # warm-up: first compile of a language, container start
    times = {server.label: [] for server in servers}
    for _ in range(rounds):
        for server in servers:
            times[server.label].append(server.timed(path, body, check))
    return {label: statistics.median(values) for label, values in times.items()}

labels = [server.label for server in servers]
print(f"coderoom judge benchmark ({profile} build, {os.cpu_count()} cores, {rounds} rounds after one warm-up, 1 client, loopback)")
print(f"{'language':<11} {'server':<9} {'hello p50':>10} " + " ".join(f"{p[:14]:>14}" for p in problems) + f" {'submit p50':>11} {'ratio':>6}")
for language in languages:
    name, source = hello[language]
    floor = measure("/api/v2/execute", {"language": language, "version": "*", "files": [{"name": name, "content": source}]},
                    lambda d: d.get("run", {}).get("stdout") == "hello world\n")
    medians = {label: [] for label in labels}
    for slug in problems:
        code = open(f"problems/{slug}/solutions/solution.{extension[language]}").read()
        result = measure(f"/api/problems/{slug}/submit", {"language": language, "code": code},
                         lambda d: d.get("result", {}).get("verdict") == "accepted")
        for label in labels:
            medians[label].append(result[label])
    for label in labels:
        overall = statistics.median(medians[label])
        print(f"{language:<11} {label:<9} {floor[label]:>8.0f}ms " + " ".join(f"{m:>12.0f}ms" for m in medians[label])
              + f" {overall:>9.0f}ms {overall / floor[label]:>6.2f}")
    if "baseline" in medians:
        ratios = [this / base for this, base in zip(medians["this"], medians["baseline"])]
        overall = statistics.median(medians["this"]) / statistics.median(medians["baseline"])
        print(f"{language:<11} {'this/base':<9} {floor['this'] / floor['baseline']:>9.2f}× "
              + " ".join(f"{r:>13.2f}×" for r in ratios) + f" {overall:>10.2f}×")
PY
