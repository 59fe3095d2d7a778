#!/usr/bin/env bash
# Makes a Docker-compatible container engine for the container tests (it/.../ContainerSpokeIT) on a
# Debian 12 machine where no Docker engine and no container registry can be reached:
#
#   1. installs podman (rootful, runtime runc) and debootstrap with apt, if missing;
#   2. builds a base image localhost/debian:bookworm-min with debootstrap from apt's own Debian mirror;
#   3. builds localhost/callmesh/jre:17 FROM it: a small Java runtime made by jlink from this machine's
#      JDK (a stand-in for eclipse-temurin:17-jre, which deploy/*.Dockerfile use by default);
#   4. starts a fresh `podman system service` on unix:///run/callmesh-podman/podman.sock.
#
# Every step is skipped when its result is already there, so a second run takes about a second.
#
# It leaves the machine's own podman alone: its engine settings (runtime runc, ulimits) go to a private
# /run/callmesh-podman/containers.conf that only its own podman commands and service read (through
# CONTAINERS_CONF), never /etc/containers/containers.conf; its service listens on a socket of its own
# and is tracked by a pid file, so a second run stops the service it started earlier and no other.
# Images go to root's usual podman storage.
# It exports nothing: it writes .ci/podman.env (KEY=VALUE lines) for the caller to source:
#
#   bash .ci/podman-setup.sh && set -a && . .ci/podman.env && set +a
#
# When something cannot be done here (not root, no apt, no mirror, ...) it says why, leaves an
# env file without DOCKER_HOST and exits 0: the container tests are then skipped, not failed.
set -uo pipefail
cd "$(dirname "$0")/.."

ENV_FILE=.ci/podman.env
RUN_DIR=/run/callmesh-podman
SOCK=$RUN_DIR/podman.sock
PID_FILE=$RUN_DIR/service.pid
CONF=$RUN_DIR/containers.conf
BASE_IMAGE=localhost/debian:bookworm-min
JRE_IMAGE=localhost/callmesh/jre:17
SYSTEM_CONF=/etc/containers/containers.conf
MARK="# written by callmesh .ci/podman-setup.sh"

say() { echo "podman-setup: $*"; }

give_up() {
  say "cannot make a container engine here: $*"
  say "the container tests (ContainerSpokeIT) will be SKIPPED"
  printf '# %s\n# no container engine: %s\n' "written by .ci/podman-setup.sh" "$*" > "$ENV_FILE"
  exit 0
}

# --- 1. packages -------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || give_up "it needs root (rootful podman, debootstrap)"
command -v apt-get >/dev/null 2>&1 || give_up "no apt-get: this script knows Debian only"

pkgs=()
for p in podman runc uidmap slirp4netns fuse-overlayfs debootstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || pkgs+=("$p")
done
if [ ${#pkgs[@]} -gt 0 ]; then
  say "installing ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/tmp/podman-setup-apt.log 2>&1; then
    apt-get update -qq >>/tmp/podman-setup-apt.log 2>&1
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >>/tmp/podman-setup-apt.log 2>&1 \
      || give_up "apt-get install ${pkgs[*]} failed (see /tmp/podman-setup-apt.log)"
  fi
else
  say "podman, runc and debootstrap are installed"
fi

# --- 2. engine configuration -------------------------------------------------------------------------
# runc, not crun: crun fails on kernels with hybrid cgroups. Generous ulimits for the JVM and netty.
# Every podman command below, and the service, read this file only (CONTAINERS_CONF).
mkdir -p "$RUN_DIR" && chmod 700 "$RUN_DIR"
cat > "$CONF" <<EOF
$MARK
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF=$CONF

# Earlier versions of this script wrote the system's file (and kept the one before as *.before-callmesh):
# put it back as it was.
if head -n1 "$SYSTEM_CONF" 2>/dev/null | grep -qxF "$MARK"; then
  if [ -f "$SYSTEM_CONF.before-callmesh" ]; then
    mv -f "$SYSTEM_CONF.before-callmesh" "$SYSTEM_CONF"
    say "restored $SYSTEM_CONF from $SYSTEM_CONF.before-callmesh (an earlier version of this script replaced it)"
  else
    rm -f "$SYSTEM_CONF"
    say "removed $SYSTEM_CONF, written by an earlier version of this script (settings are in $CONF now)"
  fi
fi
podman info >/tmp/podman-setup-info.log 2>&1 || give_up "podman info fails (see /tmp/podman-setup-info.log)"

# --- 3. base image from debootstrap ------------------------------------------------------------------
mirror() {
  local m
  m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v -- '-security' | grep -i debian | head -n1)
  [ -n "$m" ] || m=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    | awk '$3 ~ /^bookworm$/ {print $2}' | head -n1)
  echo "${m:-http://deb.debian.org/debian}"
}

