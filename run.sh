#!/usr/bin/env bash
# Starts the whole suite locally, in the foreground, with the embedded engines:
#   a private redis-server (unless REDIS_URL is set), a Janus SFU node (when the Debian package janus is installed;
#   calls then go through it, docs/media.md), api-service, signaling-service, pipeline-orchestrator.
# Waits until every /actuator/health/readiness is UP, prints the URLs, and stops everything on Ctrl-C.
#
# Environment (all optional):
#   REDIS_URL                  use this Redis instead of starting one
#   REDIS_PORT                 port of the private Redis (default 6390, loopback only)
#   API_PORT / SIGNALING_PORT / ORCHESTRATOR_PORT   default 8080 / 8081 / 8082
#   TAP_PORT   the orchestrator's UDP port for the speech tap (default 0: any free port, published in Redis)
#   MEDIA                      sfu (default: through a local Janus, if installed) or mesh (browsers connect directly)
#   JANUS_PORT                 the local Janus's WebSocket API, loopback only (default 8188)
#   JANUS_RTP_PORTS            the UDP range Janus uses for media, the only ports browsers reach (default 20000-20099)
#   BABELCALL_TOKEN_SECRET     token signing key shared by the services (default: random per run)
#   BABELCALL_RUN_DIR          state folder (default .run/, git-ignored): Redis data, logs
#   JAVA_OPTS                  extra JVM options for every service
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

API_PORT=${API_PORT:-8080}
SIGNALING_PORT=${SIGNALING_PORT:-8081}
ORCHESTRATOR_PORT=${ORCHESTRATOR_PORT:-8082}
REDIS_PORT=${REDIS_PORT:-6390}
RUN_DIR=${BABELCALL_RUN_DIR:-$ROOT/.run}
LOGS=$RUN_DIR/logs
READY_TIMEOUT=${READY_TIMEOUT:-120}
MEDIA=${MEDIA:-sfu}
JANUS_PORT=${JANUS_PORT:-8188}
JANUS_RTP_PORTS=${JANUS_RTP_PORTS:-20000-20099}
case "$MEDIA" in
  sfu | mesh) ;;
  *) echo "error: MEDIA must be sfu or mesh (got '$MEDIA')" >&2; exit 1 ;;
esac
if [ "$MEDIA" = sfu ] && ! command -v janus >/dev/null 2>&1; then
  echo "note: janus is not installed, so calls use the browser mesh (up to 6); for the SFU: sudo apt-get install -y janus"
  MEDIA=mesh
fi
mkdir -p "$LOGS"

require_java
packages=("${RUNTIME_PACKAGES[@]}" curl)
[ -n "${REDIS_URL:-}" ] && packages=("${packages[@]/redis-server}")
ensure_packages ${packages[@]}

SERVICES=(api-service signaling-service pipeline-orchestrator)
jar_of() { echo "$ROOT/$1/target/$1-0.1.0-SNAPSHOT.jar"; }

