#!/usr/bin/env bash
# Sets everything up and runs the main job: installs the dev tools, builds the package, installs n8n 2.8.4
# (once, cached outside the repo) and starts it on http://localhost:5678 (or a free port) with the package loaded
# as a community package — plus the four local provider servers with demo data and a ready credential for each,
# so every node can be tried without a real account. Ctrl+C stops everything. Changes no tracked file.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/n8n-workflow ]; then
  echo "Installing the development tools (npm ci, about two minutes the first time)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "Building the package…"
build_log="$(mktemp)"
npm run --silent build >"$build_log" 2>&1 || { cat "$build_log"; rm -f "$build_log"; exit 1; }
rm -f "$build_log"
exec node scripts/start.js
