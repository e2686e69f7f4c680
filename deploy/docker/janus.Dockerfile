# syntax=docker/dockerfile:1.7
#
# Janus WebRTC Server (the SFU of docs/media.md) from Debian bookworm's `janus` package (1.1.x, the version the tests
# run), configured from the project's templates in deploy/janus/ at start-up by janus-entrypoint.sh.
# Build context: deploy/.  docker build -f deploy/docker/janus.Dockerfile -t babelcall/janus deploy
# BASE_IMAGE: any Debian bookworm image; deploy/local-images.sh passes its local one (localhost/debian-base:bookworm).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

# gettext-base for envsubst (the templates' ${NAME}s); before the per-build arguments so the layer stays cached.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends janus gettext-base ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 sfu \
 && useradd --system --uid 10001 --gid sfu --home-dir /var/lib/sfu --create-home --shell /usr/sbin/nologin sfu
COPY --chmod=0644 janus/*.jcfg /opt/babelcall/janus/
COPY --chmod=0755 docker/janus-entrypoint.sh /usr/local/bin/janus-entrypoint

ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown

LABEL org.opencontainers.image.title="babelcall-janus" \
      org.opencontainers.image.description="Janus WebRTC Server (VideoRoom, WebSocket API) for Babelcall" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="GPL-3.0-only" \
      org.opencontainers.image.vendor="Babelcall"

USER 10001:10001
WORKDIR /var/lib/sfu
ENV LANG=C.UTF-8 \
    JANUS_WS_PORT=8188 \
    JANUS_RTP_PORT_RANGE=20000-20199
# 8188/tcp: the WebSocket API, for signaling-service on the backend network only (never published).
# The RTP range (UDP) is the only thing browsers reach: publish it in host mode, same numbers outside and in.
EXPOSE 8188/tcp 20000-20199/udp

# A WebSocket handshake with the API (101 = Janus is configured and serving); see janus-entrypoint.sh.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/janus-entrypoint", "--health"]

# janus exits cleanly on SIGTERM (sessions torn down, browsers see the PeerConnections end).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/janus-entrypoint"]
