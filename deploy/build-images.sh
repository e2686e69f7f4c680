#!/usr/bin/env bash
# Builds (and with --push, pushes) the four Babelcall images, tagged with the pom version:
#   REGISTRY=registry.example.org/babelcall deploy/build-images.sh [--push]
# Needs a Docker engine with BuildKit (Docker >= 23). Build context: the repository root (see .dockerignore).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
REGISTRY="${REGISTRY:-babelcall}"
# The reactor version: the first <version> after the parent's <artifactId>babelcall-parent</artifactId>.
VERSION="${VERSION:-$(awk '/<artifactId>babelcall-parent<\/artifactId>/{f=1} f&&/<version>/{gsub(/.*<version>|<\/version>.*/,""); print; exit}' pom.xml)}"
[ -n "$VERSION" ] || { echo "cannot read the version from pom.xml" >&2; exit 1; }
REVISION="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
push=0; [ "${1:-}" = "--push" ] && push=1
common=(--build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION" --build-arg "CREATED=$CREATED")

build() { # name dockerfile context [build-args...]
  local name="$1" file="$2" context="$3"; shift 3
  echo "== $REGISTRY/$name:$VERSION"
  DOCKER_BUILDKIT=1 docker build -f "$file" "${common[@]}" "$@" -t "$REGISTRY/$name:$VERSION" "$context"
  [ "$push" = 1 ] && docker push "$REGISTRY/$name:$VERSION"
  return 0
}
build api-service deploy/docker/service.Dockerfile . --build-arg MODULE=api-service --build-arg PORT=8080
build signaling-service deploy/docker/service.Dockerfile . --build-arg MODULE=signaling-service --build-arg PORT=8081
build pipeline-orchestrator deploy/docker/service.Dockerfile . --build-arg MODULE=pipeline-orchestrator --build-arg PORT=8082 \
  --build-arg "RUNTIME_PACKAGES=pocketsphinx pocketsphinx-en-us espeak-ng flite sox apertium apertium-eng-spa apertium-eng-cat"
build apertium deploy/docker/apertium.Dockerfile deploy/docker
echo "built VERSION=$VERSION (deploy with VERSION=$VERSION REGISTRY=$REGISTRY)"
