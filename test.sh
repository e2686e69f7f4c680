#!/usr/bin/env bash
# Runs every test of every module, starting what the tests need:
#   1. unit and integration tests of all Maven modules (real redis-server, Janus, Sentinel and engines, started by
#      the tests), with the architecture rules (ArchUnit), then the fault-injection suite from the jars they left
#      (scripts/fault-test.sh: Redis outages, replica kills and SIGTERM, Sentinel failover; docs/faults.md),
#   2. static checks: class and module sizes, the web page's lint (ESLint, Prettier),
#   3. static checks of deploy/ (stack, compose, Prometheus config and rules, dashboards),
#   4. the end-to-end test: the suite as ./run.sh starts it, two real headless Chromium participants,
#   5. the real images built with podman (deploy/local-images.sh) and the suite run from them, as the Swarm stack
#      runs them (deploy/image-test.sh) and as deploy/compose.yml does (deploy/compose-test.sh): needs root.
# Installs missing OS packages when run as root; otherwise prints the one apt line to run.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

require_java
ensure_packages "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"

started=$SECONDS
status=0
results=()
step() { # NAME CMD...
  local name=$1
  shift
  echo
  echo "==> $name"
  local t=$SECONDS
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - t)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - t)) s)")
    status=1
  fi
}

step "Maven modules: unit and integration tests" ./mvnw -B -ntp -fae verify
step "Fault injection from the jars (scripts/fault-test.sh, docs/faults.md)" scripts/fault-test.sh
step "Sizes: no production class or page module over 400 lines without a reason" scripts/check-sizes.sh
step "Web page lint: ESLint and Prettier (scripts/lint-web.sh)" scripts/lint-web.sh
step "Whole suite boots as ./run.sh starts it (readiness, Prometheus, OpenAPI, Ctrl-C)" scripts/suite-smoke.sh
step "deploy/: stack, compose, Prometheus config and rules, dashboards, metric names" bash deploy/check.sh
step "End-to-end: two headless Chromium participants in a translated call (e2e/run.sh)" e2e/run.sh
step "Images: built with podman, the suite run from them as the stack runs it (deploy/image-test.sh)" deploy/image-test.sh
step "Images: deploy/compose.yml run with podman-compose (deploy/compose-test.sh)" deploy/compose-test.sh

echo
echo "==> summary ($((SECONDS - started)) s)"
printf '    %s\n' "${results[@]}"
passed=$(printf '%s\n' "${results[@]}" | grep -c '^PASS' || true)
failed=$(printf '%s\n' "${results[@]}" | grep -c '^FAIL' || true)
echo "test.sh: $passed passed, $failed failed"
exit $status
