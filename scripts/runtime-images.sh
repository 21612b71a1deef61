#!/usr/bin/env bash
# Shell fallback for `coderoom runtimes build`: builds the shared runtime image offline from
# Debian packages with debootstrap, using the apt mirror this machine is already configured
# with (no host name is written here), and imports it into the local Docker engine.
#
#   scripts/runtime-images.sh [TAG]      (default tag: coderoom/runtime:bookworm)
#
# The package list must match [images."coderoom/runtime:bookworm"] in config/runtimes.toml.
set -euo pipefail

tag="${1:-coderoom/runtime:bookworm}"
packages="python3,nodejs,node-typescript,openjdk-17-jdk-headless,gcc,g++,libc6-dev,golang-go,rustc"

# First "URIs:" of a deb822 sources file, else first "deb" line of sources.list.
mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
if [ -z "$mirror" ]; then
  mirror="$(awk '$1 == "deb" && $2 !~ /^\[/ {print $2; exit} $1 == "deb" {print $3; exit}' /etc/apt/sources.list 2>/dev/null || true)"
fi
[ -n "$mirror" ] || { echo "no apt mirror configured in /etc/apt/sources.list*" >&2; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y debootstrap

work="$(mktemp -d /var/tmp/coderoom-rootfs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
echo "debootstrap bookworm from the configured mirror into $work"
debootstrap --variant=minbase --include="$packages" bookworm "$work/rootfs" "$mirror"
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
echo "importing as $tag"
tar -C "$work/rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'LABEL org.coderoom.runtime=1' - "$tag"
