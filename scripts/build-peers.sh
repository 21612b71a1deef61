#!/usr/bin/env bash
# Builds the peers the benchmarks compare coderoom with, from their public source, into a cache
# folder outside the repository (never committed), $CODEROOM_PEERS (default
# /var/cache/coderoom/peers):
#
#   Rustpad (github.com/ekzhang/rustpad), for scripts/bench-realtime.sh: put its source in
#   $CODEROOM_PEERS/rustpad-src (e.g. `git clone https://github.com/ekzhang/rustpad
#   "$CODEROOM_PEERS/rustpad-src"`); the server is built with cargo, its crates from the
#   configured registry.
#
#   Piston (github.com/engineer-man/piston), for scripts/bench-sandbox.sh: its API and the two
#   dependencies its package.json takes from git, cloned next to each other:
#     git clone https://github.com/engineer-man/piston "$CODEROOM_PEERS/piston-src"
#     git clone https://github.com/HexF/nocamel "$CODEROOM_PEERS/nocamel-src"
#     git clone https://github.com/HexF/node-waitpid "$CODEROOM_PEERS/node-waitpid-src"
#   Needs root (Piston runs each job under a uid of its own), node + npm, gcc, make and
#   libseccomp-dev (its `nosocket`). Set up in $CODEROOM_PEERS/piston:
#   - api/: the API at the last commit before Piston moved to `isolate` (cgroups, not available
#     on every host): jobs run as `nice timeout prlimit nosocket bash run` under uids
#     1001-1500, which is how the public Piston image ran until September 2024. Unchanged
#     except package.json, whose two git dependencies point at local copies of the exact
#     commits its package-lock.json pins; the rest comes from the configured npm registry.
#   - bin/nosocket: built from api/src/nosocket (the image installs it in /usr/local/bin).
#   - data/packages/: Piston downloads its language packages (interpreters it compiled)
#     from GitHub releases; here they are written by hand in the same layout (pkg-info.json,
#     run, environment, the cached .env, .ppman-installed), around this machine's own
#     /usr/bin/python3 and node, with nosocket's folder added to their PATH.
#
#   scripts/build-peers.sh [rustpad] [piston]     (default: every peer whose source is there)
# Prints the variables the benchmarks read (RUSTPAD_BIN=…, PISTON_DIR=…).
set -euo pipefail
peers="${CODEROOM_PEERS:-/var/cache/coderoom/peers}"

# The last commit of Piston's API that ran jobs with prlimit/nosocket (the next one, bd42fe3,
# replaced them with isolate).
piston_commit=59338eee333606af6b7e5aa459ce63b6a3da2757

# Whether the source of peer $1 is in place; says what is missing when not.
has_source() {
  case "$1" in
    rustpad) [ -f "$peers/rustpad-src/rustpad-server/Cargo.toml" ] && return ;;
    piston) git -C "$peers/piston-src" cat-file -e "$piston_commit^{commit}" 2>/dev/null && return ;;
    *) echo "unknown peer $1 (rustpad, piston)" >&2; return 1 ;;
  esac
  echo "no $1 source in $peers/$1-src (see the top of $0)" >&2
  return 1
}

build_rustpad() {
  local src="$peers/rustpad-src"
  # Release build of the server alone, the way its Dockerfile builds it.
  (cd "$src" && CARGO_TARGET_DIR="$peers/rustpad-target" cargo build --release --locked -p rustpad-server >&2)
  echo "RUSTPAD_BIN=$peers/rustpad-target/release/rustpad-server"
}

