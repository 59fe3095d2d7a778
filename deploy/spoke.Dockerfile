# The callmesh spoke: dials out to a hub and serves fs, bash and search on the /workspace volume.
# No port is exposed: the spoke only connects out.
#
# Build from the repository root, after ./mvnw package:
#   docker build -f deploy/spoke.Dockerfile -t callmesh-spoke .
# Run (the key must be readable by uid 10001, see deploy/README.md):
#   docker run -d --name dev1 -e CALLMESH_HUB=tcp://hub.example:7400 -e CALLMESH_NAME=dev1 \
#     -v $PWD/keys/dev1:/run/secrets/callmesh_key:ro -v dev1-workspace:/workspace callmesh-spoke
#
# JRE_IMAGE: any Java 17+ runtime image with bash, useradd and a `java` on PATH.
ARG JRE_IMAGE=eclipse-temurin:17-jre
FROM ${JRE_IMAGE}

# A dedicated unprivileged user; it owns the workspace, so a fresh named volume is writable by it.
RUN groupadd --gid 10001 callmesh \
 && useradd --uid 10001 --gid callmesh --home-dir /home/callmesh --create-home --shell /bin/bash callmesh \
 && mkdir -p /workspace /opt/callmesh \
 && chown callmesh:callmesh /workspace

COPY deploy/healthcheck.sh /usr/local/bin/callmesh-healthcheck
COPY spoke/target/callmesh-spoke.jar spoke/target/callmesh-spoke /opt/callmesh/

# Configuration is the jar's own CALLMESH_* variables (SPEC §6); CALLMESH_HUB and CALLMESH_NAME have no
# useful default in a container and must be set. The entrypoint is the spoke's launcher
# (spoke/src/main/dist/callmesh-spoke), which runs the JVM with small-footprint flags (serial GC, C1
# only, a heap that starts at 8 MiB and stops at 256 MiB) and a class-data archive it makes on the
# container's first start, in ~/.cache/callmesh. CALLMESH_JAVA_OPTS adds JVM flags after those (a later
# flag wins, e.g. -Xmx512m); CALLMESH_CDS=off starts without the archive. The spoke strips every
# CALLMESH_* variable from the commands it runs, so these never leak into the workspace's own java,
# gradle or maven runs (as JAVA_OPTS or JAVA_TOOL_OPTIONS would).
ENV CALLMESH_ROOT=/workspace \
    CALLMESH_KEY=/run/secrets/callmesh_key \
    CALLMESH_SERVICES=fs,bash,search \
    CALLMESH_JAVA_OPTS=""

USER callmesh
WORKDIR /workspace
VOLUME /workspace

# Healthy while the spoke holds its connection to the hub; it retries an unreachable hub with backoff.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/callmesh-healthcheck", "connected"]

# The launcher execs the JVM, which becomes PID 1: it gets SIGTERM and closes the session cleanly.
# Arguments given to `docker run IMAGE ...` become spoke flags (--name dev1, --help, ...).
ENTRYPOINT ["/bin/sh", "/opt/callmesh/callmesh-spoke"]