if podman image exists "$BASE_IMAGE"; then
  say "base image $BASE_IMAGE is cached"
else
  m=$(mirror)
  dir=$(mktemp -d /tmp/callmesh-rootfs.XXXXXX)
  say "debootstrap --variant=minbase bookworm from $m (about 40 s)"
  if ! debootstrap --variant=minbase bookworm "$dir" "$m" >/tmp/podman-setup-debootstrap.log 2>&1; then
    rm -rf "$dir"
    give_up "debootstrap failed (see /tmp/podman-setup-debootstrap.log)"
  fi
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -c . | podman import -q - "$BASE_IMAGE" >/dev/null || { rm -rf "$dir"; give_up "podman import failed"; }
  rm -rf "$dir"
  say "imported $BASE_IMAGE"
fi

# --- 4. a Java runtime image (stand-in for eclipse-temurin:17-jre) ----------------------------------
if podman image exists "$JRE_IMAGE"; then
  say "Java image $JRE_IMAGE is cached"
else
  java_bin=$(readlink -f "$(command -v java 2>/dev/null)" 2>/dev/null) || true
  [ -n "${java_bin:-}" ] && [ -x "$java_bin" ] || give_up "no java on PATH to put into $JRE_IMAGE"
  java_home=$(dirname "$(dirname "$java_bin")")
  ctx=$(mktemp -d /tmp/callmesh-jre.XXXXXX)
  if [ -x "$java_home/bin/jlink" ] && [ -d "$java_home/jmods" ]; then
    say "jlink a runtime from $java_home"
    "$java_home/bin/jlink" --output "$ctx/jre" --strip-debug --no-man-pages --no-header-files --compress=2 \
      --add-modules java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.unsupported,jdk.zipfs,jdk.naming.dns,jdk.localedata \
      || { rm -rf "$ctx"; give_up "jlink failed"; }
  else
    say "copy the runtime of $java_home (no jmods for jlink)"
    cp -rL "$java_home" "$ctx/jre" 2>/dev/null || true
    rm -rf "$ctx/jre/lib/src.zip" "$ctx/jre/jmods" "$ctx/jre/man" "$ctx/jre/include" "$ctx/jre/demo"
    [ -x "$ctx/jre/bin/java" ] || { rm -rf "$ctx"; give_up "could not copy $java_home"; }
  fi
  cat > "$ctx/Dockerfile" <<EOF
FROM $BASE_IMAGE
COPY jre /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
RUN java -version
EOF
  if ! podman build --format docker -t "$JRE_IMAGE" "$ctx" >/tmp/podman-setup-build.log 2>&1; then
    rm -rf "$ctx"
    give_up "podman build of $JRE_IMAGE failed (see /tmp/podman-setup-build.log)"
  fi
  rm -rf "$ctx"
  say "built $JRE_IMAGE"
fi

# --- 5. the Docker API socket ------------------------------------------------------------------------
# A service left running by an earlier run can answer "version" yet fail to start containers
# ("write child: broken pipe"): always start a fresh one. Only the one this script started (its pid
# file, checked against the process's command line) is stopped; anyone else's podman keeps running.
stop_ours() {
  [ -f "$PID_FILE" ] || return 0
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null)
  rm -f "$PID_FILE"
  case "$pid" in '' | *[!0-9]*) return 0 ;; esac
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "system service --time=0 unix://$SOCK" || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  say "stopped the podman system service this script started earlier (pid $pid)"
}
stop_ours
{
  rm -f "$SOCK"
  say "starting podman system service on unix://$SOCK (log /tmp/podman-service.log)"
  # Started in the background by a non-interactive shell, setsid runs it without forking: $! is its pid.
  setsid nohup podman system service --time=0 "unix://$SOCK" </dev/null >/tmp/podman-service.log 2>&1 &
  echo $! > "$PID_FILE"
  for _ in $(seq 1 50); do
    podman --url "unix://$SOCK" version >/dev/null 2>&1 && break
    sleep 0.2
  done
  podman --url "unix://$SOCK" version >/dev/null 2>&1 || give_up "podman system service did not answer on $SOCK"
  say "podman system service runs as pid $(cat "$PID_FILE") ($PID_FILE); stop it with: kill \$(cat $PID_FILE)"
}

cat > "$ENV_FILE" <<EOF
# written by .ci/podman-setup.sh: a Docker API for Testcontainers, served by podman
DOCKER_HOST=unix://$SOCK
TESTCONTAINERS_RYUK_DISABLED=true
TESTCONTAINERS_CHECKS_DISABLE=true
CALLMESH_IT_JRE_IMAGE=$JRE_IMAGE
EOF
say "ready; wrote $ENV_FILE:"
sed 's/^/    /' "$ENV_FILE"
