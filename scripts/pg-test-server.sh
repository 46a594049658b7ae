#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the test suite.
#   scripts/pg-test-server.sh start   -> installs PostgreSQL if absent, starts it, prints the URL
#   scripts/pg-test-server.sh stop    -> stops it and removes its data
set -euo pipefail
PORT="${UNDERSIGHT_PG_PORT:-55432}"
DATA="${UNDERSIGHT_PG_DATA:-/tmp/undersight-pg-test}"
LOG="$DATA.log"

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  echo "$d"
}

as_pg() {
  # initdb and postgres refuse to run as root: use the postgres account when root
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    BIN=$(bindir)
    if [ -z "$BIN" ]; then
      echo "installing PostgreSQL (Debian package)..." >&2
      if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
      $SUDO apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
      BIN=$(bindir)
    fi
    if as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      echo "postgresql://postgres@127.0.0.1:$PORT/postgres"
      exit 0
    fi
    rm -rf "$DATA"
    mkdir -p "$DATA"
    if [ "$(id -u)" = "0" ]; then chown postgres "$DATA"; touch "$LOG"; chown postgres "$LOG"; fi
    as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --locale=C.UTF-8 -E UTF8 >/dev/null
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k /tmp -c fsync=off -c max_connections=50" start >/dev/null
    echo "postgresql://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    BIN=$(bindir)
    if [ -n "$BIN" ] && [ -d "$DATA" ]; then
      as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DATA" "$LOG"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