needs_build() {
  local s jar
  for s in "${SERVICES[@]}"; do
    jar=$(jar_of "$s")
    [ -f "$jar" ] || return 0
    if [ -n "$(find "$ROOT/pom.xml" "$ROOT/common" "$ROOT/$s" -path '*/target' -prune -o -type f \
        \( -path '*/src/main/*' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
      return 0
    fi
  done
  return 1
}

if needs_build; then
  echo "==> building (./mvnw package, tests skipped; ./test.sh runs them)"
  ./mvnw -B -q -DskipTests package
fi

PIDS=()
NAMES=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "==> stopping"
  # The services first, Redis and Janus once they are gone: a service whose Redis vanished before it would spend its
  # shutdown reconnecting and logging errors (and could not withdraw what it registered there).
  local i services=() infrastructure=()
  for i in "${!PIDS[@]}"; do
    case "${NAMES[$i]}" in
      redis | janus) infrastructure+=("$i") ;;
      *) services+=("$i") ;;
    esac
  done
  stop_group "${services[@]}"
  stop_group "${infrastructure[@]}"
  echo "==> stopped"
}
# stop_group INDEX...: SIGTERM to each process, up to 25 s for all of them to exit, then SIGKILL; then whatever is left
# of their process groups (each runs in its own, via setsid: engine subprocesses) gets SIGTERM. The process itself is
# signalled first so that it closes its subprocesses as it shuts down instead of seeing them die under it.
stop_group() {
  local i
  for i in "$@"; do kill -TERM "${PIDS[$i]}" 2>/dev/null || true; done
  local deadline=$((SECONDS + 25))
  for i in "$@"; do
    while kill -0 "${PIDS[$i]}" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if kill -0 "${PIDS[$i]}" 2>/dev/null; then
      echo "    ${NAMES[$i]} did not stop in time; killing"
      kill -KILL -- "-${PIDS[$i]}" 2>/dev/null || kill -KILL "${PIDS[$i]}" 2>/dev/null || true
    fi
    kill -TERM -- "-${PIDS[$i]}" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start() { # NAME LOGFILE CMD...
  local name=$1 log=$2
  shift 2
  setsid "$@" >"$log" 2>&1 < /dev/null &
  PIDS+=($!)
  NAMES+=("$name")
}

if [ -z "${REDIS_URL:-}" ]; then
  mkdir -p "$RUN_DIR/redis"
  start redis "$LOGS/redis.log" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes \
    --dir "$RUN_DIR/redis" --appendonly yes --save "" --daemonize no
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || { echo "error: redis-server did not start; see $LOGS/redis.log" >&2; exit 1; }
fi
export REDIS_URL

SIGNALING_MEDIA=()
API_ROOMS=(--babelcall.api.default-max-participants=6) # the mesh: every browser sends to every other, keep it small
if [ "$MEDIA" = sfu ]; then
  # One Janus node from the deploy/janus templates: API on loopback, fresh secrets every run, media on JANUS_RTP_PORTS.
  janus_dir=$RUN_DIR/janus
  mkdir -p "$janus_dir"
  janus_lib=
  for d in /usr/lib/x86_64-linux-gnu/janus /usr/lib/aarch64-linux-gnu/janus /usr/lib/janus /usr/local/lib/janus; do
    [ -d "$d/plugins" ] && { janus_lib=$d; break; }
  done
  [ -n "$janus_lib" ] || { echo "error: janus's plugins folder not found; sudo apt-get install --reinstall -y janus" >&2; exit 1; }
  secret() { head -c 24 /dev/urandom | base64 | tr -d '\n/+='; }
  janus_api_secret=$(secret)
  janus_admin_key=$(secret)
  for f in janus.jcfg janus.transport.websockets.jcfg janus.plugin.videoroom.jcfg; do
    # Every ${NAME} of the template, from these values only; a name without a value is an error.
    env -i JANUS_CONFIG_DIR="$janus_dir" JANUS_LIB_DIR="$janus_lib" JANUS_DEBUG_LEVEL=4 \
      JANUS_RTP_PORT_RANGE="$JANUS_RTP_PORTS" JANUS_NAT_SETTINGS= JANUS_WS_PORT="$JANUS_PORT" JANUS_WS_IP=127.0.0.1 \
      JANUS_API_SECRET="$janus_api_secret" JANUS_ADMIN_SECRET="$(secret)" JANUS_ADMIN_KEY="$janus_admin_key" \
      perl -pe 's/\$\{([A-Z0-9_]+)\}/exists $ENV{$1} ? $ENV{$1} : die "no value for $1 in a Janus template\n"/ge' \
      "deploy/janus/$f" > "$janus_dir/$f"
  done
  chmod 600 "$janus_dir"/*.jcfg
  start janus "$LOGS/janus.log" janus -F "$janus_dir" -C "$janus_dir/janus.jcfg"
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$JANUS_PORT") 2>/dev/null && break
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$JANUS_PORT") 2>/dev/null || { echo "error: janus did not start; see $LOGS/janus.log" >&2; exit 1; }
  export BABELCALL_JANUS_API_SECRET=$janus_api_secret BABELCALL_JANUS_ADMIN_KEY=$janus_admin_key
  SIGNALING_MEDIA=(--babelcall.signaling.media.nodes[0].id=janus-1
    --babelcall.signaling.media.nodes[0].url="ws://127.0.0.1:$JANUS_PORT")
  API_ROOMS=(--babelcall.api.max-participants=50 --babelcall.api.default-max-participants=25)
fi
export BABELCALL_TOKEN_SECRET=${BABELCALL_TOKEN_SECRET:-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')}

ORIGINS="http://localhost:$API_PORT,http://127.0.0.1:$API_PORT"
JAVA_COMMON=("${JAVA_HOME:+$JAVA_HOME/bin/}java" ${JAVA_OPTS:-})

echo "==> starting services (logs in $LOGS)"
start pipeline-orchestrator "$LOGS/pipeline-orchestrator.log" "${JAVA_COMMON[@]}" -jar "$(jar_of pipeline-orchestrator)" \
  --server.port="$ORCHESTRATOR_PORT" \
  --babelcall.tap.port="${TAP_PORT:-0}" \
  --babelcall.cors.allowed-origins="$ORIGINS"
# Signaling holds many small sockets: lean JVM settings measured in docs/benchmarks/signaling.md.
SIGNALING_JVM=(-Xss256k -Xms32m -Xmx512m -Xmn8m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20
  -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=64m -XX:TrimNativeHeapInterval=2000
  -XX:-TieredCompilation -XX:CICompilerCount=1)
MALLOC_ARENA_MAX=2 start signaling-service "$LOGS/signaling-service.log" "${JAVA_COMMON[@]}" "${SIGNALING_JVM[@]}" \
  -jar "$(jar_of signaling-service)" \
  --server.port="$SIGNALING_PORT" \
  --babelcall.signaling.allowed-origins="$ORIGINS" "${SIGNALING_MEDIA[@]}"
start api-service "$LOGS/api-service.log" "${JAVA_COMMON[@]}" -jar "$(jar_of api-service)" \
  --server.port="$API_PORT" \
  --babelcall.api.public-base-url="http://localhost:$API_PORT" \
  --babelcall.api.signaling-url="ws://localhost:$SIGNALING_PORT/ws" \
  --babelcall.api.audio-url="ws://localhost:$ORCHESTRATOR_PORT/ws/audio" \
  --babelcall.api.orchestrator-url="http://localhost:$ORCHESTRATOR_PORT" \
  --babelcall.api.orchestrator-internal-url="http://127.0.0.1:$ORCHESTRATOR_PORT" "${API_ROOMS[@]}"

started=$SECONDS
declare -A READY_URL=(
  [api-service]="http://127.0.0.1:$API_PORT/actuator/health/readiness"
  [signaling-service]="http://127.0.0.1:$SIGNALING_PORT/actuator/health/readiness"
  [pipeline-orchestrator]="http://127.0.0.1:$ORCHESTRATOR_PORT/actuator/health/readiness"
)
for i in "${!NAMES[@]}"; do
  name=${NAMES[$i]}
  [ -n "${READY_URL[$name]:-}" ] || continue
  if ! wait_ready "$name" "${READY_URL[$name]}" "$READY_TIMEOUT" "${PIDS[$i]}"; then
    echo "---- last lines of $LOGS/$name.log" >&2
    tail -n 40 "$LOGS/$name.log" >&2 || true
    exit 1
  fi
done

cat <<MSG
==> Babelcall is ready ($((SECONDS - started)) s)
    Web client        http://localhost:$API_PORT/
    REST API docs     http://localhost:$API_PORT/swagger-ui.html
    Signaling         ws://localhost:$SIGNALING_PORT/ws
    Audio ingest      ws://localhost:$ORCHESTRATOR_PORT/ws/audio
    Redis             $REDIS_URL
    Media             $([ "$MEDIA" = sfu ] && echo "SFU: Janus ws://127.0.0.1:$JANUS_PORT, media UDP $JANUS_RTP_PORTS" || echo "browser mesh")
    Health            http://localhost:{$API_PORT,$SIGNALING_PORT,$ORCHESTRATOR_PORT}/actuator/health
    Logs              $LOGS
Press Ctrl-C to stop everything.
MSG

# Stay in the foreground; if any process dies, stop the rest and report it.
while true; do
  for i in "${!PIDS[@]}"; do
    if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
      echo "error: ${NAMES[$i]} exited; see $LOGS/${NAMES[$i]}.log" >&2
      exit 1
    fi
  done
  sleep 1
done
