#!/usr/bin/env bash
# Static checks of deploy/ (no Docker engine needed). Run from anywhere: bash deploy/check.sh
# Prints PASS/FAIL/SKIP per check and exits non-zero if any check failed.
#
# Tools it needs, installed with apt when run as root on Debian (otherwise it prints the apt line):
#   docker CLI with `docker stack config` (Docker >= 23; Debian 12's docker.io 20.10 lacks it, then the stack is
#   validated with docker-compose v1 instead), docker-compose (Debian package) when there is no `docker compose`
#   plugin, python3 + python3-yaml, a JDK 17 (java).
# promtool, amtool and blackbox_exporter are NOT installed: their Debian packages are downloaded with
# `apt-get download` and unpacked with `dpkg -x` into deploy/.cache/ (git-ignored), so no daemon is set up.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
DEPLOY=deploy
CACHE="$ROOT/deploy/.cache"
STACK="$DEPLOY/swarm/stack.yml"
EXAMPLE_ENV="$DEPLOY/swarm/example.env"
REQUIRED_VARS=(DOMAIN ACME_EMAIL REGISTRY VERSION TURN_HOST JANUS_1_PUBLIC_IP JANUS_2_PUBLIC_IP)

failed=0
passed=0
skipped=0
pass() { echo "PASS  $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $*"; failed=$((failed + 1)); }
skip() { echo "SKIP  $*"; skipped=$((skipped + 1)); }
indent() { sed 's/^/        /'; }

apt_updated=0
# apt_install PACKAGE...: installs when root with apt-get, else says which apt line would.
apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "      (missing: run as root: apt-get install -y --no-install-recommends $*)"
    return 1
  fi
  echo "      installing with apt: $*"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/tmp/deploy-check-apt.log 2>&1; then
    if [ "$apt_updated" = 0 ]; then
      apt-get update -q >/dev/null 2>&1; apt_updated=1
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/tmp/deploy-check-apt.log 2>&1 || { tail -5 /tmp/deploy-check-apt.log; return 1; }
    else
      tail -5 /tmp/deploy-check-apt.log; return 1
    fi
  fi
}

# unpacked_tool BINARY PACKAGE: path of BINARY from the system, or from PACKAGE unpacked into $CACHE.
unpacked_tool() {
  local bin="$1" pkg="$2"
  if command -v "$bin" >/dev/null 2>&1; then command -v "$bin"; return 0; fi
  if [ -x "$CACHE/$pkg/usr/bin/$bin" ]; then echo "$CACHE/$pkg/usr/bin/$bin"; return 0; fi
  command -v apt-get >/dev/null 2>&1 || { echo "no apt-get to fetch $pkg" >&2; return 1; }
  mkdir -p "$CACHE/$pkg" "$CACHE/debs"
  if ! ls "$CACHE"/debs/"${pkg}"_*.deb >/dev/null 2>&1; then
    (cd "$CACHE/debs" && apt-get download "$pkg" >/dev/null 2>&1) \
      || { [ "$(id -u)" = 0 ] && [ "$apt_updated" = 0 ] && apt-get update -q >/dev/null 2>&1 && apt_updated=1 \
           && (cd "$CACHE/debs" && apt-get download "$pkg" >/dev/null 2>&1); } \
      || { echo "apt-get download $pkg failed (run apt-get update as root first)" >&2; return 1; }
  fi
  dpkg -x "$(ls "$CACHE"/debs/"${pkg}"_*.deb | head -1)" "$CACHE/$pkg" || return 1
  [ -x "$CACHE/$pkg/usr/bin/$bin" ] && echo "$CACHE/$pkg/usr/bin/$bin"
}

# Render the stack with the example env, optionally with one variable removed. Output: rendered YAML or errors.
render_stack() {
  local without="${1:-}"
  (
    set -a; . "$EXAMPLE_ENV"; set +a
    if [ -n "$without" ]; then unset "$without"; fi
    out="$("${STACK_RENDER[@]}" 2>"$RENDER_ERR")"; rc=$?
    out="$(cat "$RENDER_ERR")"$'\n'"$out"
    # docker-compose v1 does not interpolate the x-required-variables block: it only warns
    # "The X variable is not set"; treat that warning as the failure `docker stack config` would give.
    if [ "${STACK_RENDER[0]}" = docker-compose ] && grep -q "variable is not set" <<<"$out"; then rc=1; fi
    printf '%s\n' "$out"
    exit $rc
  )
}

