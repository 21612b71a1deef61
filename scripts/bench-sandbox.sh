#!/usr/bin/env bash
# Sandbox latency and throughput, side by side:
#   coderoom  POST /api/v2/execute over HTTP (warm containers), 1 client and N clients;
#   docker    `docker run --rm` of the same runtime image per execution;
#   bare      the interpreter/binary run directly inside one already running container
#             (`docker exec` excluded: timed inside the container).
# Only talks to 127.0.0.1. The Piston API needs an API key, and the per-caller rate limit
# would throttle the benchmark, so start the server with it off (and, to compare with earlier
# runs, without the slot kept for the judge) and make a key:
#   CODEROOM_SANDBOX_API_REQUESTS_PER_MINUTE=0 CODEROOM_SANDBOX_JUDGE_RESERVED_JOBS=0 coderoom serve &
#   export CODEROOM_API_KEY=$(coderoom apikeys create bench | grep '^crk_')
# Usage:
#   scripts/bench-sandbox.sh [URL] [REQUESTS] [CLIENTS] [LANGS]
#   defaults: http://127.0.0.1:8080 200 8 "python javascript java c++"
set -euo pipefail
: "${CODEROOM_API_KEY:?set CODEROOM_API_KEY to a key from coderoom apikeys create NAME}"
url="${1:-http://127.0.0.1:8080}"
requests="${2:-200}"
clients="${3:-8}"
langs="${4:-python javascript java c++}"
image="${BENCH_IMAGE:-coderoom/runtime:bookworm}"
case "$url" in http://127.0.0.1:*|http://localhost:*) ;; *) echo "only 127.0.0.1 targets" >&2; exit 1 ;; esac

python3 - "$url" "$requests" "$clients" "$langs" "$image" <<'PY'
import http.client, json, os, statistics, subprocess, sys, threading, time, urllib.parse

url, requests, clients, langs, image = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(), sys.argv[5]
headers = {"content-type": "application/json", "authorization": "Bearer " + os.environ["CODEROOM_API_KEY"]}
target = urllib.parse.urlparse(url)
programs = {
    "python": ("main.py", 'print("hello world")', None, "python3 main.py"),
    "javascript": ("main.js", 'console.log("hello world")', None, "node main.js"),
    "java": ("Main.java", 'public class Main { public static void main(String[] a) { System.out.println("hello world"); } }',
             "javac -d . Main.java", "java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 Main"),
    "c++": ("main.cpp", '#include <iostream>\nint main() { std::cout << "hello world\\n"; }', "g++ -O2 -o a.out main.cpp", "./a.out"),
}

def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

def http_run(lang, count, nclients):
    name, source, _, _ = programs[lang]
    body = json.dumps({"language": lang, "version": "*", "files": [{"name": name, "content": source}]})
    latencies, errors, lock = [], [], threading.Lock()
    remaining = [count]
    def worker():
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            start = time.perf_counter()
            try:
                conn.request("POST", "/api/v2/execute", body, headers)
                response = conn.getresponse()
                data = json.loads(response.read())
                ok = response.status == 200 and data["run"]["stdout"] == "hello world\n"
            except Exception as err:  # noqa: BLE001
                ok, data = False, str(err)
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            elapsed = time.perf_counter() - start
            with lock:
                (latencies if ok else errors).append(elapsed if ok else data)
    threads = [threading.Thread(target=worker) for _ in range(nclients)]
    wall = time.perf_counter()
    for t in threads: t.start()
    for t in threads: t.join()
    wall = time.perf_counter() - wall
    return latencies, errors, wall

def docker_run(lang, count):
    name, source, compile_cmd, run_cmd = programs[lang]
    script = f"cd /tmp && cat > {name} && " + (compile_cmd + " && " if compile_cmd else "") + run_cmd
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        subprocess.run(["docker", "run", "--rm", "-i", "--network", "none", image, "sh", "-c", script],
                       input=source.encode(), check=True, capture_output=True)
        latencies.append(time.perf_counter() - start)
    return latencies

def bare_run(lang, count):
    name, source, compile_cmd, run_cmd = programs[lang]
    prep = f"cd /tmp && cat > {name}" + (" && " + compile_cmd if compile_cmd else "")
    loop = (f"{prep} && for i in $(seq {count}); do s=$(date +%s%N); {run_cmd} >/dev/null; e=$(date +%s%N); "
            "echo $(( (e - s) / 1000 )); done")
    out = subprocess.run(["docker", "run", "--rm", "-i", "--network", "none", image, "sh", "-c", loop],
                         input=source.encode(), check=True, capture_output=True).stdout.decode().split()
    return [int(x) / 1e6 for x in out]

ms = lambda s: f"{s * 1000:.1f}"
rows = []
for lang in langs:
    http_run(lang, max(clients, 8), clients)  # warm up (JIT caches, page cache)
    lat1, err1, wall1 = http_run(lang, requests // 2 if lang == "python" else max(20, requests // 10), 1)
    latn, errn, walln = http_run(lang, requests if lang == "python" else max(40, requests // 5), clients)
    dock = docker_run(lang, 10 if lang == "python" else 5)
    bare = bare_run(lang, 20)
    rows.append((lang, lat1, err1, latn, errn, walln, dock, bare))
    print(f"{lang}: coderoom 1 client p50 {ms(percentile(lat1, 50))} ms p99 {ms(percentile(lat1, 99))} ms; "
          f"{clients} clients p50 {ms(percentile(latn, 50))} p99 {ms(percentile(latn, 99))} ms "
          f"{len(latn) / walln:.1f}/s errors {len(err1) + len(errn)}; docker run --rm p50 {ms(percentile(dock, 50))} ms; "
          f"bare p50 {ms(percentile(bare, 50))} ms", flush=True)
    for e in (err1 + errn)[:3]:
        print("  error:", e)

print()
print(f"| runtime | coderoom p50 (1 client) | coderoom p99 (1 client) | coderoom p50 / p99 ({clients} clients) | throughput ({clients} clients) | errors | `docker run --rm` p50 | bare interpreter p50 |")
print("|---|---|---|---|---|---|---|---|")
for lang, lat1, err1, latn, errn, walln, dock, bare in rows:
    print(f"| {lang} | {ms(percentile(lat1, 50))} ms | {ms(percentile(lat1, 99))} ms | {ms(percentile(latn, 50))} / {ms(percentile(latn, 99))} ms "
          f"| {len(latn) / walln:.1f}/s | {len(err1) + len(errn)} | {ms(percentile(dock, 50))} ms | {ms(percentile(bare, 50))} ms |")
PY
