#!/usr/bin/env bash
# End-to-end test of the web client: starts the suite through ../run.sh on its own ports (API 18080, signaling 18081,
# orchestrator 18082, Redis 16390; override with E2E_API_PORT, E2E_SIGNALING_PORT, E2E_ORCHESTRATOR_PORT,
# E2E_REDIS_PORT), drives two headless Debian Chromium participants with playwright-core, and stops everything,
# also on failure. Screenshots, the suite's output and latency.json go to e2e/artifacts/.
#   E2E_BASE_URL=http://localhost:8080  run against a suite that is already running instead
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=../scripts/lib.sh
source ../scripts/lib.sh
ensure_packages chromium flite sox
# Node.js may come from another source than Debian's packages (NodeSource bundles npm in its nodejs package, and
# Debian's npm conflicts with it): check the commands, and install Debian's only when they are missing.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  ensure_packages nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "error: Node.js $(node --version) found; the end-to-end test needs Node.js 20 or newer (playwright-core)" >&2
  exit 1
fi

# playwright-core only (never the full playwright package, which downloads a browser): Debian's chromium is used.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -f node_modules/playwright-core/package.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (e2e)"
  npm ci --no-audit --no-fund --loglevel=error
fi

mkdir -p artifacts
exec node --test --test-concurrency=1 --test-reporter=spec test/
