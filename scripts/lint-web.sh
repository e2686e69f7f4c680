#!/usr/bin/env bash
# Lints the web page's modules (api-service/src/main/resources/static/js/**/*.js):
#   1. ESLint with scripts/lint-web/eslint.config.js (recommended rules + no-unused-vars, eqeqeq, no-var,
#      prefer-const), failing on any warning as well as on any error (--max-warnings 0);
#   2. Prettier's formatting check (--check) with scripts/lint-web/prettier.config.json.
# Both always run; the script fails if either finds anything. The tools are npm dev dependencies of
# scripts/lint-web/ (package.json + package-lock.json), installed with `npm ci` when node_modules is missing or older
# than the lockfile, as e2e/run.sh does for playwright-core. Needs Node.js 20.19+ (ESLint 10).
#   scripts/lint-web.sh --fix   apply ESLint's fixes and Prettier's formatting instead of only checking
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
source scripts/lib.sh

fix=false
case "${1:-}" in
  --fix) fix=true ;;
  "") ;;
  *) echo "usage: scripts/lint-web.sh [--fix]" >&2; exit 2 ;;
esac

# Node.js may come from another source than Debian's packages (see e2e/run.sh): install Debian's only when missing.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  ensure_packages nodejs npm
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "error: Node.js $(node --version) found; the web lint needs Node.js 20.19 or newer (ESLint 10)" >&2
  exit 1
fi

TOOLS=scripts/lint-web
if [ ! -f "$TOOLS/node_modules/eslint/package.json" ] || [ "$TOOLS/package-lock.json" -nt "$TOOLS/node_modules/.package-lock.json" ]; then
  echo "==> npm ci (lint-web)"
  (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
fi

PAGE=api-service/src/main/resources/static/js
status=0
echo "==> eslint $PAGE"
eslint_args=(--config "$TOOLS/eslint.config.js" --max-warnings 0)
$fix && eslint_args+=(--fix)
"$TOOLS/node_modules/.bin/eslint" "${eslint_args[@]}" "$PAGE" || status=1
echo "==> prettier $($fix && echo --write || echo --check) $PAGE"
"$TOOLS/node_modules/.bin/prettier" --config "$TOOLS/prettier.config.json" --no-editorconfig \
  "$($fix && echo --write || echo --check)" "$PAGE/**/*.js" || status=1
if [ $status -ne 0 ]; then
  echo "web lint: FAILED (scripts/lint-web.sh --fix repairs formatting and what ESLint can fix)" >&2
else
  echo "web lint: OK"
fi
exit $status
