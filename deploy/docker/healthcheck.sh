#!/bin/bash
# Container health check without curl/wget (the runtime image has neither): a plain HTTP/1.0 GET over
# bash's /dev/tcp. Usage: healthcheck [path]   (default /actuator/health/liveness)
# Port from SERVER_PORT, else PORT, else 8080. Exit 0 only on "HTTP/1.x 200" within HEALTHCHECK_TIMEOUT s (default 4).
if [ -z "${HEALTHCHECK_INNER:-}" ]; then
  HEALTHCHECK_INNER=1 exec timeout "${HEALTHCHECK_TIMEOUT:-4}" "$0" "$@"
fi
path="${1:-/actuator/health/liveness}"
port="${SERVER_PORT:-${PORT:-8080}}"
host="${HEALTHCHECK_HOST:-127.0.0.1}"
exec 3<>"/dev/tcp/${host}/${port}" || { echo "unhealthy: cannot connect to ${host}:${port}" >&2; exit 1; }
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nUser-Agent: healthcheck\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r status <&3 || { echo "unhealthy: no answer from ${host}:${port}${path}" >&2; exit 1; }
status="${status%$'\r'}"
case "$status" in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) echo "unhealthy: ${path} answered '${status}'" >&2; exit 1 ;;
esac
