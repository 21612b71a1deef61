#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine: installs Debian's docker.io when the
# daemon is missing and starts dockerd without systemd (no iptables, no bridge: sandbox
# containers use --network none). Waits until `docker info` works. Used by CI.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  echo "docker engine already running"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

# The second engine of the multi-engine tests is a dockerd too; only another one counts here.
if ! pgrep -a -x dockerd | grep -qv 'coderoom-docker2'; then
  echo "starting dockerd"
  nohup dockerd --iptables=false --ip-masq=false --bridge=none --storage-driver=overlay2 \
    >/var/log/dockerd.log 2>&1 &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "docker engine ready"
    exit 0
  fi
  sleep 1
done
echo "docker engine did not come up; see /var/log/dockerd.log" >&2
tail -n 30 /var/log/dockerd.log >&2 || true
exit 1
