#!/usr/bin/env bash
# Builds the real images (deploy/local-images.sh) and runs the suite FROM THEM with podman, as the Swarm stack
# runs them (deploy/tools/stack_to_podman.py reads each service's environment, secrets, config, health check, stop
# grace and limits from deploy/swarm/stack.yml), on the host network with the stack's ports:
#   1. Redis, apertium, pipeline-orchestrator, signaling-service, api-service all started at once (no start order in
#      Swarm either); secrets from deploy/secrets.sh as podman secrets under /run/secrets/ (uid 10001, 0400);
#   2. each container's own health check must report healthy (nothing schedules podman's health checks without
#      systemd, so this script runs them: `podman healthcheck run`, once a second), and readiness must be UP;
#   3. one call through them (deploy/tools/call_through.py): room, two joins, signaling offer/answer, a flite sentence
#      streamed as 16 kHz PCM16 to /ws/audio -> Spanish translation and dub on the listener's signaling socket;
#   4. /actuator/prometheus of each service, with the call's metrics, checked against the dashboards and alerts;
#   5. each container stopped with its stop signal and the stack's grace: it must exit in time by itself (not killed),
#      java being PID 1 as uid 10001, Spring's graceful shutdown in the logs; a signaling socket open during the stop
#      is closed with 1012 (replica shutting down).
# Time-boxed (IMAGE_TEST_BUDGET, default 570 s, build included); needs root (podman). Ports 6379, 2737, 8080-8082, 8188
# must be free. IMAGE_TEST_KEEP=1 leaves the containers (babelcall-it-*) for inspection. Prints PASS/FAIL lines and "image-test: N passed, N failed"; exit 0 only when nothing failed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
NAME=image-test
# shellcheck source=deploy/podman/lib.sh
source deploy/podman/lib.sh
# shellcheck source=deploy/podman/testlib.sh
source deploy/podman/testlib.sh
timebox "${IMAGE_TEST_BUDGET:-570}" "$0" "$@"

P=babelcall-it-                                   # prefix of every container, secret and volume this test makes
cname() { echo "$P$1"; }
STACK=deploy/swarm/stack.yml
SERVICES=(redis apertium janus-1 pipeline-orchestrator signaling-service api-service)
SECRETS=(babelcall_token_secret babelcall_redis_url babelcall_redis_password babelcall_turn_secret janus_api_secret
  janus_admin_key janus_admin_secret)
