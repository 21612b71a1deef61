#!/usr/bin/env bash
# Sandbox latency and throughput, side by side in one run, same client and workload:
#   coderoom  POST /api/v2/execute over HTTP (warm containers), 1 client and N clients;
#   Piston    the same requests to Piston's own API, when scripts/build-peers.sh has set it up
#             ($CODEROOM_PEERS/piston), for the languages it has packages for;
#   docker    `docker run --rm` of the judged languages' image per execution;
#   bare      the interpreter/binary run directly inside one already running container of that
#             image, and Piston's interpreter run directly on this host (timed by the shell
#             around it: no HTTP, no container start, no compile).
# Starts both servers itself on 127.0.0.1 (free ports, a fresh coderoom data folder, the
# per-caller rate limit and the judge's reserved slot off, an API key made for the run) and
# stops them at the end. Bounded: about 3 minutes with the defaults. Last, the CPU one execution
# costs at N clients, split by part (API server, Docker engine, sandbox agents, programs).
#
#   scripts/bench-sandbox.sh [REQUESTS] [CLIENTS] [LANGS]
#   defaults: 200 8 "python javascript java c++"   (REQUESTS at N clients for Python; half of
#   it with 1 client; other languages a tenth/fifth of it, at least 20/40)
#   CODEROOM_BIN=path   measure that binary instead of building this tree's release binary
#   PISTON_DIR=path     Piston as set up by scripts/build-peers.sh (default $CODEROOM_PEERS/piston)
#   BENCH_IMAGE=image   image of the docker/bare columns (default coderoom/runtime:core)
#
# What makes the Piston comparison unfair (see scripts/build-peers.sh for how it is set up):
# - Piston runs natively on this host, not in its container: its jobs pay for no container of
#   any kind (Piston's own deployment runs the API and every job inside one privileged
#   container), while every coderoom job runs in a Docker container (warm, but with cgroup
#   limits, a tmpfs workspace, no network) reached through Docker's exec machinery.
# - Piston's sandbox is weaker: a uid per job, prlimit (processes, open files, file size; no
#   memory limit by default), a seccomp filter on socket(), `timeout`; no cgroups, no
#   namespaces. It is the API as of June 2024; the current one runs jobs under isolate
#   (cgroups), which this host cannot run.
# - Natively, Piston's per-job janitor scans every process of the host (/proc) instead of its
#   container's few, and sweeps the host's /tmp, /var/tmp, /dev/shm and /run/lock for its uids'
#   files: more work per job than in its container (~10-20 ms on a busy host).
# - Piston starts jobs under `nice`: on a machine busy with other work its jobs yield to it,
#   coderoom's do not.
# - Different interpreters: Piston's packages are written around this host's own python3 and
#   node (Piston normally ships interpreters it built); coderoom runs the image's. The two bare
#   columns show each side's floor.
# - Concurrency: Piston runs up to 64 jobs at once by default, coderoom 4 (max_concurrent_jobs),
#   so with more clients than 4 coderoom queues where Piston oversubscribes the cores.
# - Piston's API runs on this host's Node.js, not the Node 15 of its image.
set -euo pipefail
cd "$(dirname "$0")/.."
requests="${1:-200}"
clients="${2:-8}"
langs="${3:-python javascript java c++}"
image="${BENCH_IMAGE:-coderoom/runtime:core}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"

binary="${CODEROOM_BIN:-}"
if [ -z "$binary" ]; then
  cargo build --release --quiet
  binary="$CARGO_TARGET_DIR/release/coderoom"
fi
"$binary" runtimes check >/dev/null || { echo "runtime image missing: run coderoom runtimes build" >&2; exit 1; }
docker image inspect "$image" >/dev/null || { echo "no image $image (BENCH_IMAGE)" >&2; exit 1; }

piston="${PISTON_DIR:-${CODEROOM_PEERS:-/var/cache/coderoom/peers}/piston}"
if [ ! -f "$piston/api/src/index.js" ]; then
  echo "Piston not set up (scripts/build-peers.sh piston): measuring coderoom alone" >&2
  piston=""
