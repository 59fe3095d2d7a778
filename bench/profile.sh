#!/usr/bin/env bash
# Profiles the hub under load with Java Flight Recorder: runs one scenario against callmesh only, with
# JFR recording the hub, and prints the hottest methods.
#   bench/profile.sh [SCENARIO]     default throughput_100b; the recording is bench/results/hub.jfr
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
scenario="${1:-throughput_100b}"
jfr="$here/results/hub.jfr"
mkdir -p "$here/results"
rm -f "$jfr"
cd "$root"
[ -f bench/target/callmesh-bench.jar ] || { echo "build first: bench/run.sh --quick (or ./mvnw install -DskipTests && ./mvnw -f bench/pom.xml package)" >&2; exit 1; }
java -Xmx2g -Dbench.hubJvmArgs="-XX:StartFlightRecording=settings=profile,filename=$jfr" \
  -jar bench/target/callmesh-bench.jar --root "$root" --out "$(mktemp -d)" --quick \
  --systems callmesh --scenarios "$scenario"
python3 "$here/jfr-top.py" "$jfr"
echo "recording: $jfr (open in JDK Mission Control, or: jfr summary $jfr)"
