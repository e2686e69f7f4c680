# Shared by deploy/image-test.sh (the images as the Swarm stack runs them) and deploy/compose-test.sh (as
# deploy/compose.yml runs them, through podman-compose). Source it after deploy/podman/lib.sh; the caller defines
# NAME (its own name, for the summary line), WORK (a scratch folder) and cname SERVICE (the container of a service).

started=$SECONDS
passed=0; failed=0
pass() { echo "PASS  $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $*"; failed=$((failed + 1)); }
finish() { echo "$NAME: $passed passed, $failed failed ($((SECONDS - started)) s)"; [ "$failed" = 0 ]; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
seconds_of() { echo "$(($1 / 1000)).$(( ($1 % 1000) / 100 ))"; }   # milliseconds -> "12.3"

# timebox BUDGET SCRIPT ARGS...: runs the script again under `timeout` (the whole process group is signalled, so
# its trap still removes what it started); returns to the caller only in the inner run.
timebox() {
  local budget=$1; shift
  [ -n "${BABELCALL_TIMEBOXED:-}" ] && return 0
  export BABELCALL_TIMEBOXED=1
  local rc=0
  timeout --kill-after=40 "$budget" "$@" || rc=$?
  [ $rc = 124 ] && echo "$NAME: FAIL: not finished within its time box of $budget s" >&2
  exit $rc
}

# prepare: podman and the test's tools, then the images (deploy/local-images.sh, cached); exits on failure.
prepare() {
  podman_ready || { fail "podman cannot run containers here"; finish; exit 1; }
  ensure_packages python3 python3-yaml flite sox openssl curl iproute2 \
    || { fail "missing packages for the image tests (see above)"; finish; exit 1; }
  local t=$SECONDS
  if deploy/local-images.sh > "$WORK/build.log" 2>&1; then
    pass "images built in $((SECONDS - t)) s:"
    sed -n '/^image /,$p' "$WORK/build.log" | sed 's/^/        /'
  else
    fail "deploy/local-images.sh failed; last lines:"; tail -n 40 "$WORK/build.log" | sed 's/^/        /'
    finish; exit 1
  fi
}

# ports_free PORT...: the services listen on fixed ports; exits naming the one in use.
ports_free() {
  local port
  for port in "$@"; do
    if ss -Hltn "sport = :$port" | grep -q .; then
      fail "port $port is in use on this host: $(ss -Hltnp "sport = :$port" | head -1)"; finish; exit 1
    fi
  done
}

# log_has SERVICE TEXT: waits up to 10 s for TEXT in the container's log (conmon writes the last lines of a container
# that just exited a moment after `podman stop` returns).
log_has() {
  local deadline=$((SECONDS + 10))
  while :; do
    podman logs "$(cname "$1")" 2>&1 | grep -qF "$2" && return 0
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.5
  done
}

logs_tail() { # SERVICE [LINES]: its last log lines, ECS JSON made readable
  podman logs --tail "${2:-25}" "$(cname "$1")" 2>&1 | python3 deploy/tools/ecs_log.py | sed 's/^/        /'
}

# wait_healthy SERVICE T0: runs the container's own health check (nothing schedules podman's health checks without
# systemd) once a second until podman records it healthy, within the stack's verdict time (start period + retries x
# interval); T0 = date +%s%N of its start.
wait_healthy() {
  local name=$1 t0=$2 c limit status=none
  c=$(cname "$name")
  limit=$(podman inspect --format '{{with .Config.Healthcheck}}{{.StartPeriod.Seconds}} {{.Retries}} {{.Interval.Seconds}}{{end}}' "$c" \
    | awk '{printf "%d", $1 + $2 * $3 + 10}')
  [ -n "$limit" ] && [ "$limit" -gt 10 ] || { fail "$name: the container has no health check"; return 1; }
  local deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    if [ "$(podman inspect --format '{{.State.Status}}' "$c")" != running ]; then
      fail "$name exited during start-up (exit $(podman inspect --format '{{.State.ExitCode}}' "$c")):"; logs_tail "$name"
      return 1
    fi
    podman healthcheck run "$c" >/dev/null 2>&1 || true
    status=$(podman inspect --format '{{.State.Health.Status}}' "$c")
    if [ "$status" = healthy ]; then
      local spring; spring=$(podman logs "$c" 2>&1 | grep -o 'Started [A-Za-z]* in [0-9.]* seconds' | head -1 || true)
      pass "$name healthy $(seconds_of "$(ms_since "$t0")") s after its start${spring:+ (Spring: $spring)}"
      return 0
    fi
    sleep 1
  done
  fail "$name not healthy within $limit s (health: $status):"; logs_tail "$name"
  return 1
}

# check_services: readiness (with Redis) of the three services, java as PID 1 with uid 10001, and the api's
# languages, which it asks the orchestrator for over the service name.
check_services() {
  local pair name port body pid1 langs sfu
  for pair in api-service:8080 signaling-service:8081 pipeline-orchestrator:8082; do
    name=${pair%%:*} port=${pair##*:}
    body=$(curl -s --max-time 5 "http://127.0.0.1:$port/actuator/health/readiness" || true)
    if grep -q '"status":"UP"' <<<"$body" && grep -q '"redis":{' <<<"$body"; then
      pass "$name readiness UP, Redis included (through the redis:// URL secret)"
    else
      fail "$name readiness: ${body:0:300}"
    fi
    # exec-form entrypoint: java is PID 1 and gets the stop signal itself
    pid1=$(podman exec "$(cname "$name")" sh -c 'tr "\0" " " < /proc/1/cmdline; echo; grep ^Uid: /proc/1/status' 2>&1 || true)
    if grep -q '^java -jar /app/application.jar' <<<"$pid1" && grep -qE '^Uid:\s+10001\s' <<<"$pid1"; then
      pass "$name: PID 1 is java, uid 10001"
    else
      fail "$name: PID 1 is not java as uid 10001: $pid1"
    fi
  done
  # signaling holds a Janus session with the SFU container (its API secret from the secret file, over the network)
  body=$(curl -s --max-time 5 http://127.0.0.1:8081/actuator/health || true)
  sfu=$(python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["components"]["sfu"]))' <<<"$body" 2>&1 || true)
  if grep -q '"status": "UP"' <<<"$sfu"; then pass "signaling reached the SFU (health component sfu UP: a Janus session on janus-1)"
  else fail "signaling's sfu health component: ${sfu:0:300}"; fi
  langs=$(curl -s --max-time 10 http://127.0.0.1:8080/api/v1/languages || true)
  if grep -q '"es"' <<<"$langs"; then pass "api lists languages from the orchestrator (http://pipeline-orchestrator:8082)"
  else fail "api /api/v1/languages: ${langs:0:300}"; fi
}

# one_call: a flite sentence through api, signaling, orchestrator and apertium (deploy/tools/call_through.py);
# leaves the listener's token in $WORK/hold.json.
one_call() {
  flite -voice slt -t 'Good morning everyone. Thank you for joining the meeting today.' -o "$WORK/speech.wav"
  sox "$WORK/speech.wav" -r 16000 -b 16 -c 1 -e signed-integer -t raw "$WORK/speech.pcm" pad 0.5 1.5
  if python3 deploy/tools/call_through.py call --api http://127.0.0.1:8080 --speech "$WORK/speech.pcm" \
      --hold-file "$WORK/hold.json" > "$WORK/call.log" 2>&1; then
    pass "one call through the containers:"; sed 's/^/      /' "$WORK/call.log"
  else
    fail "the call through the containers:"; sed 's/^/      /' "$WORK/call.log"
    local s; for s in pipeline-orchestrator signaling-service apertium; do echo "      -- $s"; logs_tail "$s"; done
  fi
  # APy's own request counter (its log lines can reach `podman logs` late under load).
  local used
  used=$(podman exec "$(cname apertium)" python3 -c 'import json, urllib.request
print(json.load(urllib.request.urlopen("http://127.0.0.1:2737/stats", timeout=5))["responseData"]["useCount"].get("eng-spa", 0))' 2>&1 || true)
  if [ "${used:-0}" -ge 1 ] 2>/dev/null; then
    pass "the translation came from the apertium container (APy /stats: eng-spa used $used times)"
  else
    fail "the apertium container's APy did not translate eng-spa (/stats: $used)"
  fi
  # java is PID 1 without an init: the engine processes it started for the call (espeak-ng) must not stay zombies.
  local zombies _
  for _ in 1 2 3 4 5; do   # a process that just exited is reaped within moments: wait for that, not longer
    zombies=$(podman exec "$(cname pipeline-orchestrator)" sh -c 'grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null | wc -l' || echo "?")
    [ "$zombies" = 0 ] && break
    sleep 1
  done
  if [ "$zombies" = 0 ]; then pass "no zombie process in the orchestrator after the call (java as PID 1 reaps its engines)"
  else fail "$zombies zombie process(es) in the orchestrator after the call"; fi
}

# check_stopped SERVICE MS GRACE: a container stopped with its stop signal must have exited by itself within its
# grace (not SIGKILLed: exit 137), and a Spring service must have logged its graceful shutdown.
check_stopped() {
  local name=$1 ms=$2 grace=$3 c code
  c=$(cname "$name")
  code=$(podman inspect --format '{{.State.ExitCode}}' "$c")
  if [ "$code" = 137 ] || [ "$ms" -ge $((grace * 1000)) ]; then
    fail "$name did not stop by itself within its grace of $grace s (exit $code after $(seconds_of "$ms") s)"
    logs_tail "$name"; return
  fi
  pass "$name stopped in $(seconds_of "$ms") s (grace $grace s, signal $(podman inspect --format '{{.Config.StopSignal}}' "$c"), exit $code)"
  case "$name" in api-service|signaling-service|pipeline-orchestrator)
    if log_has "$name" 'Graceful shutdown complete'; then pass "$name logged Spring's 'Graceful shutdown complete'"
    else fail "$name: no 'Graceful shutdown complete' in its log"; logs_tail "$name"; fi ;;
  esac
}
