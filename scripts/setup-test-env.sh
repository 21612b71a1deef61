#!/usr/bin/env bash
# Installs and starts what the tests need on a Debian/Ubuntu machine: Node.js tools,
# Docker (engine started if it is not running), Debian's Chromium, and the sandbox's
# runtime images. Safe to run again; does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v dockerd >/dev/null || need+=(docker.io)
command -v wrk >/dev/null || need+=(wrk)
# web/e2e/tls.test.mjs trusts coderoom's authority the way a person does: certutil into NSS.
command -v certutil >/dev/null || need+=(libnss3-tools)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -x scripts/start-docker.sh ]; then
  scripts/start-docker.sh
fi
