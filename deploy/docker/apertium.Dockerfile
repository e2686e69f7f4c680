# syntax=docker/dockerfile:1.7
#
# Apertium APy (HTTP API of the Apertium rule-based MT engine) with the English<->Spanish and
# English<->Catalan pairs, from Debian bookworm (the same package versions the orchestrator's tests use).
# The orchestrator's APy adapter calls http://apertium:2737/translate?langpair=eng|spa&q=...
# Build context: this folder.  docker build -f deploy/docker/apertium.Dockerfile -t babelcall/apertium deploy/docker
# BASE_IMAGE: any Debian bookworm image; deploy/local-images.sh passes its local one (localhost/debian-base:bookworm).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
# Extra pairs: add Debian packages named apertium-xxx-yyy (apt-cache search apertium-).
ARG APERTIUM_PAIRS="apertium-eng-spa apertium-eng-cat"

# Before the per-build arguments (VERSION, CREATED...), so a rebuild with a new version reuses this layer.
# The user is "apy" (10001): the apertium-apy package already creates a system user "apertium" of its own.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends apertium-apy ${APERTIUM_PAIRS} \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 apy \
 && useradd --system --uid 10001 --gid apy --home-dir /var/lib/apy --create-home --shell /usr/sbin/nologin apy
# The services' health check script: HTTP GET over bash's /dev/tcp.
COPY --chmod=0755 healthcheck.sh /usr/local/bin/healthcheck

ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown

LABEL org.opencontainers.image.title="babelcall-apertium" \
      org.opencontainers.image.description="Apertium APy with ${APERTIUM_PAIRS}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="GPL-3.0-or-later" \
      org.opencontainers.image.vendor="Babelcall"

USER 10001:10001
WORKDIR /var/lib/apy
ENV LANG=C.UTF-8
EXPOSE 2737

# /usr/local/bin/healthcheck (copied above; port from PORT): /listPairs answers without starting a pipeline.
# No quotes inside the command: podman-compose 1.0.3 re-quotes health check arguments badly.
ENV PORT=2737
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/healthcheck", "/listPairs"]

STOPSIGNAL SIGTERM
# -j 1: one server process (scale with replicas); -i 2: up to two pipelines per pair under load;
# -r 1000: restart a pipeline after 1000 requests to bound memory growth.
ENTRYPOINT ["apertium-apy", "-p", "2737", "-j", "1", "-i", "2", "-r", "1000"]
CMD ["/usr/share/apertium/modes"]
