# syntax=docker/dockerfile:1.7
#
# One Dockerfile for the three Spring Boot services (api-service, signaling-service, pipeline-orchestrator):
# they differ only in the Maven module, the port and the Debian packages their runtime needs, so those are
# build arguments (see deploy/compose.yml `build:` and deploy/build-images.sh, which set them per service).
#
# Production (the defaults): the jar is built by Maven inside eclipse-temurin:17-jdk, the runtime is
# debian:bookworm-slim with the Temurin 17 JRE copied in. Build context: the repository root.
#   docker build -f deploy/docker/service.Dockerfile --build-arg MODULE=api-service --build-arg PORT=8080 \
#                --build-arg VERSION=0.1.0-SNAPSHOT -t babelcall/api-service:0.1.0-SNAPSHOT .
#
# Offline variant (deploy/local-images.sh, with podman on a machine that reaches only Debian's packages): the same
# file with JAR_SOURCE=prebuilt (the boot jar built on the host, context = a folder holding prebuilt/$MODULE.jar and
# deploy/docker/healthcheck.sh), JAVA_SOURCE=debian (Debian's openjdk-17-jre-headless instead of Temurin) and
# RUNTIME_BASE=localhost/debian-base:bookworm. Unused stages are skipped, so neither path pulls the other's images.
# With podman (buildah 1.28) pass JAR_SOURCE and JAVA_SOURCE explicitly even at their defaults (build-images.sh does):
# buildah does not apply a global ARG's default when it resolves `FROM jar-${JAR_SOURCE}` to a stage.

ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG JRE_IMAGE=eclipse-temurin:17-jre
# Debian bookworm, not Temurin's Ubuntu base: the orchestrator's local engines (pocketsphinx 0.8 with
# pocketsphinx_continuous, espeak-ng, apertium pairs) are the exact Debian packages the tests run against;
# Ubuntu noble ships pocketsphinx 5, which has no pocketsphinx_continuous.
ARG RUNTIME_BASE=debian:bookworm-slim
# maven: build the jar here (production); prebuilt: take prebuilt/${MODULE}.jar from the build context.
ARG JAR_SOURCE=maven
# temurin: the JRE of ${JRE_IMAGE} (production); debian: Debian's openjdk-17-jre-headless package.
ARG JAVA_SOURCE=temurin

# ---------------------------------------------------------------------------------------------- the boot jar
FROM ${JDK_IMAGE} AS jar-maven
ARG MODULE
WORKDIR /src
COPY . .
# Tests are not run here: they need redis-server and the engines and run in CI (./test.sh) before images are built.
RUN --mount=type=cache,target=/root/.m2 \
    set -eu; \
    [ -n "${MODULE}" ] || { echo "build arg MODULE is required (api-service|signaling-service|pipeline-orchestrator)" >&2; exit 1; }; \
    ./mvnw -B -q -pl "${MODULE}" -am package -DskipTests; \
    set -- $(find "${MODULE}/target" -maxdepth 1 -name "${MODULE}-*.jar" ! -name '*-sources.jar' ! -name '*-javadoc.jar' ! -name '*-tests.jar'); \
    [ "$#" = 1 ] || { echo "expected exactly one boot jar in ${MODULE}/target, found: $*" >&2; exit 1; }; \
    cp "$1" /application.jar

FROM scratch AS jar-prebuilt
ARG MODULE
COPY prebuilt/${MODULE}.jar /application.jar

FROM jar-${JAR_SOURCE} AS jar

# ---------------------------------------------------------------------------------------------- the JRE
FROM ${JRE_IMAGE} AS jre

# The Temurin JRE itself, copied from the official image (Adoptium's documented way to use another base).
FROM ${RUNTIME_BASE} AS java-temurin
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:$PATH \
    LANG=C.UTF-8
COPY --from=jre /opt/java/openjdk /opt/java/openjdk

# Debian's JRE (same major version), at the same JAVA_HOME.
FROM ${RUNTIME_BASE} AS java-debian
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /opt/java \
 && ln -s "/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)" /opt/java/openjdk \
 && /opt/java/openjdk/bin/java -version
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:$PATH \
    LANG=C.UTF-8

FROM java-${JAVA_SOURCE} AS java

# ---------------------------------------------------------------------------------------------- layers
# Spring Boot 3.3+/4 "tools" jar mode: split the uber jar into dependencies / spring-boot-loader /
# snapshot-dependencies / application layers (application.jar + lib/), so a code change rebuilds one thin layer.
FROM java AS extract
WORKDIR /extract
COPY --from=jar /application.jar ./
RUN java -Djarmode=tools -jar application.jar extract --layers --destination layers

# ---------------------------------------------------------------------------------------------- runtime
FROM java
# Space-separated Debian packages the service runs (the orchestrator's local engines); empty for the others.
ARG RUNTIME_PACKAGES=""

# Before the per-build arguments (MODULE, VERSION, CREATED...): this layer is then cached across services and builds.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates tzdata ${RUNTIME_PACKAGES} \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 babelcall \
 && useradd --system --uid 10001 --gid babelcall --home-dir /app --no-create-home --shell /usr/sbin/nologin babelcall

COPY --chmod=0755 deploy/docker/healthcheck.sh /usr/local/bin/healthcheck

WORKDIR /app
# Least-frequently-changing layer first.
COPY --from=extract /extract/layers/dependencies/ ./
COPY --from=extract /extract/layers/spring-boot-loader/ ./
COPY --from=extract /extract/layers/snapshot-dependencies/ ./
COPY --from=extract /extract/layers/application/ ./

ARG MODULE
ARG PORT=8080
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="babelcall-${MODULE}" \
      org.opencontainers.image.description="Babelcall ${MODULE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/babelcall/babelcall" \
      org.opencontainers.image.vendor="Babelcall"

USER 10001:10001

# Container-aware heap (the JVM reads the cgroup memory limit); the rest of the limit is for metaspace,
# thread stacks, direct buffers (Netty) and, in the orchestrator, the engine subprocesses. Override per
# service with JDK_JAVA_OPTIONS in the stack. ExitOnOutOfMemoryError lets Swarm replace a broken task.
ENV PORT=${PORT} \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=70 -XX:InitialRAMPercentage=30 -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC -Djava.io.tmpdir=/tmp" \
    SPRING_CONFIG_IMPORT="optional:configtree:/run/secrets/"
EXPOSE ${PORT}

HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["/usr/local/bin/healthcheck", "/actuator/health/liveness"]

# Exec form: java is PID 1 and receives SIGTERM directly, so server.shutdown=graceful drains requests and
# closes WebSockets within spring.lifecycle.timeout-per-shutdown-phase (20 s; the stack's stop_grace_period is 35 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-jar", "/app/application.jar"]
