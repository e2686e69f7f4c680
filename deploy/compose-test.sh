#!/usr/bin/env bash
# Runs deploy/compose.yml itself with podman-compose (Debian 12's 1.0.3; no Docker engine here), on its own compose
# network (service names resolve through podman's DNS, the services are published on 127.0.0.1:8080-8082 as
# compose.yml says), from the images deploy/local-images.sh builds (cached):
#   redis (the local stand-in image: redis:7.2-alpine cannot be pulled here), apertium, pipeline-orchestrator,
#   signaling-service, api-service, with compose.yml's environment, file secrets (deploy/secrets.sh, in a scratch
#   folder through BABELCALL_SECRETS_DIR), config mount, volumes, limits and health checks;
# then each container's health check must report healthy, one translated call goes through them
# (deploy/tools/call_through.py), and `podman-compose stop` must stop each by itself with Spring's graceful shutdown.
# Not run (their images cannot be pulled here): prometheus, alertmanager, blackbox-exporter, redis-exporter, grafana,
# loki, promtail, coturn; see deploy/README.md. Time-boxed (COMPOSE_TEST_BUDGET, default 420 s); needs root.
# Prints PASS/FAIL lines and "compose-test: N passed, N failed"; exit 0 only when nothing failed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
NAME=compose-test
# shellcheck source=deploy/podman/lib.sh
source deploy/podman/lib.sh
# shellcheck source=deploy/podman/testlib.sh
source deploy/podman/testlib.sh
timebox "${COMPOSE_TEST_BUDGET:-420}" "$0" "$@"

PROJECT=babelcall-ct
cname() { echo "${PROJECT}_$1_1"; }
SERVICES=(redis apertium janus-1 pipeline-orchestrator signaling-service api-service)
WORK=$(mktemp -d /tmp/babelcall-compose-test.XXXXXX)
# compose.yml as it is, plus one override: the Redis image.
printf 'services:\n  redis:\n    image: %s\n' "$REDIS_IMAGE" > "$WORK/override.yml"
compose() {
  BABELCALL_SECRETS_DIR="$WORK/secrets" podman-compose -p "$PROJECT" -f deploy/compose.yml -f "$WORK/override.yml" "$@"
}
down() { # everything of this project, by its name (also what a killed run left behind)
  compose down -v >/dev/null 2>&1 || true
  podman network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
}
cleanup() { trap - EXIT; down; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 143' TERM INT

ensure_packages podman-compose || { fail "podman-compose is missing (apt-get install -y podman-compose)"; finish; exit 1; }
prepare
SECRETS_DIR="$WORK/secrets" deploy/secrets.sh compose >/dev/null
down
ports_free 8080 8081 8082

t0=$(date +%s%N)
if compose up -d "${SERVICES[@]}" > "$WORK/up.log" 2>&1; then
  pass "podman-compose up -d ${SERVICES[*]}"
else
  fail "podman-compose up failed:"; grep -E '^Error|exit code' "$WORK/up.log" | sed 's/^/        /'; finish; exit 1
fi
healthy=1
for s in "${SERVICES[@]}"; do wait_healthy "$s" "$t0" || healthy=0; done
if [ $healthy = 0 ]; then finish; exit 1; fi
check_services
one_call

# podman-compose 1.0.3 stops with `podman stop -t 10` (it does not pass stop_grace_period on).
for s in api-service signaling-service pipeline-orchestrator apertium janus-1 redis; do
  t0=$(date +%s%N)
  compose stop "$s" > "$WORK/stop.log" 2>&1 || true
  check_stopped "$s" "$(ms_since "$t0")" 10
done
finish
