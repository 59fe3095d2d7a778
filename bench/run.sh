#!/usr/bin/env bash
# Runs the callmesh benchmark: callmesh vs NATS vs a plain TCP relay, every scenario, side by side.
#   bench/run.sh            full run (stable medians; 30 minutes or more on 2 cores)
#   bench/run.sh --quick    short run (about 6 minutes once built; every measurement still warms up until steady)
# Writes bench/results/latest.json and bench/results/latest.md and prints the table.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

# nats-server from Debian, when missing
if ! command -v nats-server >/dev/null 2>&1; then
  echo "installing nats-server (Debian package)"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nats-server
fi
command -v jcmd >/dev/null 2>&1 || { echo "jcmd (a JDK) is needed to read the hub's heap" >&2; exit 1; }

# 10,000 spokes mean 10,000 sockets on each side of the hub
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
ulimit -n 65536 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  echo "warning: ulimit -n is $(ulimit -n); spokes_10k needs about 12000 per process" >&2
fi

# Build what is stale: the project's jars (installed, since bench/pom.xml depends on them), then the bench jar.
stale() { # stale JAR DIR...: the jar is missing or older than a source or pom under the dirs
  local jar="$1"; shift
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$@" \( -name '*.java' -o -name 'pom.xml' -o -name '*.json' -o -name '*.xml' \) -newer "$jar" -print -quit 2>/dev/null)" ]
}
if stale hub/target/callmesh-hub.jar core-protocol operation-specs hub spoke cli pom.xml \
   || stale spoke/target/callmesh-spoke.jar core-protocol operation-specs spoke pom.xml \
   || stale client/target/callmesh-client-0.1.0-SNAPSHOT.jar core-protocol operation-specs client pom.xml; then
  echo "building the project jars (./mvnw install -DskipTests)"
  ./mvnw -q -B install -DskipTests
fi
if stale bench/target/callmesh-bench.jar bench/src bench/pom.xml hub/target/callmesh-hub.jar; then
  echo "building the bench jar"
  # clean: the shade plugin, over a jar it shaded before, keeps that jar's copies of the project's classes
  ./mvnw -q -B -f bench/pom.xml clean package
fi

exec java -Xmx2g -jar bench/target/callmesh-bench.jar --root "$root" --out "$here/results" "$@"