build_piston() {
  local src="$peers/piston-src" dir="$peers/piston"
  [ "$(id -u)" = 0 ] || { echo "Piston runs its jobs under uids of their own: run as root" >&2; exit 1; }
  rm -rf "$dir"
  mkdir -p "$dir/bin" "$dir/deps" "$dir/data/packages"
  git -C "$src" archive "$piston_commit" api | tar -x -C "$dir"

  # nocamel and waitpid: the commits package-lock.json pins, from local clones; their entries
  # leave the lock file (npm would fetch them from git), every other package stays pinned.
  local dep clone commit
  for dep in nocamel:nocamel-src waitpid:node-waitpid-src; do
    clone="$peers/${dep#*:}"
    dep="${dep%%:*}"
    commit=$(node -e 'const lock = require(process.argv[1]);
      process.stdout.write(lock.packages["node_modules/" + process.argv[2]].resolved.split("#")[1])' \
      "$dir/api/package-lock.json" "$dep")
    if ! git -C "$clone" cat-file -e "$commit^{commit}" 2>/dev/null; then
      echo "no $dep source with commit $commit in $clone (see the top of $0)" >&2
      exit 1
    fi
    mkdir -p "$dir/deps/$dep"
    git -C "$clone" archive "$commit" | tar -x -C "$dir/deps/$dep"
    (cd "$dir/api" && npm pkg set "dependencies.$dep=file:../deps/$dep")
    node -e 'const fs = require("fs"), file = process.argv[1], lock = JSON.parse(fs.readFileSync(file));
      delete lock.packages["node_modules/" + process.argv[2]];
      delete (lock.dependencies || {})[process.argv[2]];
      fs.writeFileSync(file, JSON.stringify(lock, null, 4))' "$dir/api/package-lock.json" "$dep"
  done
  # waitpid is a native addon: its install script builds it (npm 11 runs a dependency's script
  # only when package.json allows it), against this node's own headers when they are installed
  # (node-gyp would otherwise download them).
  (cd "$dir/api" && npm pkg set --json allowScripts.waitpid=true)
  if [ -f /usr/include/node/node_version.h ]; then export npm_config_nodedir=/usr; fi
  (cd "$dir/api" && npm install --omit=dev --install-links --no-audit --no-fund >&2)
  (cd "$dir/api" && node -e 'require("waitpid")') || { echo "waitpid was not built" >&2; exit 1; }

  make -C "$dir/api/src/nosocket" all >&2
  mv "$dir/api/src/nosocket/nosocket" "$dir/bin/"

  local python python_version node_version
  python=$(readlink -f /usr/bin/python3)
  python_version=$("$python" -c 'import platform; print(platform.python_version())')
  piston_package python "$python_version" \
    "{\"language\":\"python\",\"version\":\"$python_version\",\"aliases\":[\"py\",\"py3\",\"python3\",\"${python##*/}\"]}" \
    "${python##*/} \"\$@\""
  node_version=$(node -p 'process.versions.node')
  piston_package node "$node_version" \
    "{\"language\":\"node\",\"version\":\"$node_version\",\"provides\":[{\"language\":\"javascript\",\"aliases\":[\"node-javascript\",\"node-js\",\"javascript\",\"js\"]}]}" \
    'node "$@"'
  echo "PISTON_DIR=$dir"
}

# Writes an installed package the way Piston's package manager leaves one: $1 language,
# $2 version, $3 metadata.json, $4 the run script's command. Its build platform is the one
# Piston computes for this host (it warns about any other).
piston_package() {
  local pkg="$peers/piston/data/packages/$1/$2"
  mkdir -p "$pkg"
  node -e 'const info = JSON.parse(process.argv[1]);
    info.build_platform = process.argv[2];
    process.stdout.write(JSON.stringify(info, null, 4))' "$3" \
    "$(cd "$peers/piston/api" && node -p '(require("is-docker")() ? "docker" : "baremetal")')-$(sed -n 's/^ID=//p' /etc/os-release)" \
    >"$pkg/pkg-info.json"
  printf '#!/bin/bash\n\n%s\n' "$4" >"$pkg/run"
  printf 'export PATH=$PWD/bin:%s:$PATH\n' "$peers/piston/bin" >"$pkg/environment"
  # Piston caches the environment a package's `environment` file produces, in .env.
  env -i bash -c "cd '$pkg'; source environment; env" | grep -Ev '^(PWD|OLDPWD|_|SHLVL)=' >"$pkg/.env"
  chmod +x "$pkg/run"
  date +%s000 >"$pkg/.ppman-installed"
}

# Named peers must build; without names, those whose source is missing are skipped.
if [ $# -gt 0 ]; then
  for peer in "$@"; do has_source "$peer" || exit 1; done
  wanted=("$@")
else
  wanted=()
  for peer in rustpad piston; do if has_source "$peer"; then wanted+=("$peer"); fi; done
  [ ${#wanted[@]} -gt 0 ] || exit 1
fi
for peer in "${wanted[@]}"; do "build_$peer"; done
