#!/usr/bin/env bash
# Installs coderoom on a Debian or Ubuntu host from this source tree, in one command:
#   sudo ./install.sh
# Installs what is missing (build tools, Node.js, Docker, debootstrap), builds the release
# binary with the web app inside, installs it to /usr/local/bin, creates the configuration
# (/etc/coderoom/coderoom.toml) and data folder (/var/lib/coderoom), builds the sandbox's
# runtime images, and starts coderoom: as a systemd service where systemd runs, otherwise in
# the foreground. Options: --no-start, --debug (faster build, slower server), --bind ADDR.
set -euo pipefail
cd "$(dirname "$0")"

start=1
profile=release
bind="${CODEROOM_BIND:-0.0.0.0:8080}"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-start) start=0 ;;
    --debug) profile=debug ;;
    --bind) bind="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$(id -u)" -ne 0 ]; then
  echo "run as root (sudo ./install.sh): it installs packages, a service and runtime images" >&2
  exit 1
fi

say() { printf '\n==> %s\n' "$*"; }

say "installing prerequisites"
packages=()
command -v cc >/dev/null || packages+=(build-essential)
command -v pkg-config >/dev/null || packages+=(pkg-config)
command -v node >/dev/null || packages+=(nodejs npm)
command -v dockerd >/dev/null || packages+=(docker.io)
command -v debootstrap >/dev/null || packages+=(debootstrap)
command -v curl >/dev/null || packages+=(curl)
if [ "${#packages[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${packages[@]}"
fi
command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs — then run this again" >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "Node.js 20 or newer is required (found $(node -v))" >&2; exit 1; }

say "building coderoom ($profile; the first build takes a while)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"
if [ "$profile" = release ]; then cargo build --release --locked; else cargo build --locked; fi
install -m 0755 "$CARGO_TARGET_DIR/$profile/coderoom" /usr/local/bin/coderoom

say "configuration and data"
install -d -m 0755 /etc/coderoom
install -d -m 0700 /var/lib/coderoom
if [ ! -f /etc/coderoom/coderoom.toml ]; then
  sed -e "s|^bind = .*|bind = \"$bind\"|" -e 's|^data_dir = .*|data_dir = "/var/lib/coderoom"|' \
    config/coderoom.example.toml >/etc/coderoom/coderoom.toml
fi
coderoom config check /etc/coderoom/coderoom.toml

say "sandbox: Docker engine and runtime images"
scripts/start-docker.sh
coderoom --config /etc/coderoom/coderoom.toml runtimes build

port="${bind##*:}"
url="http://$(hostname -I 2>/dev/null | awk '{print $1}' || echo 127.0.0.1):$port"
cat <<MSG

coderoom is installed.
  Open:            $url/register   (create the administrator with the setup token shown below)
  Or create it:    coderoom --config /etc/coderoom/coderoom.toml users create --name NAME --email EMAIL --role admin
  Setup token:     printed by coderoom at start, and kept in /var/lib/coderoom/setup-token until used
  Configuration:   /etc/coderoom/coderoom.toml   (check it with: coderoom config check FILE)
  Data:            /var/lib/coderoom             (back it up with: coderoom backup FILE)
MSG

[ "$start" -eq 1 ] || exit 0
if [ -d /run/systemd/system ]; then
  cat >/etc/systemd/system/coderoom.service <<UNIT
[Unit]
Description=coderoom coding-interview appliance
After=network-online.target docker.service
Wants=docker.service

[Service]
ExecStart=/usr/local/bin/coderoom --config /etc/coderoom/coderoom.toml serve
Restart=on-failure
NoNewPrivileges=true
ProtectSystem=full
ReadWritePaths=/var/lib/coderoom

[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload
  systemctl enable --now coderoom
  echo "started the coderoom service (journalctl -u coderoom to follow its log)"
  # Once listening, the server has written the one-time setup token if it has no administrator.
  for _ in $(seq 1 60); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    systemctl is-active --quiet coderoom || break
    sleep 1
  done
  if [ -s /var/lib/coderoom/setup-token ]; then
    echo "setup token (one-time, for the first administrator): $(cat /var/lib/coderoom/setup-token)"
  fi
else
  echo "no systemd here: running coderoom in the foreground (Ctrl-C stops it)"
  exec /usr/local/bin/coderoom --config /etc/coderoom/coderoom.toml serve
fi
