#!/usr/bin/env bash
# Boots the whole suite exactly as ./run.sh does (on spare ports, with its own Redis and state folder), then checks:
# every service's liveness/readiness (readiness includes Redis) and /actuator/prometheus with its babelcall metrics,
# the OpenAPI document and Swagger UI, the web page; then interrupts run.sh like Ctrl-C and checks nothing is left.
set -euo pipefail
cd "$(dirname "$0")/.."
export API_PORT=${API_PORT:-18180} SIGNALING_PORT=${SIGNALING_PORT:-18181} ORCHESTRATOR_PORT=${ORCHESTRATOR_PORT:-18182}
export REDIS_PORT=${REDIS_PORT:-16490} JANUS_PORT=${JANUS_PORT:-18288} JANUS_RTP_PORTS=${JANUS_RTP_PORTS:-20300-20399}
export BABELCALL_RUN_DIR
BABELCALL_RUN_DIR=$(mktemp -d /tmp/babelcall-smoke.XXXXXX)
unset REDIS_URL
LOG=$BABELCALL_RUN_DIR/run.out
failures=0
check() { # DESCRIPTION CMD...
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then echo "  ok    $what"; else echo "  FAIL  $what"; failures=$((failures + 1)); fi
}

# A background job of a script starts with SIGINT ignored, and bash cannot trap a signal ignored on entry: perl
# restores the default disposition first, so run.sh sees SIGINT exactly as from Ctrl-C in a terminal.
setsid perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die "exec: $!"' ./run.sh >"$LOG" 2>&1 < /dev/null &
RUN_PID=$!
stop_suite() {
  if kill -0 "$RUN_PID" 2>/dev/null; then
    kill -INT -- "-$RUN_PID" 2>/dev/null || kill -INT "$RUN_PID" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.2; done
  fi
}
trap 'stop_suite' EXIT

t0=$SECONDS
for _ in $(seq 1 360); do
  grep -q "is ready" "$LOG" && break
  kill -0 "$RUN_PID" 2>/dev/null || break
  sleep 0.5
done
if ! grep -q "is ready" "$LOG"; then
  echo "suite did not become ready; run.sh output:"
  cat "$LOG"
  for f in "$BABELCALL_RUN_DIR"/logs/*.log; do echo "---- $f"; tail -n 30 "$f"; done
  exit 1
fi
echo "suite ready after $((SECONDS - t0)) s (including any build): $(grep 'is ready' "$LOG")"

for port in $API_PORT $SIGNALING_PORT $ORCHESTRATOR_PORT; do
  # readiness answers 200 only when UP (503 otherwise); it must list the redis component
  check "readiness UP with redis on :$port" bash -c "curl -fsS http://127.0.0.1:$port/actuator/health/readiness | grep -q '\"redis\":{'"
  check "liveness UP on :$port" bash -c "curl -fsS http://127.0.0.1:$port/actuator/health/liveness | grep -q '\"status\":\"UP\"'"
  check "prometheus on :$port" bash -c "curl -fsS http://127.0.0.1:$port/actuator/prometheus | grep -q '^jvm_memory_used_bytes'"
done
check "api emits babelcall metrics" bash -c "curl -fsS http://127.0.0.1:$API_PORT/actuator/prometheus | grep -q '^babelcall_'"
check "signaling emits babelcall metrics" bash -c "curl -fsS http://127.0.0.1:$SIGNALING_PORT/actuator/prometheus | grep -q '^babelcall_'"
check "orchestrator emits babelcall metrics" bash -c "curl -fsS http://127.0.0.1:$ORCHESTRATOR_PORT/actuator/prometheus | grep -q '^babelcall_'"
check "OpenAPI lists the rooms endpoint" bash -c "curl -fsS http://127.0.0.1:$API_PORT/v3/api-docs | grep -q '/api/v1/rooms'"
check "Swagger UI is served" bash -c "curl -fsSL http://127.0.0.1:$API_PORT/swagger-ui.html | grep -qi 'swagger'"
check "web page is served" bash -c "curl -fsS http://127.0.0.1:$API_PORT/ | grep -qi '<html'"
check "languages come from the orchestrator's engines" bash -c "curl -fsS http://127.0.0.1:$API_PORT/api/v1/languages | grep -q '\"en\"'"

stop_suite
trap - EXIT
if kill -0 "$RUN_PID" 2>/dev/null; then
  echo "  FAIL  run.sh still running after Ctrl-C"
  failures=$((failures + 1))
fi
left=$(pgrep -af -- "--server.port=($API_PORT|$SIGNALING_PORT|$ORCHESTRATOR_PORT)|--port $REDIS_PORT" | grep -v pgrep || true)
if [ -n "$left" ]; then
  echo "  FAIL  processes left after Ctrl-C:"
  echo "$left"
  failures=$((failures + 1))
else
  echo "  ok    Ctrl-C left no process behind"
fi
rm -rf "$BABELCALL_RUN_DIR"
[ $failures -eq 0 ] && echo "suite smoke test: all checks passed" || echo "suite smoke test: $failures check(s) failed"
[ $failures -eq 0 ]