RENDER_ERR="$(mktemp)"
trap 'rm -f "$RENDER_ERR"' EXIT
echo "== deploy/check.sh ($(date -u +%FT%TZ))"

# ------------------------------------------------------------------------------------------- prerequisites
command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null || apt_install python3 python3-yaml
command -v java >/dev/null 2>&1 || apt_install openjdk-17-jdk-headless
if ! command -v docker >/dev/null 2>&1; then apt_install docker.io; fi

STACK_RENDER=()
if command -v docker >/dev/null 2>&1 && docker stack config --help >/dev/null 2>&1; then
  STACK_RENDER=(docker stack config -c "$STACK")
  STACK_TOOL="docker stack config ($(docker version --format '{{.Client.Version}}' 2>/dev/null))"
else
  # Debian 12's docker.io (20.10) has no `stack config`: docker-compose v1 validates the same v3.8 schema
  # (deploy keys included) and performs the same ${VAR:?} interpolation.
  command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose
  if command -v docker-compose >/dev/null 2>&1; then
    STACK_RENDER=(docker-compose -f "$STACK" config)
    STACK_TOOL="docker-compose $(docker-compose version --short 2>/dev/null) (fallback: this docker CLI has no 'stack config')"
  fi
fi

# ------------------------------------------------------------------------------------------- swarm stack
if [ ${#STACK_RENDER[@]} = 0 ]; then
  fail "swarm stack: no validator (need Docker CLI >= 23 with 'docker stack config', or docker-compose)"
else
  out="$(render_stack)"
  rc=$?
  # Policy check on the YAML only (drop the validator's warnings printed before it).
  yaml_out="$(sed -n '/^[a-z_-]*:/,$p' <<<"$out")"
  if [ $rc = 0 ] && grep -q "api-service" <<<"$out"; then
    pass "swarm stack renders with $EXAMPLE_ENV [$STACK_TOOL]"
    if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then
      if policy="$(python3 "$DEPLOY/tools/check_stack_policy.py" <<<"$yaml_out" 2>&1)"; then
        pass "swarm stack policy: $policy"
      else
        fail "swarm stack policy:"; indent <<<"$policy"
      fi
    else
      skip "swarm stack policy (needs python3-yaml)"
    fi
  else
    fail "swarm stack does not render with $EXAMPLE_ENV [$STACK_TOOL]:"; indent <<<"$out"
  fi
  for var in "${REQUIRED_VARS[@]}"; do
    out="$(render_stack "$var")"
    rc=$?
    if [ $rc != 0 ] && grep -q "$var" <<<"$out"; then
      pass "swarm stack refuses to render without $var"
    else
      fail "swarm stack rendered (rc=$rc) although required $var is missing, or the error does not name it:"
      indent <<<"$(head -5 <<<"$out")"
    fi
  done
fi

# ------------------------------------------------------------------------------------------- Sentinel option
# redis-sentinel.yml on top of the stack: it renders, passes the same policy, and every service finds Redis through
# the Sentinels with both passwords.
SENTINEL="$DEPLOY/swarm/redis-sentinel.yml"
if [ ${#STACK_RENDER[@]} != 0 ]; then
  if [ "${STACK_RENDER[0]}" = docker-compose ]; then
    SENTINEL_RENDER=(docker-compose -f "$STACK" -f "$SENTINEL" config)
  else
    SENTINEL_RENDER=("${STACK_RENDER[@]}" -c "$SENTINEL")
  fi
  if out="$(set -a; . "$EXAMPLE_ENV"; set +a; "${SENTINEL_RENDER[@]}" 2>&1)" \
      && yaml_out="$(sed -n '/^[a-z_-]*:/,$p' <<<"$out")" \
      && policy="$(python3 "$DEPLOY/tools/check_stack_policy.py" <<<"$yaml_out" 2>&1)" \
      && wiring="$(python3 "$DEPLOY/tools/check_sentinel_wiring.py" <<<"$yaml_out" 2>&1)"; then
    pass "swarm stack + redis-sentinel.yml renders, policy: $policy; $wiring"
  else
    fail "swarm stack + redis-sentinel.yml:"; indent <<<"${wiring:-${policy:-$out}}"
  fi
fi

# ------------------------------------------------------------------------------------------- single-host compose
COMPOSE=()
if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose; then
  COMPOSE=(docker-compose)
fi
if [ ${#COMPOSE[@]} = 0 ]; then
  skip "compose.yml: neither the 'docker compose' plugin nor docker-compose is available (apt-get install docker-compose)"
else
  if out="$("${COMPOSE[@]}" -f "$DEPLOY/compose.yml" --profile turn config -q 2>&1)"; then
    pass "compose.yml is valid [${COMPOSE[*]}]"
  else
    fail "compose.yml [${COMPOSE[*]}]:"; indent <<<"$out"
  fi
fi

# ------------------------------------------------------------------------------------------- Prometheus & co
if PROMTOOL="$(unpacked_tool promtool prometheus)"; then
  for f in "$DEPLOY/prometheus/prometheus.yml" "$DEPLOY/prometheus/prometheus-compose.yml"; do
    if out="$("$PROMTOOL" check config "$f" 2>&1)"; then pass "promtool check config $f"; else fail "promtool check config $f"; indent <<<"$out"; fi
  done
  if out="$("$PROMTOOL" check rules "$DEPLOY"/prometheus/rules/*.yml 2>&1)"; then
    pass "promtool check rules: $(grep -o '[0-9]* rules found' <<<"$out" | paste -sd, -)"
  else
    fail "promtool check rules"; indent <<<"$out"
  fi
  if out="$(cd "$DEPLOY/prometheus/tests" && "$PROMTOOL" test rules ./*.yml 2>&1)"; then
    pass "promtool test rules (each alert fires on bad input, stays quiet on good input)"
  else
    fail "promtool test rules"; indent <<<"$out"
  fi
else
  fail "promtool unavailable (apt-get download prometheus failed; run 'apt-get update' as root)"
fi

if AMTOOL="$(unpacked_tool amtool prometheus-alertmanager)"; then
  if out="$("$AMTOOL" check-config "$DEPLOY/alertmanager/alertmanager.yml" 2>&1)"; then pass "amtool check-config alertmanager.yml"; else fail "amtool check-config"; indent <<<"$out"; fi
else
  fail "amtool unavailable (apt-get download prometheus-alertmanager failed)"
fi

if BLACKBOX="$(unpacked_tool prometheus-blackbox-exporter prometheus-blackbox-exporter)"; then
  if out="$("$BLACKBOX" --config.file="$DEPLOY/blackbox/blackbox.yml" --config.check 2>&1)"; then pass "blackbox exporter --config.check blackbox.yml"; else fail "blackbox.yml"; indent <<<"$out"; fi
else
  fail "blackbox exporter unavailable (apt-get download prometheus-blackbox-exporter failed)"
fi

# ------------------------------------------------------------------------------------------- JSON / YAML
if command -v python3 >/dev/null 2>&1; then
  for f in "$DEPLOY"/grafana/dashboards/*.json; do
    if out="$(python3 - "$f" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
assert d.get("uid") and d.get("title"), "dashboard needs uid and title"
n = sum(1 for p in d.get("panels", []) if p.get("type") != "row")
assert n > 0, "no panels"
print(f"{d['uid']}: {n} panels")
PY
)"; then pass "dashboard JSON parses: $f ($out)"; else fail "dashboard JSON: $f"; indent <<<"$out"; fi
  done
  if python3 -c 'import yaml' 2>/dev/null; then
    for f in "$DEPLOY"/loki/*.yml "$DEPLOY"/promtail/*.yml "$DEPLOY"/grafana/provisioning/*/*.yml "$DEPLOY"/config/*.yml; do
      if out="$(python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$f" 2>&1)"; then pass "YAML parses: $f"; else fail "YAML: $f"; indent <<<"$out"; fi
    done
  else
    skip "YAML parse of loki/promtail/grafana provisioning (needs python3-yaml)"
  fi
else
  fail "python3 missing: cannot parse dashboards (apt-get install python3 python3-yaml)"
fi

# ------------------------------------------------------------------------------------------- metric names
if command -v java >/dev/null 2>&1; then
  MN=(java "$DEPLOY/tools/MetricNames.java")
  T="$DEPLOY/tools/testdata"
  # Self-test: the tool must find exactly the fixture's missing names (it can fail, and names what fails).
  out="$("${MN[@]}" --dashboards "$T/dashboards" --rules "$T/rules" scrape "$T/scrape.txt" 2>&1)"; rc=$?
  got="$(grep -o '^  [a-z_]*' <<<"$out" | tr -d ' ' | paste -sd' ' -)"
  if [ $rc = 1 ] && [ "$got" = "fixture_missing_total fixture_rule_block_metric fixture_rule_quoted_metric" ]; then
    pass "MetricNames self-test (scrape mode reports exactly the 3 unemitted fixture names)"
  else
    fail "MetricNames self-test scrape mode: rc=$rc, reported '$got'"; indent <<<"$out"
  fi
  out="$("${MN[@]}" --dashboards "$T/dashboards" --rules "$T/rules" contract "$T/contract.md" 2>&1)"; rc=$?
  got="$(grep -o '^  [a-z_]*' <<<"$out" | tr -d ' ' | paste -sd' ' -)"
  if [ $rc = 1 ] && [ "$got" = "fixture_missing_total fixture_rule_block_metric" ]; then
    pass "MetricNames self-test (contract mode expands timers, reports exactly the 2 names outside the contract)"
  else
    fail "MetricNames self-test contract mode: rc=$rc, reported '$got'"; indent <<<"$out"
  fi
  # The real check: dashboards + alert rules against docs/metrics.md and the standard/exporter lists.
  if out="$("${MN[@]}" contract docs/metrics.md 2>&1)"; then
    pass "metric names used by dashboards and rules are in docs/metrics.md or standard lists: $out"
  else
    fail "metric names used by dashboards/rules that nothing emits:"; indent <<<"$out"
  fi
else
  fail "java missing: cannot run deploy/tools/MetricNames.java (apt-get install openjdk-17-jdk-headless)"
fi

# ------------------------------------------------------------------------------------------- scripts
for f in "$DEPLOY"/check.sh "$DEPLOY"/docker/healthcheck.sh "$DEPLOY"/secrets.sh "$DEPLOY"/build-images.sh \
         "$DEPLOY"/local-images.sh "$DEPLOY"/image-test.sh "$DEPLOY"/compose-test.sh "$DEPLOY"/podman/*.sh; do
  if out="$(bash -n "$f" 2>&1)"; then pass "bash -n $f"; else fail "bash -n $f"; indent <<<"$out"; fi
done
# The image health check against a real HTTP server: 200 -> healthy, 404 / closed port -> unhealthy.
if command -v python3 >/dev/null 2>&1; then
  hcdir="$(mktemp -d)"
  mkdir -p "$hcdir/actuator/health" && echo '{"status":"UP"}' > "$hcdir/actuator/health/liveness"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$hcdir" >/dev/null 2>&1 &
  hcpid=$!
  for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  PORT=$port "$DEPLOY/docker/healthcheck.sh" >/dev/null 2>&1; ok=$?
  PORT=$port "$DEPLOY/docker/healthcheck.sh" /nope >/dev/null 2>&1; notfound=$?
  kill "$hcpid" 2>/dev/null; wait "$hcpid" 2>/dev/null
  PORT=$port "$DEPLOY/docker/healthcheck.sh" >/dev/null 2>&1; closed=$?
  rm -rf "$hcdir"
  if [ $ok = 0 ] && [ $notfound != 0 ] && [ $closed != 0 ]; then
    pass "docker/healthcheck.sh: 200 -> 0, 404 -> $notfound, connection refused -> $closed"
  else
    fail "docker/healthcheck.sh: expected 0/non-zero/non-zero, got $ok/$notfound/$closed"
  fi
fi

echo "deploy-checks: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