elif [ "$(id -u)" != 0 ]; then
  echo "Piston runs its jobs under uids of their own and needs root: measuring coderoom alone" >&2
  piston=""
fi

work="$(mktemp -d)"
servers=()
trap 'for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Waits up to 60 s for URL $1 to answer, while the server (pid $2, log $3) lives.
wait_ready() {
  for _ in $(seq 1200); do
    curl -sf "$1" >/dev/null && return
    kill -0 "$2" 2>/dev/null || break
    sleep 0.05
  done
  echo "server behind $1 did not start:" >&2
  tail -n 20 "$3" >&2
  exit 1
}

port=$(free_port)
CODEROOM_LOG_LEVEL=warn CODEROOM_SANDBOX_API_REQUESTS_PER_MINUTE=0 CODEROOM_SANDBOX_JUDGE_RESERVED_JOBS=0 \
  "$binary" serve --bind "127.0.0.1:$port" --data-dir "$work/coderoom" >"$work/coderoom.out" 2>"$work/coderoom.err" &
servers+=("$!")
export BENCH_CODEROOM_PID="$!"
wait_ready "http://127.0.0.1:$port/readyz" "$!" "$work/coderoom.err"
key=$("$binary" apikeys create bench --bind "127.0.0.1:$port" --data-dir "$work/coderoom" | grep '^crk_')
targets="coderoom=$port"

if [ -n "$piston" ]; then
  piston_port=$(free_port)
  (cd "$piston/api" && PISTON_BIND_ADDRESS="127.0.0.1:$piston_port" PISTON_DATA_DIRECTORY="$piston/data" \
    PISTON_LOG_LEVEL=WARN exec node src >"$work/piston.out" 2>&1) &
  servers+=("$!")
  export BENCH_PISTON_PID="$!"
  wait_ready "http://127.0.0.1:$piston_port/api/v2/runtimes" "$!" "$work/piston.out"
  targets="$targets piston=$piston_port"
fi

BENCH_API_KEY="$key" python3 - "$requests" "$clients" "$langs" "$image" "$targets" "$piston" <<'PY'
import http.client, json, os, subprocess, sys, tempfile, threading, time

requests, clients, langs, image = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(), sys.argv[4]
ports = dict(t.split("=") for t in sys.argv[5].split())
piston_dir = sys.argv[6]
auth = {"coderoom": {"authorization": "Bearer " + os.environ["BENCH_API_KEY"]}, "piston": {}}
programs = {
    "python": ("main.py", 'print("hello world")', None, "python3 main.py"),
    "javascript": ("main.js", 'console.log("hello world")', None, "node main.js"),
    "java": ("Main.java", 'public class Main { public static void main(String[] a) { System.out.println("hello world"); } }',
             "javac -d . Main.java", "java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 Main"),
    "c++": ("main.cpp", '#include <iostream>\nint main() { std::cout << "hello world\\n"; }', "g++ -O2 -o a.out main.cpp", "./a.out"),
}

def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")

def get(side, path):
    conn = http.client.HTTPConnection("127.0.0.1", int(ports[side]), timeout=60)
    conn.request("GET", path, headers=auth[side])
    return json.loads(conn.getresponse().read())

def languages_of(side):
    return {name for rt in get(side, "/api/v2/runtimes") for name in [rt["language"], *rt.get("aliases", [])]}

available = {side: languages_of(side) for side in ports}

def http_run(side, lang, count, nclients):
    name, source, _, _ = programs[lang]
    body = json.dumps({"language": lang, "version": "*", "files": [{"name": name, "content": source}]})
    headers = {"content-type": "application/json", **auth[side]}
    latencies, errors, lock = [], [], threading.Lock()
    remaining = [count]
    def connect():
        return http.client.HTTPConnection("127.0.0.1", int(ports[side]), timeout=60)
    def worker():
        conn = connect()
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
                conn = connect()
            elapsed = time.perf_counter() - start
            with lock:
                (latencies if ok else errors).append(elapsed if ok else data)
    threads = [threading.Thread(target=worker) for _ in range(nclients)]
    wall = time.perf_counter()
    for t in threads: t.start()
    for t in threads: t.join()
    wall = time.perf_counter() - wall
    return {"latencies": latencies, "errors": errors, "rate": len(latencies) / wall}

