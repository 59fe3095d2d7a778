#!/usr/bin/env bash
# Profiles callmesh under load with Java Flight Recorder: runs one scenario against callmesh only while
# JFR records the hub, the echo spoke and the calling client (the benchmark JVM), then prints the
# hottest methods of each.
#   bench/profile.sh [SCENARIO]     default throughput_100b; recordings in bench/results/{hub-ID,spoke,client}.jfr
#   (one per hub: cross_hub runs two, bench-a and bench-b)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
scenario="${1:-throughput_100b}"
out="$here/results"
mkdir -p "$out"
rm -f "$out"/hub-*.jfr "$out"/{spoke,client}.jfr
cd "$root"
[ -f bench/target/callmesh-bench.jar ] || { echo "build first: bench/run.sh --quick (or ./mvnw install -DskipTests && ./mvnw -f bench/pom.xml clean package)" >&2; exit 1; }
jfr() { echo "-XX:StartFlightRecording=settings=profile,filename=$out/$1.jfr"; }
java -Xmx2g "$(jfr client)" -Dbench.jvmArgs.hub="$(jfr 'hub-{hub}')" -Dbench.jvmArgs.spoke="$(jfr spoke)" \
  -jar bench/target/callmesh-bench.jar --root "$root" --out "$(mktemp -d)" --quick \
  --systems callmesh --scenarios "$scenario" | grep -E '^\| (scenario|'"$scenario"')'
for f in "$out"/hub-*.jfr "$out"/spoke.jfr "$out"/client.jfr; do
  [ -f "$f" ] || continue
  echo; echo "==== $(basename "$f" .jfr)"
  python3 "$here/jfr-top.py" "$f" "${JFR_THREAD:-}"
done
echo "recordings: $out/{hub-ID,spoke,client}.jfr (JDK Mission Control, or: jfr summary FILE)"
