# Shared by deploy/local-images.sh, deploy/image-test.sh and deploy/compose-test.sh: podman as this project runs it on
# a machine without a Docker engine and without registries of base images (Debian 12, root, 2 cores). Source it.
# Needs ROOT (the repository root) set.
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

export CONTAINERS_CONF="$ROOT/deploy/podman/containers.conf"
# The local stand-in for debian:bookworm-slim, made from Debian's packages with mmdebstrap.
BASE_IMAGE=localhost/debian-base:bookworm
# The local stand-in for redis:7.2-alpine (Debian's redis-server on the base above); only the tests use it.
REDIS_IMAGE=localhost/babelcall-test-redis:bookworm
REGISTRY=${REGISTRY:-babelcall}
VERSION=${VERSION:-$("$ROOT/deploy/build-images.sh" --version)}
IMAGES=(api-service signaling-service pipeline-orchestrator apertium janus)

# podman_ready: installs what podman needs here when missing (as root), then proves podman can run; fails naming
# what is missing otherwise. Nothing is skipped. netavark, aardvark-dns (names on a compose network) and iptables are
# only podman's recommendations: ensure_packages installs none, and without them podman falls back to CNI, with no DNS.
podman_ready() {
  ensure_packages podman runc mmdebstrap netavark aardvark-dns iptables || return 1
  local out
  if ! out=$(podman info 2>&1); then
    echo "error: podman cannot run here (apt-get install -y podman runc; see deploy/podman/containers.conf):" >&2
    echo "$out" | tail -n 5 >&2
    return 1
  fi
}

# ensure_base: makes $BASE_IMAGE once (cached in podman's storage; REBUILD_BASE=1 makes it again): Debian bookworm
# minbase with ca-certificates and apt sources with updates and security, made like debian:bookworm-slim: merged /usr
# without the usrmerge package (and its perl), no documentation nor locales, /usr/share/man/man1 present (Java's
# postinst links its man page there), apt's docker-clean (no .deb left in a layer).
ensure_base() {
  if [ -z "${REBUILD_BASE:-}" ] && podman image exists "$BASE_IMAGE"; then
    echo "== $BASE_IMAGE: cached"
    return 0
  fi
  local tmp t=$SECONDS
  tmp=$(mktemp -d /tmp/babelcall-base.XXXXXX)
  echo "== $BASE_IMAGE: mmdebstrap bookworm (minbase)"
  if ! mmdebstrap --quiet --variant=minbase --include=ca-certificates \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/info/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
      --aptopt='APT::Install-Recommends "false"' --aptopt='APT::Install-Suggests "false"' \
      --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
      --customize-hook='mkdir -p "$1/usr/share/man/man1"' \
      --customize-hook="copy-in $ROOT/deploy/podman/docker-clean /etc/apt/apt.conf.d" \
      --customize-hook='rm -f "$1"/var/cache/apt/*.bin' \
      bookworm "$tmp/rootfs.tar" \
      "deb http://deb.debian.org/debian bookworm main" \
      "deb http://deb.debian.org/debian bookworm-updates main" \
      "deb http://deb.debian.org/debian-security bookworm-security main"; then
    rm -rf "$tmp"
    echo "error: mmdebstrap failed (needs Debian's package mirror)" >&2
    return 1
  fi
  podman import --quiet --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' "$tmp/rootfs.tar" "$BASE_IMAGE" >/dev/null
  rm -rf "$tmp"
  echo "== $BASE_IMAGE: made in $((SECONDS - t)) s"
}

# build: podman build as this sandbox allows it (host network: no CNI bridge here).
# Docker format, not OCI: the OCI image config has no HEALTHCHECK, and podman would drop it silently.
PODMAN_BUILD="podman build --format docker --network host"
pbuild() { $PODMAN_BUILD "$@"; }