def timing_loop(lang, count):
    """Shell loop that prepares the program in the current folder, then prints each run's µs."""
    name, source, compile_cmd, run_cmd = programs[lang]
    prep = f"cat > {name}" + (" && " + compile_cmd if compile_cmd else "")
    return (f"{prep} && for i in $(seq {count}); do s=$(date +%s%N); {run_cmd} >/dev/null; e=$(date +%s%N); "
            "echo $(( (e - s) / 1000 )); done"), source.encode()

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

def bare_in_image(lang, count):
    loop, source = timing_loop(lang, count)
    out = subprocess.run(["docker", "run", "--rm", "-i", "--network", "none", image, "sh", "-c", "cd /tmp && " + loop],
                         input=source, check=True, capture_output=True).stdout.decode().split()
    return [int(x) / 1e6 for x in out]

def bare_on_host(lang, count):
    """The interpreter Piston's package runs, found through the package's own cached PATH."""
    packages = os.path.join(piston_dir, "data", "packages")
    package = {"python": "python", "javascript": "node"}.get(lang)
    if not package or not os.path.isdir(os.path.join(packages, package)):
        return None
    version = sorted(os.listdir(os.path.join(packages, package)))[-1]
    env = dict(line.split("=", 1) for line in open(os.path.join(packages, package, version, ".env")).read().split("\n") if "=" in line)
    loop, source = timing_loop(lang, count)
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run(["sh", "-c", loop], cwd=folder, env={"PATH": env["PATH"]}, input=source,
                             check=True, capture_output=True).stdout.decode().split()
    return [int(x) / 1e6 for x in out]

CLK_TCK = os.sysconf("SC_CLK_TCK")

