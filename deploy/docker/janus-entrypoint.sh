#!/bin/bash
# Starts Janus from the project's templates (/opt/babelcall/janus/*.jcfg, the ones ./run.sh and the tests render),
# filling their ${NAME}s from the environment and Docker secrets, then execs janus as PID 1 (SIGTERM reaches it).
#   secrets (files, never environment):  /run/secrets/janus_api_secret   Janus api_secret (signaling holds the same)
#                                        /run/secrets/janus_admin_key    VideoRoom admin_key (room creation, RTP forward)
#                                        /run/secrets/janus_admin_secret admin API secret (the admin API is off)
#   environment: JANUS_WS_PORT (8188), JANUS_RTP_PORT_RANGE (20000-20199), JANUS_PUBLIC_IP (the address browsers
#   reach this node at: nat_1_1_mapping, needed behind Docker's NAT), JANUS_STUN_SERVER (host:port, optional),
#   JANUS_DEBUG_LEVEL (4 = info).
# `janus-entrypoint --health`: the container's health check, a WebSocket handshake with the API (101 = serving).
set -euo pipefail

if [ "${1:-}" = "--health" ]; then
  exec 3<>"/dev/tcp/127.0.0.1/${JANUS_WS_PORT:-8188}" || { echo "unhealthy: API port closed" >&2; exit 1; }
  printf 'GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: janus-protocol\r\n\r\n' \
    "dGhlIHNhbXBsZSBub25jZQ==" >&3
  IFS= read -r -t 3 status <&3 || { echo "unhealthy: no answer from the API" >&2; exit 1; }
  case "${status%$'\r'}" in
    "HTTP/1.1 101"*) exit 0 ;;
    *) echo "unhealthy: the API answered '${status%$'\r'}'" >&2; exit 1 ;;
  esac
fi

secret() { # NAME FILE: the secret's content, or fail naming it
  [ -r "$2" ] || { echo "janus-entrypoint: secret $1 missing ($2)" >&2; exit 1; }
  tr -d '\r\n' <"$2"
}
JANUS_API_SECRET=$(secret janus_api_secret /run/secrets/janus_api_secret)
JANUS_ADMIN_KEY=$(secret janus_admin_key /run/secrets/janus_admin_key)
JANUS_ADMIN_SECRET=$(secret janus_admin_secret /run/secrets/janus_admin_secret)
export JANUS_API_SECRET JANUS_ADMIN_KEY JANUS_ADMIN_SECRET

lib=$(dirname "$(dirname "$(find /usr/lib -path '*/janus/plugins/libjanus_videoroom.so' -print -quit)")")
export JANUS_LIB_DIR="$lib"
export JANUS_CONFIG_DIR="${JANUS_CONFIG_DIR:-/tmp/janus-config}"
export JANUS_WS_PORT="${JANUS_WS_PORT:-8188}" JANUS_RTP_PORT_RANGE="${JANUS_RTP_PORT_RANGE:-20000-20199}"
# The API listens on every interface of the container: it is only attached to the backend network.
export JANUS_WS_IP="${JANUS_WS_IP:-0.0.0.0}" JANUS_DEBUG_LEVEL="${JANUS_DEBUG_LEVEL:-4}"
nat=""
[ -n "${JANUS_PUBLIC_IP:-}" ] && nat+="nat_1_1_mapping = \"${JANUS_PUBLIC_IP}\""$'\n'
if [ -n "${JANUS_STUN_SERVER:-}" ]; then
  nat+="stun_server = \"${JANUS_STUN_SERVER%:*}\""$'\n'"stun_port = ${JANUS_STUN_SERVER##*:}"$'\n'
fi
export JANUS_NAT_SETTINGS="$nat"

mkdir -p "$JANUS_CONFIG_DIR"
chmod 0700 "$JANUS_CONFIG_DIR" # the rendered files hold the secrets
vars='${JANUS_CONFIG_DIR} ${JANUS_LIB_DIR} ${JANUS_DEBUG_LEVEL} ${JANUS_API_SECRET} ${JANUS_ADMIN_SECRET} ${JANUS_ADMIN_KEY} ${JANUS_RTP_PORT_RANGE} ${JANUS_NAT_SETTINGS} ${JANUS_WS_PORT} ${JANUS_WS_IP}'
for t in /opt/babelcall/janus/*.jcfg; do
  envsubst "$vars" <"$t" >"$JANUS_CONFIG_DIR/$(basename "$t")"
done
if grep -q '\${' "$JANUS_CONFIG_DIR"/*.jcfg; then
  echo "janus-entrypoint: a template variable was left unfilled:" >&2
  grep -n '\${' "$JANUS_CONFIG_DIR"/*.jcfg >&2
  exit 1
fi
echo "janus-entrypoint: API on ${JANUS_WS_IP}:${JANUS_WS_PORT}, RTP on ${JANUS_RTP_PORT_RANGE}, public IP ${JANUS_PUBLIC_IP:-(none: host candidates only)}"
exec janus -F "$JANUS_CONFIG_DIR" -C "$JANUS_CONFIG_DIR/janus.jcfg"
