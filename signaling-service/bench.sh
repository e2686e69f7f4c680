#!/usr/bin/env bash
# Signaling benchmark (not part of the test suite): starts Redis and signaling replicas as separate JVMs from the
# built jar, then drives them with RelayBenchmark (src/test/java/io/babelcall/signaling/bench).
#   1. relay, 1 replica: stepped rates, rooms of 4, ice relayed to one peer each
#   2. relay, 2 replicas: every relay crosses replicas through Redis
#   3. idle sockets on a fresh replica, with the server's RSS
#   4. (only when named in SCENARIOS) node: relay, 1 replica, load from Node.js `ws` clients (e2e/bench/signaling-relay.mjs)
# Knobs (env): RATES, STEP_SECONDS, ROOMS, IDLE_LEVELS, SERVER_JVM_OPTS, SCENARIOS (relay1,relay2,idle,node), SKIP_BUILD=1,
# CLIENT_EXTENSIONS (a Sec-WebSocket-Extensions header the clients ask for, e.g. "permessage-deflate" as browsers do),
# JAR (server jar to run instead of the fresh build), SERVER_ARGS (extra Spring arguments for every replica),
# SERVER_JAVA (java launcher for the servers, e.g. a newer JDK's bin/java; the client always runs on `java`).
# NODE_WORKERS (worker threads of the node scenario's client, default 2).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

RATES=${RATES:-1000,2000,5000,10000,20000,30000,40000}
STEP_SECONDS=${STEP_SECONDS:-10}
ROOMS=${ROOMS:-100}
IDLE_LEVELS=${IDLE_LEVELS:-1000,2000,5000,10000}
SCENARIOS=${SCENARIOS:-relay1,relay2,idle}
# Small thread stacks, a capped heap and a serial collector that keeps little free heap committed (Min/MaxHeapFreeRatio):
# memory per idle socket is mostly Netty's per-connection objects (~4 KB); these flags keep the JVM's own overhead
# down (see docs/benchmarks/signaling.md). MALLOC_ARENA_MAX=2 caps glibc's malloc arenas of the server processes, and
# TrimNativeHeapInterval returns the C heap the JVM freed (JIT arenas, start-up, handshake bursts) to the OS every 2 s.
# A small young generation (-Xmn8m): the eden is touched whole between collections, so its size is resident memory;
# relay garbage dies young, so frequent short young collections cost no measurable relay latency.
# C2 only (-XX:-TieredCompilation, one compiler thread): no C1 profiled code and fewer profiles, ~15-20 MB less at
# 10 000 sockets; the relay path is compiled within the first seconds of load all the same.
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xss256k -Xms32m -Xmx512m -Xmn8m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=64m -XX:TrimNativeHeapInterval=2000 -XX:-TieredCompilation -XX:CICompilerCount=1"}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
SECRET="bench-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"

