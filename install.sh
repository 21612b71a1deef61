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

# The oldest Rust that builds coderoom, from Cargo.toml.
rust_needed=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
# version_at_least HAVE NEED: compares dotted versions (1.96.0 >= 1.88).
version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
rust_is_new_enough() {
  command -v cargo >/dev/null && command -v rustc >/dev/null &&
    version_at_least "$(rustc --version | awk '{print $2}')" "$rust_needed"
}
# Newest upstream version of a package in the configured apt sources (epoch and Debian
# revision removed), or nothing.
apt_version() {
  apt-cache madison "$1" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}' |
    sed -e 's/^[0-9]*://' -e 's/[+~-].*//' | sort -V | tail -n1
}
# The first of Debian's toolchain packages (rustc and cargo, or the newer rustc-web and
# cargo-web that stable releases carry for browsers) that is new enough; nothing if none is.
apt_rust_packages() {
  local pair
  for pair in "rustc cargo" "rustc-web cargo-web"; do
    local version
    version=$(apt_version "${pair%% *}")
    if [ -n "$version" ] && version_at_least "$version" "$rust_needed"; then
      echo "$pair"
      return
    fi
  done
}
# The mirror this machine already uses for its release CODENAME (never a fixed host).
debian_mirror() {
  {
    awk -v suite="$1" '
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) found = uri }
      /^$/ { if (found) { print found; exit } uri = "" }
      END { if (found) print found }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true
    awk -v suite="$1" '$1 == "deb" { sub(/ \[[^]]*\]/, ""); if ($3 == suite) { print $2; exit } }' \
      /etc/apt/sources.list 2>/dev/null || true
  } | head -n1
}
# Rust from the configured Debian mirror when this release (or its backports) carries a
# version new enough, otherwise rustup.
install_rust() {
  rust_is_new_enough && return
  say "installing Rust >= $rust_needed"
  export DEBIAN_FRONTEND=noninteractive
  local packages codename mirror backports=()
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  apt-get update -qq
  packages=$(apt_rust_packages)
  if [ -z "$packages" ] && [ -n "$codename" ] && grep -qi '^ID=debian' /etc/os-release &&
    ! grep -rqs "$codename-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    mirror=$(debian_mirror "$codename")
    if [ -n "$mirror" ]; then
      echo "adding $codename-backports from $mirror (other packages stay on $codename)"
      printf 'Types: deb\nURIs: %s\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$mirror" "$codename" >/etc/apt/sources.list.d/coderoom-backports.sources
      apt-get update -qq
      packages=$(apt_rust_packages)
    fi
  fi
  if [ -n "$packages" ]; then
    # Backports are never picked by default; ask for them when they are configured.
    grep -rqs "$codename-backports" /etc/apt/sources.list /etc/apt/sources.list.d/ && backports=(-t "$codename-backports")
    # shellcheck disable=SC2086 # two package names
    apt-get install -y -qq "${backports[@]}" $packages
  elif apt-cache show rustup >/dev/null 2>&1; then
    apt-get install -y -qq rustup
    rustup default stable
  else
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  fi
  export PATH="$HOME/.cargo/bin:$PATH"
  rust_is_new_enough ||
    { echo "could not install Rust >= $rust_needed; install it (https://rustup.rs) and run this again" >&2; exit 1; }
  echo "Rust: $(rustc --version)"
}

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
install_rust
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "Node.js 20 or newer is required (found $(node -v))" >&2; exit 1; }
# npm before 11 (Debian 13 ships 9) misreads the web app's lock file (optional peers).
if [ "$(npm --version | cut -d. -f1)" -lt 11 ]; then
  say "updating npm to 11 (found $(npm --version))"
  npm install -g --no-audit --no-fund npm@11
  hash -r
fi

say "building coderoom ($profile; the first build takes a while)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/coderoom/target}"
if [ "$profile" = release ]; then cargo build --release --locked; else cargo build --locked; fi
install -m 0755 "$CARGO_TARGET_DIR/$profile/coderoom" /usr/local/bin/coderoom

say "configuration and data"
install -d -m 0755 /etc/coderoom
install -d -m 0700 /var/lib/coderoom
# Browsers allow the camera, microphone and clipboard only over HTTPS (or on localhost), so
# a server reached from other machines serves HTTPS with its own certificate authority.
case "${bind%:*}" in 127.* | localhost | "[::1]") tls=off ;; *) tls=auto ;; esac
if [ ! -f /etc/coderoom/coderoom.toml ]; then
  sed -e "s|^bind = .*|bind = \"$bind\"|" -e 's|^data_dir = .*|data_dir = "/var/lib/coderoom"|' \
    -e "s|^# mode = \"auto\"|mode = \"$tls\"|" config/coderoom.example.toml >/etc/coderoom/coderoom.toml
fi
coderoom config check /etc/coderoom/coderoom.toml
tls=$(coderoom --config /etc/coderoom/coderoom.toml tls mode)
[ "$tls" = off ] || coderoom --config /etc/coderoom/coderoom.toml tls ca >/dev/null

say "sandbox: Docker engine and runtime images"
scripts/start-docker.sh
coderoom --config /etc/coderoom/coderoom.toml runtimes check >/dev/null 2>&1 ||
  coderoom --config /etc/coderoom/coderoom.toml runtimes build

port="${bind##*:}"
scheme=https
[ "$tls" != off ] || scheme=http
address=$(hostname -I 2>/dev/null | awk '{print $1}' || true)
url="$scheme://${address:-127.0.0.1}:$port"
cat <<MSG

coderoom is installed.
  Open:            $url/register   (create the administrator with the setup token shown below)
MSG
[ "$tls" != auto ] || cat <<MSG
  HTTPS:           certificates from coderoom's own authority, /var/lib/coderoom/tls/ca.crt
                   (also at $url/ca.crt); trust it once per device: coderoom tls ca
MSG
cat <<MSG
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
    /usr/local/bin/coderoom --config /etc/coderoom/coderoom.toml healthcheck >/dev/null 2>&1 && break
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
