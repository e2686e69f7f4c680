#!/usr/bin/env bash
# Builds Babelcall's four images with podman on a machine that reaches Debian's packages but no image registry
# (like this project's CI: Debian 12, root, no Docker engine), from the SAME Dockerfiles as production:
#   1. the base localhost/debian-base:bookworm from Debian's packages (mmdebstrap), once (REBUILD_BASE=1: again),
#      while the boot jars are built on the host (./mvnw package, tests skipped: the Maven step of ./test.sh runs
#      them) unless they are newer than every source;
#   2. deploy/build-images.sh with podman and the offline build arguments of deploy/docker/service.Dockerfile
#      (JAR_SOURCE=prebuilt, JAVA_SOURCE=debian, RUNTIME_BASE / BASE_IMAGE = the local base): the three services,
#      while the apertium image and the test-only Redis image (deploy/podman/redis.Containerfile) build beside them;
# then prints each image's size, user and health check, and fails if one runs as root or has no health check.
# Images: babelcall/<name>:<pom version> (podman stores them as localhost/babelcall/...). Run as root; installs
# podman, runc and mmdebstrap when missing. Logs of the parallel parts: deploy/.cache/logs/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=deploy/podman/lib.sh
source deploy/podman/lib.sh
started=$SECONDS
LOGS="$ROOT/deploy/.cache/logs"
mkdir -p "$LOGS"

podman_ready
waitfor() { # PID LOG WHAT: waits for a background part, shows its log if it failed
  if ! wait "$1"; then echo "error: $3 failed; $2:" >&2; tail -n 40 "$2" >&2; exit 1; fi
}

ensure_base > "$LOGS/base.log" 2>&1 &
base_pid=$!

# Jars newer than every main source and pom are reused as they are: a repackaged jar differs byte for byte (entry
# times), which would miss the image layer cache for no change.
MODULES=(api-service signaling-service pipeline-orchestrator)
jars_fresh() {
  local m jar
  for m in "${MODULES[@]}"; do
    jar="$m/target/$m-$VERSION.jar"
    [ -f "$jar" ] || return 1
    [ -z "$(find . -path ./deploy -prune -o -path '*/target' -prune -o -path '*/node_modules' -prune -o \
      -type f \( -path '*/src/main/*' -o -name pom.xml \) -newer "$jar" -print -quit)" ] || return 1
  done
}
t=$SECONDS
if jars_fresh; then
  echo "== boot jars: up to date"
else
  ./mvnw -B -ntp -q -DskipTests package -pl "$(IFS=,; echo "${MODULES[*]}")" -am
  echo "== boot jars: ./mvnw package in $((SECONDS - t)) s"
fi
waitfor $base_pid "$LOGS/base.log" "the base image"
grep "^==" "$LOGS/base.log"

# The services' build context: only what JAR_SOURCE=prebuilt reads (the repository's .dockerignore keeps target/ out).
CONTEXT="$ROOT/deploy/.cache/image-context"
rm -rf "$CONTEXT" && mkdir -p "$CONTEXT/prebuilt" "$CONTEXT/deploy/docker"
for m in "${MODULES[@]}"; do
  cp -p "$m/target/$m-$VERSION.jar" "$CONTEXT/prebuilt/$m.jar"
done
cp -p deploy/docker/healthcheck.sh "$CONTEXT/deploy/docker/"

build_images() { # IMAGE...: deploy/build-images.sh, offline
  BUILDER="$PODMAN_BUILD" SERVICE_CONTEXT="$CONTEXT" VERSION="$VERSION" REGISTRY="$REGISTRY" \
  EXTRA_BUILD_ARGS="--build-arg=JAR_SOURCE=prebuilt
--build-arg=JAVA_SOURCE=debian
--build-arg=RUNTIME_BASE=$BASE_IMAGE
--build-arg=BASE_IMAGE=$BASE_IMAGE" \
    deploy/build-images.sh "$@"
}
t=$SECONDS
{
  build_images apertium janus
  pbuild -f deploy/podman/redis.Containerfile --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$REDIS_IMAGE" deploy/podman
} > "$LOGS/side-images.log" 2>&1 &
side_pid=$!
build_images api-service signaling-service pipeline-orchestrator > "$LOGS/service-images.log" 2>&1 &
services_pid=$!
waitfor $services_pid "$LOGS/service-images.log" "building the service images"
waitfor $side_pid "$LOGS/side-images.log" "building the apertium, Janus and Redis images"
echo "== images built in $((SECONDS - t)) s (logs: $LOGS/{service,side}-images.log)"

echo
bad=0
printf '%-48s %9s  %-12s %s\n' image size user healthcheck
for name in "${IMAGES[@]}"; do
  ref="$REGISTRY/$name:$VERSION"
  user=$(podman image inspect --format '{{.Config.User}}' "$ref")
  hc=$(podman image inspect --format '{{if .Config.Healthcheck}}{{join .Config.Healthcheck.Test " "}}{{end}}' "$ref")
  printf '%-48s %6s MB  %-12s %s\n' "$ref" "$(( $(podman image inspect --format '{{.Size}}' "$ref") / 1000000 ))" \
    "${user:-root}" "${hc:-NONE}"
  case "$user" in ""|0|0:*|root|root:*) echo "error: $ref runs as root" >&2; bad=1 ;; esac
  [ -n "$hc" ] || { echo "error: $ref has no HEALTHCHECK (built in OCI format?)" >&2; bad=1; }
done
printf '%-48s %6s MB\n' "$BASE_IMAGE" "$(( $(podman image inspect --format '{{.Size}}' "$BASE_IMAGE") / 1000000 ))"
echo "local-images: done in $((SECONDS - started)) s"
exit $bad
