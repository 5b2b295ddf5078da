#!/usr/bin/env bash
# Sets everything up and runs the main job: installs the dev tools, builds the package, installs n8n 2.8.4
# (cached outside the repo) and starts it on http://127.0.0.1:${N8N_PORT:-5678} with the package loaded as a
# community package — plus the four local provider simulators and a ready credential for each, so every node
# can be tried without a real account. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/n8n-workflow ] || npm ci --no-audit --no-fund || npm install --no-audit --no-fund  # ci refuses a lockfile whose optional platform packages this registry lacks
npm run build
exec node scripts/start.js
