#!/usr/bin/env bash
# Python endpoints through the callmesh hub vs through nats-server (bench/python/pybench.py; see bench/README.md).
#   bench/python.sh            full run: 5 repetitions, back to back and 5 ms apart (about 15 minutes)
#   bench/python.sh --quick    2 repetitions, shorter phases (about 3 minutes)
# Writes bench/results/python-latest.json and .md and prints the table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if ! command -v nats-server >/dev/null 2>&1; then
  echo "installing nats-server (Debian package)"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nats-server
fi
if [ ! -f hub/target/callmesh-hub.jar ] \
   || [ -n "$(find core-protocol hub operation-specs -name '*.java' -newer hub/target/callmesh-hub.jar -print -quit)" ]; then
  echo "building the hub jar (./mvnw package -DskipTests)"
  ./mvnw -q -B package -DskipTests -pl hub -am
fi
exec python3 bench/python/pybench.py "$@"
