#!/usr/bin/env bash
# The soak: 100 spokes under a steady call rate; prints heap, pending and latency every 30 s.
#   bench/soak.sh [--minutes 10] [--rate 500] [--spokes 100]
# Writes bench/results/soak-latest.md. Not part of the test suite.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ -f hub/target/callmesh-hub.jar ] || ./mvnw -q -B install -DskipTests
./mvnw -q -B -f bench/pom.xml clean package -DskipTests
exec java -cp bench/target/callmesh-bench.jar dev.callmesh.bench.Soak --root . "$@"
