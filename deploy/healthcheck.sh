#!/bin/sh
# callmesh-healthcheck MODE [PID]: a container health check that opens no connection of its own.
#
#   listening  (hub)    healthy while process PID holds a listening TCP socket: its --listen port
#   connected  (spoke)  healthy while process PID holds an established TCP connection: its session
#                       to the hub (or to the SSH server of an ssh:// hub URL)
#
# PID defaults to 1: the JVM is the container's first process. It reads only /proc, so it needs no
# tool beyond sh, ls, sed and awk, and it does not make the hub log a handshake that never finishes.
set -u
mode=${1:-connected}
pid=${2:-1}
case "$mode" in
  listening) state=0A ;;
  connected) state=01 ;;
  *) echo "usage: callmesh-healthcheck listening|connected [PID]" >&2; exit 2 ;;
esac

inodes=$(ls -l "/proc/$pid/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p' | tr '\n' ' ')
if [ -z "$inodes" ]; then
  echo "unhealthy: process $pid has no sockets (is it running?)"
  exit 1
fi
for table in /proc/net/tcp /proc/net/tcp6; do
  [ -r "$table" ] || continue
  if awk -v want="$state" -v ids=" $inodes " \
      'NR > 1 && $4 == want && index(ids, " " $10 " ") { found = 1 } END { exit !found }' "$table"; then
    echo "healthy: process $pid is $mode"
    exit 0
  fi
done
echo "unhealthy: process $pid is not $mode"
exit 1