WORK=$(mktemp -d /tmp/babelcall-image-test.XXXXXX)
HOLD_PID=
remove_ours() { # every container, secret and volume of this test, by name (also what a killed run left behind)
  local s
  for s in "${SERVICES[@]}"; do podman rm -f -t 0 "$P$s" >/dev/null 2>&1 || true; done
  for s in "${SECRETS[@]}"; do podman secret rm "$P$s" >/dev/null 2>&1 || true; done
  podman volume rm -f "${P}redis-data" >/dev/null 2>&1 || true
}
cleanup() {
  trap - EXIT
  [ -n "$HOLD_PID" ] && kill "$HOLD_PID" 2>/dev/null
  if [ -n "${IMAGE_TEST_KEEP:-}" ]; then
    echo "IMAGE_TEST_KEEP: containers ${P}* and $WORK left for inspection (the next run removes them)"
  else
    remove_ours; rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

prepare
remove_ours
ports_free 6379 2737 8080 8081 8082 8188

# ------------------------------------------------------------------------------------------------ secrets
SECRETS_DIR="$WORK/secrets" deploy/secrets.sh compose >/dev/null
for s in "${SECRETS[@]}"; do podman secret create "$P$s" "$WORK/secrets/$s" >/dev/null; done
pass "secrets from deploy/secrets.sh as podman secrets: ${SECRETS[*]}"

# ------------------------------------------------------------------------------------------------ start
# No Traefik here: clients reach each service on its own port, so the public URLs and origins are the services'.
LOCAL_ENV=(
  --env BABELCALL_SIGNALING_ALLOWED_ORIGINS=http://localhost:8080
  --env BABELCALL_CORS_ALLOWED_ORIGINS=http://localhost:8080
  --env BABELCALL_API_PUBLIC_BASE_URL=http://localhost:8080
  --env BABELCALL_API_SIGNALING_URL=ws://localhost:8081/ws
  --env BABELCALL_API_AUDIO_URL=ws://localhost:8082/ws/audio
  --env BABELCALL_API_ORCHESTRATOR_URL=http://localhost:8082
  --env BABELCALL_API_TRUSTED_PROXIES=0
)
declare -A T_RUN
start() { # SERVICE [stack_to_podman options...]
  local name=$1; shift
  if ! python3 deploy/tools/stack_to_podman.py "$STACK" "$name" --prefix "$P" \
      --var DOMAIN=localhost --var ACME_EMAIL=ops@localhost --var REGISTRY="$REGISTRY" --var VERSION="$VERSION" \
      --var TURN_HOST=localhost --var JANUS_1_PUBLIC_IP=127.0.0.1 --var BACKEND_SUBNET=127.0.0.0/8 "$@" > "$WORK/$name.args"; then
    fail "$name: cannot translate the stack's service"; return 1
  fi
  local args
  mapfile -d '' args < "$WORK/$name.args"
  T_RUN[$name]=$(date +%s%N)
  # podman says on stderr that it cannot schedule health checks without systemd: wait_healthy runs them instead.
  if ! podman run -d --name "$P$name" "${args[@]}" > /dev/null 2>> "$WORK/podman-run.log"; then
    fail "$name: podman run failed: $(grep -v systemd "$WORK/podman-run.log" | tail -n 3)"; return 1
  fi
}
start redis --image "$REDIS_IMAGE"
start apertium
start janus-1
for s in pipeline-orchestrator signaling-service api-service; do start "$s" "${LOCAL_ENV[@]}"; done

# ------------------------------------------------------------------------------------------------ health, call
healthy=1
for s in "${SERVICES[@]}"; do wait_healthy "$s" "${T_RUN[$s]}" || healthy=0; done
if [ $healthy = 0 ]; then finish; exit 1; fi
check_services
one_call

# ------------------------------------------------------------------------------------------------ metrics
metric() { # FILE NAME [LABEL-SUBSTRING]: the sum of a metric's samples
  awk -v n="$2" -v l="${3:-}" '$1 ~ "^"n"({|$)" && index($1, l) { s += $NF } END { print s + 0 }' "$1"
}
scraped=()
for pair in api-service:8080 signaling-service:8081 pipeline-orchestrator:8082; do
  name=${pair%%:*} port=${pair##*:}
  if curl -sf --max-time 10 "http://127.0.0.1:$port/actuator/prometheus" > "$WORK/$name.prom" \
      && grep -q '^jvm_memory_used_bytes' "$WORK/$name.prom"; then
    scraped+=("$WORK/$name.prom")
  else
    fail "$name: no Prometheus scrape"
  fi
done
expect() { # FILE NAME LABEL MIN WHAT
  local v; v=$(metric "$1" "$2" "$3")
  if awk -v v="$v" -v m="$4" 'BEGIN { exit !(v >= m) }'; then pass "scrape: $5 ($2${3:+ $3} = $v)"
  else fail "scrape: $5: $2${3:+ $3} = $v, expected >= $4"; fi
}
if [ ${#scraped[@]} = 3 ]; then
  expect "$WORK/api-service.prom" babelcall_rooms_opened_total '' 1 "api counted the room"
  expect "$WORK/api-service.prom" babelcall_participants_joined_total '' 2 "api counted both joins"
  expect "$WORK/signaling-service.prom" babelcall_signaling_messages_in_total 'type="offer"' 1 "signaling counted the offer"
  expect "$WORK/pipeline-orchestrator.prom" babelcall_utterances_total '' 1 "orchestrator finalised the utterance"
  expect "$WORK/pipeline-orchestrator.prom" babelcall_pipeline_eos_to_translation_seconds_count 'target="es"' 1 \
    "orchestrator timed end of speech -> Spanish translation"
  if out=$(java deploy/tools/MetricNames.java scrape "${scraped[@]}" 2>&1); then
    pass "every metric the dashboards and alerts use is in the three scrapes (MetricNames: ${out%% (*})"
  else
    fail "metric names the dashboards/alerts use that the running images do not emit:"; sed 's/^/        /' <<<"$out"
  fi
fi

# ------------------------------------------------------------------------------------------------ stop
# A signaling socket stays open while signaling stops: a graceful shutdown closes it with 1012.
if [ -s "$WORK/hold.json" ]; then
  python3 deploy/tools/call_through.py hold --hold-file "$WORK/hold.json" > "$WORK/hold.log" 2>&1 &
  HOLD_PID=$!
  for _ in $(seq 1 100); do grep -q '^open' "$WORK/hold.log" && break; kill -0 $HOLD_PID 2>/dev/null || break; sleep 0.1; done
  grep -q '^open' "$WORK/hold.log" || fail "could not reopen the listener's signaling socket: $(cat "$WORK/hold.log")"
fi
stop_one() { # SERVICE: podman stop sends the image's stop signal and waits the stack's grace (--stop-timeout)
  local t0; t0=$(date +%s%N)
  podman stop "$P$1" >/dev/null 2>&1 || true
  check_stopped "$1" "$(ms_since "$t0")" "$(podman inspect --format '{{.Config.StopTimeout}}' "$P$1")"
}
stop_one api-service
stop_one signaling-service
if [ -n "$HOLD_PID" ]; then
  wait "$HOLD_PID" 2>/dev/null || true; HOLD_PID=
  if grep -q '^closed 1012' "$WORK/hold.log"; then pass "the open signaling socket was closed with 1012 (replica shutting down)"
  else fail "the open signaling socket during the stop: $(tr '\n' ' ' < "$WORK/hold.log")"; fi
fi
stop_one pipeline-orchestrator
stop_one apertium
stop_one janus-1
stop_one redis
finish
