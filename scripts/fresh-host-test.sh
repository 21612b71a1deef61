#!/usr/bin/env bash
# Installs coderoom the way a new user meets it: a fresh Debian 13 (trixie) root file system,
# bootstrapped from this machine's configured apt mirror and imported into Docker, gets a copy
# of this repository and runs `./install.sh --no-start` (which must install Rust, Node.js and
# the rest by itself); the installed binary must then answer /readyz over HTTPS, verified
# with the certificate authority it created, by the machine's host name.
#
#   scripts/fresh-host-test.sh
#
# Reruns are fast: the root file system image is kept, and the container's Cargo home, build
# folder, npm cache and downloaded .deb files live under $CODEROOM_FRESH_HOST_CACHE (default
# /var/cache/coderoom/fresh-host), outside the copied repository. The container shares the
# host's network namespace (the test Docker engine runs without a bridge) and its Docker
# engine, whose runtime images (`coderoom runtimes build`) must already exist.
set -euo pipefail
cd "$(dirname "$0")/.."

image=coderoom/fresh-host:trixie
cache="${CODEROOM_FRESH_HOST_CACHE:-/var/cache/coderoom/fresh-host}"
started=$SECONDS
step() { printf '\n==> [%4ss] %s\n' "$((SECONDS - started))" "$*"; }

step "checking the Docker engine and the runtime images"
docker info >/dev/null
# The default images (`default = true` in config/runtimes/*.toml): what the judge needs.
runtime_images=$(awk '/^\[\[image\]\]/ { name = "" } /^name = / { gsub(/"/, "", $3); name = $3 } /^default = true/ { print name }' config/runtimes/*.toml)
for runtime in $runtime_images; do
  docker image inspect "$runtime" >/dev/null 2>&1 ||
    { echo "runtime image $runtime is missing: build it first (coderoom runtimes build)" >&2; exit 1; }
done

if ! docker image inspect "$image" >/dev/null 2>&1; then
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  # The machine's own Debian mirror: the first source that carries its release.
  mirror=$({
    awk -v suite="$codename" '
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) found = uri }
      /^$/ { if (found) { print found; exit } uri = "" }
      END { if (found) print found }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true
    awk -v suite="$codename" '$1 == "deb" { sub(/ \[[^]]*\]/, ""); if ($3 == suite) { print $2; exit } }' \
      /etc/apt/sources.list 2>/dev/null || true
  } | head -n1)
  [ -n "$mirror" ] || { echo "no Debian mirror for $codename in /etc/apt/sources.list*" >&2; exit 1; }
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
  work=$(mktemp -d /var/tmp/coderoom-fresh-host.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  step "debootstrap trixie (minbase) from $mirror"
  debootstrap --variant=minbase trixie "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  step "importing it as $image"
  tar -C "$work/rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$image" >/dev/null
  rm -rf "$work"
  trap - EXIT
fi

mkdir -p "$cache/cargo" "$cache/target" "$cache/npm" "$cache/apt/partial"
# A host on this network trusts what this machine trusts (a proxy's authority, say): hand the
# machine's certificate bundle to the tools that download (cargo, npm, curl).
trust=()
bundle="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}"
if [ -f "$bundle" ]; then
  inside=/etc/ssl/host-ca-certificates.crt
  trust=(-v "$bundle:$inside:ro" -e SSL_CERT_FILE="$inside" -e CARGO_HTTP_CAINFO="$inside"
    -e NODE_EXTRA_CA_CERTS="$inside" -e CURL_CA_BUNDLE="$inside" -e GIT_SSL_CAINFO="$inside")
fi
# A free port; the server binds every address, which makes install.sh choose HTTPS.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
name="coderoom-fresh-host-$$"
step "copying the repository into a new container ($name)"
# Low CPU weight: a shared build machine stays responsive while this compiles.
docker create --name "$name" --network host --cpu-shares 256 \
  -v /var/run/docker.sock:/var/run/docker.sock \
  -v "$cache/cargo:/root/.cargo" -v "$cache/target:/var/cache/coderoom/target" \
  -v "$cache/npm:/root/.npm" -v "$cache/apt:/var/cache/apt/archives" \
  -e CODEROOM_BIND="0.0.0.0:$port" -e PORT="$port" "${trust[@]}" \
  "$image" bash -euo pipefail -c '
    cd /src
    start=$SECONDS
    ./install.sh --no-start
    echo "install.sh took $((SECONDS - start))s"
    coderoom --config /etc/coderoom/coderoom.toml serve >/tmp/coderoom.log 2>&1 &
    server=$!
    # Stopped cleanly, the warm sandbox containers it started on the shared engine go with it.
    trap "kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true" EXIT
    host=$(cat /proc/sys/kernel/hostname)
    for _ in $(seq 1 120); do
      if curl -fsS --cacert /var/lib/coderoom/tls/ca.crt --resolve "$host:$PORT:127.0.0.1" \
        "https://$host:$PORT/readyz"; then
        echo
        echo "fresh host: /readyz answered over HTTPS as $host"
        exit 0
      fi
      sleep 1
    done
    echo "coderoom did not become ready:" >&2
    cat /tmp/coderoom.log >&2
    exit 1
  ' >/dev/null
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
git ls-files -z --cached --others --exclude-standard | tar --null -T - -c --transform 's|^|src/|' |
  docker cp - "$name:/"

step "running ./install.sh --no-start inside"
docker start -a "$name"
step "passed"