ulimit -n "$(ulimit -Hn)" || true
echo "open files limit: $(ulimit -n); cores: $(nproc)"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q -o -pl signaling-service package -DskipTests
fi
built=$(ls signaling-service/target/signaling-service-*.jar | grep -v original | head -1)
app="signaling-service/target/bench-app"
rm -rf "$app"
java -Djarmode=tools -jar "$built" extract --destination "$app" >/dev/null
# The servers run the extracted application (application jar + lib/), as the container image does: the nested-jar
# launcher of the uber jar alone costs ~10 MB RSS. JAR=/path/to/other.jar runs the servers from another build (A/B
# comparisons; an uber jar or an extracted one); the client always comes from target/.
jar=${JAR:-$app/$(basename "$built")}
cp="signaling-service/target/test-classes:signaling-service/target/classes:$app/lib/*"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
pids=()
cleanup() { for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning \
  > signaling-service/target/bench-redis.log 2>&1 &
redis_pid=$!; pids+=("$redis_pid")
redis_url="redis://127.0.0.1:$redis_port"
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

start_replica() { # $1 = port; sets REPLICA_PID (no subshell, so cleanup knows every pid)
  ${SERVER_JAVA:-java} $SERVER_JVM_OPTS -jar "$jar" --server.port="$1" --spring.data.redis.url="$redis_url" \
    --babelcall.token.secret="$SECRET" \
    --babelcall.signaling.rate-limit.per-second=100000 --babelcall.signaling.rate-limit.burst=100000 \
    --logging.level.root=WARN ${SERVER_ARGS:-} > "signaling-service/target/bench-replica-$1.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 120); do
    curl -fs "http://127.0.0.1:$1/actuator/health/readiness" >/dev/null 2>&1 && { REPLICA_PID=$pid; return; }
    sleep 0.5
  done
  echo "replica on port $1 did not start; see signaling-service/target/bench-replica-$1.log" >&2; exit 1
}
stop_replica() { kill "$1" 2>/dev/null || true; while kill -0 "$1" 2>/dev/null; do sleep 0.2; done; }

client() { java -Xss512k -Xmx2g -XX:+UseParallelGC -Dbench.extensions="${CLIENT_EXTENSIONS:-}" -cp "$cp" io.babelcall.signaling.bench.RelayBenchmark "$@"; }

echo "server JVM: $(${SERVER_JAVA:-java} -version 2>&1 | head -1); options: $SERVER_JVM_OPTS"
if [[ ",$SCENARIOS," == *",relay1,"* || ",$SCENARIOS," == *",relay2,"* ]]; then
  p1=$(free_port); start_replica "$p1"; pid1=$REPLICA_PID
  if [[ ",$SCENARIOS," == *",relay1,"* ]]; then
    echo; echo "== relay, 1 replica"
    client relay --servers "ws://127.0.0.1:$p1/ws" --pids "$pid1" --redis "$redis_url" --secret "$SECRET" \
      --rooms "$ROOMS" --rates "$RATES" --step-seconds "$STEP_SECONDS"
  fi
  if [[ ",$SCENARIOS," == *",relay2,"* ]]; then
    p2=$(free_port); start_replica "$p2"; pid2=$REPLICA_PID
    echo; echo "== relay, 2 replicas, every relay through Redis"
    client relay --servers "ws://127.0.0.1:$p1/ws,ws://127.0.0.1:$p2/ws" --pids "$pid1,$pid2,$redis_pid" \
      --redis "$redis_url" --secret "$SECRET" --rooms "$ROOMS" --rates "$RATES" --step-seconds "$STEP_SECONDS" \
      --cross true
    echo "(server CPU column: replica 1 + replica 2 + redis-server)"
    stop_replica "$pid2"
  fi
  stop_replica "$pid1"
fi
if [[ ",$SCENARIOS," == *",node,"* ]]; then
  # The same relay, 1 replica, driven by e2e/bench/signaling-relay.mjs on Node.js's `ws` (the library most Node.js
  # programs use) instead of the benchmark's own lean client; NODE_WORKERS worker threads share the rooms.
  [[ -d e2e/node_modules/ws ]] || (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
  p4=$(free_port); start_replica "$p4"; pid4=$REPLICA_PID
  tokens="signaling-service/target/bench-tokens.json"
  client tokens --servers "ws://127.0.0.1:$p4/ws" --pids "$pid4" --redis "$redis_url" --secret "$SECRET" \
    --rooms "$ROOMS" --out "$tokens"
  echo; echo "== relay, 1 replica, Node.js ws client"
  node e2e/bench/signaling-relay.mjs --server "ws://127.0.0.1:$p4/ws" --tokens "$tokens" --rates "$RATES" \
    --step-seconds "$STEP_SECONDS" --workers "${NODE_WORKERS:-2}" --pids "$pid4"
  stop_replica "$pid4"
fi
if [[ ",$SCENARIOS," == *",idle,"* ]]; then
  p3=$(free_port); start_replica "$p3"; pid3=$REPLICA_PID
  echo; echo "== idle sockets"
  client idle --servers "ws://127.0.0.1:$p3/ws" --pids "$pid3" --redis "$redis_url" --secret "$SECRET" \
    --levels "$IDLE_LEVELS" --hold-seconds "${HOLD_SECONDS:-0}"
  stop_replica "$pid3"
fi
