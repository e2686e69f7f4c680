#!/usr/bin/env bash
# Builds (and with --push, pushes) the four Babelcall images, tagged with the pom version:
#   REGISTRY=registry.example.org/babelcall deploy/build-images.sh [--push] [IMAGE...]   (default: all four)
#   deploy/build-images.sh --version        prints the tag (the pom version) and exits
# Needs a Docker engine with BuildKit (Docker >= 23). Build context: the repository root (see .dockerignore).
#
# The per-image build arguments live here only. deploy/local-images.sh reuses this script for its offline podman
# build through three variables (defaults: the production build above):
#   BUILDER              the build command (default: docker build, with BuildKit)
#   SERVICE_CONTEXT      build context of the three services (default: the repository root)
#   EXTRA_BUILD_ARGS     more arguments for every build, one per line (e.g. --build-arg JAR_SOURCE=prebuilt)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
REGISTRY="${REGISTRY:-babelcall}"
# The reactor version: the first <version> after the parent's <artifactId>babelcall-parent</artifactId>.
VERSION="${VERSION:-$(awk '/<artifactId>babelcall-parent<\/artifactId>/{f=1} f&&/<version>/{gsub(/.*<version>|<\/version>.*/,""); print; exit}' pom.xml)}"
[ -n "$VERSION" ] || { echo "cannot read the version from pom.xml" >&2; exit 1; }
REVISION="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
[ "${1:-}" = "--version" ] && { echo "$VERSION"; exit 0; }   # for deploy/local-images.sh and the image tests
push=0; [ "${1:-}" = "--push" ] && { push=1; shift; }
only=" $* "   # image names to build (default: all four)
read -r -a builder <<<"${BUILDER:-docker build}"
SERVICE_CONTEXT="${SERVICE_CONTEXT:-.}"
# JAR_SOURCE and JAVA_SOURCE explicitly, although they are the Dockerfile's defaults: buildah (podman build) does not
# apply a global ARG's default when it resolves `FROM jar-${JAR_SOURCE}` to a stage. EXTRA_BUILD_ARGS come later: the
# last value of a build argument wins.
common=(--build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION" --build-arg "CREATED=$CREATED"
  --build-arg JAR_SOURCE=maven --build-arg JAVA_SOURCE=temurin)
[ -n "${EXTRA_BUILD_ARGS:-}" ] && mapfile -t -O "${#common[@]}" common <<<"$EXTRA_BUILD_ARGS"
# The orchestrator's runtime packages: its local engines (docs/engines.md, "Local defaults") and their tools.
ORCHESTRATOR_PACKAGES="pocketsphinx pocketsphinx-en-us espeak-ng flite sox apertium apertium-eng-spa apertium-eng-cat"

build() { # name dockerfile context [build-args...]
  local name="$1" file="$2" context="$3"; shift 3
  [ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || return 0
  echo "== $REGISTRY/$name:$VERSION"
  DOCKER_BUILDKIT=1 "${builder[@]}" -f "$file" "${common[@]}" "$@" -t "$REGISTRY/$name:$VERSION" "$context"
  [ "$push" = 1 ] && docker push "$REGISTRY/$name:$VERSION"
  return 0
}
build api-service deploy/docker/service.Dockerfile "$SERVICE_CONTEXT" --build-arg MODULE=api-service --build-arg PORT=8080
build signaling-service deploy/docker/service.Dockerfile "$SERVICE_CONTEXT" --build-arg MODULE=signaling-service --build-arg PORT=8081
build pipeline-orchestrator deploy/docker/service.Dockerfile "$SERVICE_CONTEXT" --build-arg MODULE=pipeline-orchestrator --build-arg PORT=8082 \
  --build-arg "RUNTIME_PACKAGES=$ORCHESTRATOR_PACKAGES"
build apertium deploy/docker/apertium.Dockerfile deploy/docker
build janus deploy/docker/janus.Dockerfile deploy
echo "built VERSION=$VERSION (deploy with VERSION=$VERSION REGISTRY=$REGISTRY)"
