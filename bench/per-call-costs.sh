#!/usr/bin/env bash
# What each per-call feature NATS does not have costs on its own (schema check, trace id, histogram), in ns of
# one thread; the audit line is measured as the hub's CPU per call with and without it (bench/README.md).
#   bench/per-call-costs.sh        (after bench/run.sh --quick, or ./mvnw install -DskipTests && ./mvnw -f bench/pom.xml clean package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
for jar in bench/target/callmesh-bench.jar hub/target/callmesh-hub.jar; do
  [ -f "$jar" ] || { echo "build first: $jar is missing (bench/run.sh --quick builds both)" >&2; exit 1; }
done
# The hub's jar carries its own logback.xml: keep logback's notice about the second one quiet.
exec java -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener \
  -cp bench/target/callmesh-bench.jar:hub/target/callmesh-hub.jar dev.callmesh.bench.PerCallCosts
