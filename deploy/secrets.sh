#!/usr/bin/env bash
# Creates Babelcall's secrets with random values, once. Nothing is ever written into the repository.
#
#   deploy/secrets.sh swarm     docker secret create for every missing secret (run on a manager)
#   deploy/secrets.sh compose   files in deploy/secrets/ (git-ignored; or in $SECRETS_DIR) for deploy/compose.yml
#
# Generated operator passwords (Grafana admin, Traefik/Prometheus/Alertmanager basic auth) are printed once.
# Set ALERTMANAGER_WEBHOOK_URL (Slack-compatible incoming webhook) to wire alert notifications; without it a
# placeholder is stored and Alertmanager logs delivery errors until you replace the secret.
# Existing secrets are left alone: rotate one with `docker secret rm` + this script + `docker stack deploy`.
set -euo pipefail
mode="${1:-}"
case "$mode" in swarm|compose) ;; *) echo "usage: $0 swarm|compose" >&2; exit 2 ;; esac
command -v openssl >/dev/null || { echo "needs openssl (apt-get install openssl)" >&2; exit 1; }

redis_password="$(openssl rand -hex 32)"          # hex: safe inside the redis:// URL
ops_password="$(openssl rand -base64 18 | tr -d '\n/+=')"
grafana_password="$(openssl rand -base64 18 | tr -d '\n/+=')"
declare -A value=(
  [babelcall_token_secret]="$(openssl rand -base64 48 | tr -d '\n')"   # >= 32 bytes, HS256 key of all services
  [babelcall_turn_secret]="$(openssl rand -hex 32)"                      # coturn static-auth-secret, shared with the api
  [babelcall_redis_password]="$redis_password"
  [babelcall_redis_url]="redis://:${redis_password}@redis:6379"
  [babelcall_redis_sentinel_password]="$(openssl rand -hex 32)"          # the Sentinels' own (redis-sentinel.yml option)
  [grafana_admin_password]="$grafana_password"
  [traefik_basic_auth_users]="admin:$(openssl passwd -apr1 "$ops_password")"
  [janus_api_secret]="$(openssl rand -hex 32)"                           # Janus api_secret, shared with signaling
  [janus_admin_key]="$(openssl rand -hex 32)"                            # VideoRoom admin_key (rooms, rtp_forward)
  [janus_admin_secret]="$(openssl rand -hex 32)"                         # Janus admin API (off, but never empty)
  [alertmanager_webhook_url]="${ALERTMANAGER_WEBHOOK_URL:-https://hooks.invalid/set-ALERTMANAGER_WEBHOOK_URL}"
)

created=()
if [ "$mode" = swarm ]; then
  have() { docker secret inspect "$1" >/dev/null 2>&1; }
  if { have babelcall_redis_password && ! have babelcall_redis_url; } || { ! have babelcall_redis_password && have babelcall_redis_url; }; then
    echo "babelcall_redis_password and babelcall_redis_url must be created together: remove the one that exists" >&2
    exit 1
  fi
  for name in "${!value[@]}"; do
    if have "$name"; then echo "exists:  $name"; continue; fi
    printf '%s' "${value[$name]}" | docker secret create --label app=babelcall "$name" - >/dev/null
    echo "created: $name"; created+=("$name")
  done
else
  dir="${SECRETS_DIR:-$(cd "$(dirname "$0")" && pwd)/secrets}"   # SECRETS_DIR: the image tests' own folder
  mkdir -p "$dir" && chmod 0700 "$dir"
  if { [ -e "$dir/babelcall_redis_password" ] && [ ! -e "$dir/babelcall_redis_url" ]; } || { [ ! -e "$dir/babelcall_redis_password" ] && [ -e "$dir/babelcall_redis_url" ]; }; then
    echo "$dir: babelcall_redis_password and babelcall_redis_url must exist together: remove the one that exists" >&2
    exit 1
  fi
  for name in "${!value[@]}"; do
    if [ -e "$dir/$name" ]; then echo "exists:  $dir/$name"; continue; fi
    # Readable by the containers' non-root users (bind-mounted file); the directory itself is 0700.
    (umask 022; printf '%s' "${value[$name]}" > "$dir/$name"); chmod 0444 "$dir/$name"
    echo "created: $dir/$name"; created+=("$name")
  done
fi
for name in "${created[@]}"; do
  case "$name" in
    grafana_admin_password) echo "Grafana login: ${GRAFANA_ADMIN_USER:-admin} / $grafana_password" ;;
    traefik_basic_auth_users) echo "Traefik dashboard / Prometheus / Alertmanager basic auth: admin / $ops_password" ;;
  esac
done
