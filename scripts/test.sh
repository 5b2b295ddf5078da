#!/usr/bin/env bash
# The one test command (`npm test`): build, n8n's lint and verification scanner, the package checks, the unit and
# local-server tests, and the end-to-end suites in a real n8n (installed on first use into a cache outside the repo).
# Ends with a plain "N passed, N failed" line.
#   SKIP_E2E=1   skip the real-n8n suites (quick local loop)
#   N8N_VERSION  the n8n line for the e2e suites (default 2.8.4)
set -uo pipefail
cd "$(dirname "$0")/.."
results="$(mktemp -d)"
passed=0
failed=0

check() { # name, command...
	local name="$1"; shift
	echo "=== $name"
	if "$@"; then passed=$((passed + 1)); echo "--- $name: ok"; else failed=$((failed + 1)); echo "--- $name: FAILED"; fi
}

jest_suite() { # name, jest args...
	local name="$1"; shift
	echo "=== $name"
	npx jest --json --outputFile="$results/$name.json" "$@"
	if [ -f "$results/$name.json" ]; then
		read -r p f < <(node -e 'const r=require(process.argv[1]);const broken=r.testResults.filter(t=>t.status==="failed"&&!t.assertionResults.length).length;console.log(r.numPassedTests, r.numFailedTests+broken)' "$results/$name.json")
		passed=$((passed + p)); failed=$((failed + f))
		echo "--- $name: $p passed, $f failed"
	else
		failed=$((failed + 1)); echo "--- $name: did not run"
	fi
}

[ -d node_modules/n8n-workflow ] || npm ci --no-audit --no-fund --loglevel=error
# Debian's chromium (editor test) and redis-server (queue mode), when they can be installed; the suites that need
# them say clearly when they skip.
if [ "${SKIP_E2E:-0}" != "1" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	missing=""
	command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
	command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
	if [ -n "$missing" ]; then
		echo "installing$missing (apt-get)"
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing) >/dev/null 2>&1 || echo "could not install$missing"
	fi
fi
rm -rf dist
if ! npm run build; then echo "build failed"; echo "0 passed, 1 failed"; exit 1; fi

check lint npx n8n-node lint
check scanner node scripts/scan.mjs
jest_suite unit --config jest.config.js
if [ "${SKIP_E2E:-0}" != "1" ]; then
	jest_suite e2e --config jest.e2e.config.js
fi

rm -rf "$results"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
