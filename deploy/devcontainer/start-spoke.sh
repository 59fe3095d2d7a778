#!/usr/bin/env bash
# Starts the callmesh spoke in the background of a dev container (devcontainer.json postStartCommand),
# unless it already runs. Configuration is the spoke's own environment: CALLMESH_HUB, CALLMESH_NAME,
# CALLMESH_KEY, CALLMESH_ROOT (default: the current directory), CALLMESH_SERVICES,
# CALLMESH_KEY_PASSPHRASE. It runs the spoke's launcher, callmesh-spoke, from beside the jar:
#   CALLMESH_SPOKE_JAR   the jar (default /opt/callmesh/callmesh-spoke.jar); the launcher is next to it
#   CALLMESH_JAVA_OPTS   more JVM flags, after the launcher's small-footprint defaults
# The launcher keeps a class-data archive in ~/.cache/callmesh, made on the first start (a few seconds
# longer, once). Without a launcher beside the jar (an older copy) the jar runs with plain java.
# The spoke strips every CALLMESH_* variable from the commands it runs.
# Log: $XDG_STATE_HOME/callmesh/spoke.log (~/.local/state/callmesh/spoke.log). Stop: kill "$(cat .../spoke.pid)".
set -euo pipefail

jar=${CALLMESH_SPOKE_JAR:-/opt/callmesh/callmesh-spoke.jar}
launcher=$(dirname "$jar")/callmesh-spoke
state=${XDG_STATE_HOME:-$HOME/.local/state}/callmesh
pidfile=$state/spoke.pid
log=$state/spoke.log
export CALLMESH_ROOT=${CALLMESH_ROOT:-$PWD}

if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "callmesh spoke already runs (pid $(cat "$pidfile")); log: $log"
  exit 0
fi
command -v java >/dev/null 2>&1 || { echo "start-spoke: no java here; add a Java 17+ (devcontainer feature java)" >&2; exit 1; }
[ -f "$jar" ] || { echo "start-spoke: no spoke jar at $jar (set CALLMESH_SPOKE_JAR)" >&2; exit 1; }
: "${CALLMESH_NAME:?start-spoke: set CALLMESH_NAME, the spoke name to register as}"
: "${CALLMESH_KEY:?start-spoke: set CALLMESH_KEY, the spoke private key file}"

mkdir -p "$state"
if [ -f "$launcher" ]; then
  cmd=(sh "$launcher")
else
  # shellcheck disable=SC2206
  cmd=(java ${CALLMESH_JAVA_OPTS:-} -jar "$jar")
fi
# setsid: the spoke outlives the postStartCommand's shell.
CALLMESH_SPOKE_JAR=$jar setsid nohup "${cmd[@]}" </dev/null >"$log" 2>&1 &
pid=$!
echo "$pid" > "$pidfile"
echo "callmesh spoke $CALLMESH_NAME starting (pid $pid) for ${CALLMESH_HUB:-tcp://127.0.0.1:7400}, root $CALLMESH_ROOT"

for _ in $(seq 1 150); do
  if grep -q ' connected to ' "$log"; then
    grep ' connected to ' "$log" | tail -n 1
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start-spoke: the spoke stopped:" >&2
    tail -n 20 "$log" >&2
    rm -f "$pidfile"
    exit 1
  fi
  sleep 0.2
done
# An unreachable hub is retried with backoff: not a reason to fail the container's start.
echo "callmesh spoke still connecting after 30 s (it keeps retrying); log: $log"
