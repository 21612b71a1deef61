#!/usr/bin/env bash
# Starts a second Docker engine on this machine for the multi-engine tests (tests/api/engines.rs):
# its own data root, exec root, pid file and socket (unix:///var/run/coderoom-docker2.sock), and
# tcp://127.0.0.1:2376 with mutual TLS (a test CA, a server certificate for 127.0.0.1 and a
# client certificate, made with openssl in /var/lib/coderoom-docker2/tls). Loopback only.
# Copies the core runtime image from the first engine when the second one lacks it (or has an
# older build); the data root is kept, so that happens once per image build. Safe to run again.
set -euo pipefail

base=/var/lib/coderoom-docker2
tls="$base/tls"
socket=/var/run/coderoom-docker2.sock
pidfile=/var/run/coderoom-docker2.pid
image="${CODEROOM_SECOND_ENGINE_IMAGE:-coderoom/runtime:core}"
second=(docker -H "unix://$socket")

mkdir -p "$base/data" "$tls"
chmod 700 "$tls"

if [ ! -s "$tls/client-key.pem" ]; then
  echo "making the second engine's test certificates in $tls"
  (
    cd "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=coderoom test docker CA" \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server-key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile server.ext -out server-cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=coderoom" -keyout client-key.pem -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile client.ext -out client-cert.pem 2>/dev/null
    rm -f ./*.csr ./*.ext ca.srl
    chmod 600 ./*-key.pem
  )
fi

answers() { "${second[@]}" info >/dev/null 2>&1; }

# Stops the process whose id `$1` holds, if any, waiting until it is gone. Only when that process
# is the second engine's (its command line names this engine's folders): a pid file left from
# before a reboot may hold a number that now belongs to the first engine.
stop_pidfile() {
  [ -s "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'coderoom-docker2' || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -9 "$pid" 2>/dev/null || true
}

if ! answers; then
  echo "starting the second dockerd"
  # A dockerd that is there but does not answer (being killed, stuck) goes first. Its containerd
  # may have outlived it; the new dockerd starts its own on the same socket, which the old one
  # removes when it exits, so it must be gone before.
  stop_pidfile "$pidfile"
  stop_pidfile /var/run/coderoom-docker2/containerd/containerd.pid
  rm -f "$socket" "$pidfile"
  nohup dockerd --iptables=false --ip-masq=false --bridge=none --storage-driver=overlay2 \
    --data-root "$base/data" --exec-root /var/run/coderoom-docker2 --pidfile "$pidfile" \
    -H "unix://$socket" -H tcp://127.0.0.1:2376 \
    --tlsverify --tlscacert "$tls/ca.pem" --tlscert "$tls/server-cert.pem" --tlskey "$tls/server-key.pem" \
    >"$base/dockerd.log" 2>&1 &
fi

for _ in $(seq 1 60); do
  answers && break
  sleep 1
done
if ! answers; then
  echo "the second docker engine did not come up; see $base/dockerd.log" >&2
  tail -n 30 "$base/dockerd.log" >&2 || true
  exit 1
fi

first_id=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
if [ -z "$first_id" ]; then
  echo "$image is not in the first engine; run \`coderoom runtimes build\` first" >&2
  exit 1
fi
# A save/load keeps the image id: a different one means the first engine's was rebuilt since.
if [ "$("${second[@]}" image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)" != "$first_id" ]; then
  echo "copying $image into the second engine"
  started=$(date +%s)
  docker save "$image" | "${second[@]}" load
  echo "copied $image in $(($(date +%s) - started)) s"
fi
echo "second docker engine ready: unix://$socket and tcp://127.0.0.1:2376 (TLS, certificates in $tls)"
