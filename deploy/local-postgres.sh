#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for development and CI.
#   deploy/local-postgres.sh start DIR [PORT]   initialise DIR if needed, start, print the DSN
# The DSN carries the cluster's random password (DIR/password): treat it as a secret.
#   deploy/local-postgres.sh stop DIR           stop the cluster (fast shutdown)
#   deploy/local-postgres.sh crash DIR          stop it the hard way (immediate: no checkpoint, recovery on next start)
#   deploy/local-postgres.sh dsn DIR            print the DSN of a running cluster
# As root, the cluster runs as the `postgres` user (initdb refuses root).
set -euo pipefail

die() { echo "error: $*" >&2; exit 1; }

ensure_binaries() {
  if ! command -v initdb >/dev/null 2>&1; then
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    if [ -z "$bin" ]; then
      [ "$(id -u)" = 0 ] || die "PostgreSQL server binaries (initdb) not found; install the 'postgresql' package"
      echo "installing PostgreSQL (apt-get install postgresql)…" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
      bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
    fi
    export PATH="$bin:$PATH"
  fi
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo 55432
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: $0 start|stop|crash|dsn DIR [PORT]"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"

case "$cmd" in
  start)
    ensure_binaries
    # A cluster keeps its port across restarts (clients keep their DSN).
    if [ -n "${3:-}" ]; then port=$3; elif [ -f "$dir/port" ]; then port=$(cat "$dir/port"); else port=$(free_port); fi
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --home "$dir" postgres
      chown postgres "$dir"
      # runuser keeps the caller's working directory; make sure postgres can reach the cluster's parents.
      p="$dir"; while [ "$p" != "/" ]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      # Local socket: trust. TCP: a random password of this cluster's own, kept in DIR/password (0600).
      ( umask 077; head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/password" )
      [ "$(id -u)" = 0 ] && chown postgres "$dir/password"
      (cd / && as_owner initdb -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
          --pwfile="$dir/password" -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1) \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    fi
    if (cd / && as_owner pg_ctl -D "$data" status >/dev/null 2>&1); then
      port=$(cat "$dir/port")
    else
      echo "$port" > "$dir/port"
      (cd / && as_owner pg_ctl -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" start >/dev/null) \
        || { tail -n 20 "$data/server.log" >&2; die "PostgreSQL did not start"; }
    fi
    echo "postgresql://postgres:$(cat "$dir/password")@127.0.0.1:$port/postgres"
    ;;
  stop)
    ensure_binaries
    if [ -f "$data/PG_VERSION" ]; then
      (cd / && as_owner pg_ctl -D "$data" -m fast -w stop >/dev/null 2>&1) || true
    fi
    ;;
  crash)
    ensure_binaries
    [ -f "$data/PG_VERSION" ] || die "no cluster in $dir"
    (cd / && as_owner pg_ctl -D "$data" -m immediate -w stop >/dev/null 2>&1) || true
    ;;
  dsn)
    [ -f "$dir/port" ] || die "no cluster in $dir"
    echo "postgresql://postgres:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/postgres"
    ;;
  *) die "unknown command '$cmd' (start, stop, crash, dsn)" ;;
esac
