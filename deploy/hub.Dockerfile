# The callmesh hub: accepts spokes and clients on TCP 7400.
#
# Build from the repository root, after ./mvnw package:
#   docker build -f deploy/hub.Dockerfile -t callmesh-hub .
# Run (publish on loopback, or behind your own network policy; see deploy/README.md):
#   docker run -d --name callmesh-hub -p 127.0.0.1:7400:7400 -e CALLMESH_HUB_ID=hub \
#     -v $PWD/keys/hub:/etc/callmesh:ro -v callmesh-hub-state:/var/lib/callmesh callmesh-hub
#
# JRE_IMAGE: any Java 17+ runtime image with useradd and a `java` on PATH.
ARG JRE_IMAGE=eclipse-temurin:17-jre
FROM ${JRE_IMAGE}

RUN groupadd --gid 10001 callmesh \
 && useradd --uid 10001 --gid callmesh --home-dir /var/lib/callmesh --no-create-home --shell /usr/sbin/nologin callmesh \
 && mkdir -p /var/lib/callmesh /etc/callmesh /opt/callmesh \
 && chown callmesh:callmesh /var/lib/callmesh

COPY deploy/healthcheck.sh /usr/local/bin/callmesh-healthcheck
COPY hub/target/callmesh-hub.jar /opt/callmesh/callmesh-hub.jar

# The jar's own CALLMESH_* variables (SPEC §6). Inside the container the hub listens on all of the
# container's interfaces; what reaches it is decided where the port is published (-p 127.0.0.1:7400:7400,
# a Kubernetes Service). The hub key is made on first start in the state volume and kept there, with the
# jobs (jobs.db, SQLite) in the same data directory.
# /etc/callmesh is meant to be a mounted directory (not a single file), so that edits of authorized_keys
# reach the hub, which reloads it on change. CALLMESH_JAVA_OPTS is read by the entrypoint only.
ENV CALLMESH_LISTEN=0.0.0.0:7400 \
    CALLMESH_HTTP=0.0.0.0:7480 \
    CALLMESH_AUTHORIZED_KEYS=/etc/callmesh/authorized_keys \
    CALLMESH_HUB_KEY=/var/lib/callmesh/hub_key \
    CALLMESH_DATA_DIR=/var/lib/callmesh \
    CALLMESH_JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Xshare:auto"

USER callmesh
WORKDIR /var/lib/callmesh
VOLUME /var/lib/callmesh
EXPOSE 7400 7480

HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/callmesh-healthcheck", "listening"]

ENTRYPOINT ["/bin/sh", "-c", "exec java $CALLMESH_JAVA_OPTS -jar /opt/callmesh/callmesh-hub.jar \"$@\"", "callmesh-hub"]