def cpu_of(pid):
    """(own, reaped children's) CPU seconds of a process; zeros once it is gone."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK, (int(fields[13]) + int(fields[14])) / CLK_TCK

def pids_named(*names):
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and os.path.exists(f"/proc/{p}/comm")
            and open(f"/proc/{p}/comm").read().strip() in names]

def cpu_snapshot(side):
    """Where the CPU of the machine goes, by part, in seconds so far. coderoom: its server; the
    Docker engine (dockerd, containerd, the containers' shims); the sandbox agents (each
    container's PID 1) and the programs they ran (the agents' reaped children). Piston: its
    API process and the jobs it ran (its reaped children). Both: the whole machine."""
    parts = {}
    server_pid = int(os.environ[f"BENCH_{side.upper()}_PID"])
    parts["API server"], children = cpu_of(server_pid)
    if side == "coderoom":
        parts["Docker engine"] = sum(sum(cpu_of(pid)) for pid in pids_named("dockerd", "containerd", "containerd-shim"))
        ids = subprocess.run(["docker", "ps", "-q", "--filter", "label=org.coderoom.owner"], capture_output=True,
                             text=True).stdout.split()
        agents = subprocess.run(["docker", "inspect", "-f", "{{.State.Pid}}", *ids], capture_output=True,
                                text=True).stdout.split() if ids else []
        usage = [cpu_of(int(pid)) for pid in agents]
        parts["sandbox agents"] = sum(own for own, _ in usage)
        parts["the programs"] = sum(reaped for _, reaped in usage)
    else:
        parts["the programs"] = children
    with open("/proc/stat") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:]]
    parts["whole machine"] = (sum(ticks) - ticks[3] - ticks[4]) / CLK_TCK  # all but idle and iowait
    return parts

ms = lambda s: f"{s * 1000:.1f} ms"
results = []
cpu_rows = []
for lang in langs:
    sides = [side for side in ports if lang in available[side]]
    for side in sides:
        http_run(side, lang, max(clients, 8), clients)  # warm up (JIT caches, page cache, warm containers)
    one = {side: http_run(side, lang, requests // 2 if lang == "python" else max(20, requests // 10), 1) for side in sides}
    many = {}
    for side in sides:
        before = cpu_snapshot(side)
        many[side] = http_run(side, lang, requests if lang == "python" else max(40, requests // 5), clients)
        after = cpu_snapshot(side)
        done = len(many[side]["latencies"]) or 1
        cpu_rows.append((lang, side, {part: (after[part] - before[part]) / done for part in after}))
    dock = docker_run(lang, 10 if lang == "python" else 5)
    bare = {"coderoom": bare_in_image(lang, 20), "piston": bare_on_host(lang, 20) if "piston" in sides else None}
    results.append((lang, sides, one, many, dock, bare))
    for side in sides:
        errors = one[side]["errors"] + many[side]["errors"]
        print(f"{lang} {side}: 1 client p50 {ms(percentile(one[side]['latencies'], 50))} p99 {ms(percentile(one[side]['latencies'], 99))}; "
              f"{clients} clients p50 {ms(percentile(many[side]['latencies'], 50))} p99 {ms(percentile(many[side]['latencies'], 99))} "
              f"{many[side]['rate']:.1f}/s; errors {len(errors)}", flush=True)
        for e in errors[:3]:
            print("  error:", str(e)[:300])

print()
print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end" + (
      "; ratios are coderoom / Piston (latency: below 1 means coderoom is faster; throughput: above 1 means "
      "coderoom does more)" if "piston" in ports else ""))
print()
print(f"| runtime | server | p50 (1 client) | p99 (1 client) | p50 / p99 ({clients} clients) | throughput ({clients} clients) | errors "
      "| `docker run --rm` p50 | bare interpreter p50 |")
print("|---|---|---|---|---|---|---|---|---|")
names = {"coderoom": "coderoom", "piston": "Piston"}
bare_where = {"coderoom": "in the image", "piston": "on the host"}
for lang, sides, one, many, dock, bare in results:
    for side in sides:
        lat1, latn = one[side]["latencies"], many[side]["latencies"]
        errors = len(one[side]["errors"]) + len(many[side]["errors"])
        floor = f"{ms(percentile(bare[side], 50))} ({bare_where[side]})" if bare[side] else "—"
        print(f"| {lang} | {names[side]} | {ms(percentile(lat1, 50))} | {ms(percentile(lat1, 99))} "
              f"| {ms(percentile(latn, 50))} / {ms(percentile(latn, 99))} | {many[side]['rate']:.1f}/s | {errors} "
              f"| {ms(percentile(dock, 50)) if side == 'coderoom' else '—'} | {floor} |")
    if len(sides) == 2:
        ratio = lambda a, b: f"{a / b:.2f}×" if b else "—"
        latency = lambda phase, p: ratio(percentile(phase["coderoom"]["latencies"], p), percentile(phase["piston"]["latencies"], p))
        floors = ratio(percentile(bare["coderoom"], 50), percentile(bare["piston"], 50)) if bare["piston"] else "—"
        print(f"| {lang} | coderoom / Piston | {latency(one, 50)} | {latency(one, 99)} | {latency(many, 50)} / {latency(many, 99)} "
              f"| {ratio(many['coderoom']['rate'], many['piston']['rate'])} | | | {floors} |")

print()
print(f"CPU per execution at {clients} clients, by part (all of a part's processes, during that phase only; "
      "a container or process that ended meanwhile is missed):")
print()
parts = ["API server", "Docker engine", "sandbox agents", "the programs", "whole machine"]
print("| runtime | server | " + " | ".join(parts) + " |")
print("|---|---|" + "---|" * len(parts))
for lang, side, usage in cpu_rows:
    print(f"| {lang} | {names[side]} | " + " | ".join(ms(usage[part]) if part in usage else "—" for part in parts) + " |")
PY
