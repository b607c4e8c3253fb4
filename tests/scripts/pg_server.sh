#!/bin/sh
# Starts or stops a throw-away PostgreSQL server for the tests, on a free
# loopback port. `start STATE` writes STATE/url (a postgresql:// URL) and
# STATE/datadir; `stop STATE` stops that server by its PID and removes its data.
# initdb refuses root, so as root the server runs as Debian's `postgres` user.
set -eu
cmd=$1
state=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

case "$cmd" in
start)
  rm -rf "$state"
  mkdir -p "$state"
  dir=$(mktemp -d /tmp/hoshitori-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  echo "$dir" > "$state/datadir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "'$bin/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" > "$state/initdb.log" 2>&1 \
    || { cat "$state/initdb.log" >&2; exit 1; }
  as_pg "'$bin/pg_ctl' -D '$dir/data' -w -t 60 -l '$dir/server.log' -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start" \
    > "$state/pg_ctl.log" 2>&1 || { cat "$state/pg_ctl.log" "$dir/server.log" >&2; exit 1; }
  echo "postgresql://postgres@127.0.0.1:$port/postgres" > "$state/url"
  echo "PostgreSQL on 127.0.0.1:$port (pid $(head -n 1 "$dir/data/postmaster.pid"))"
  ;;
stop)
  [ -f "$state/datadir" ] || exit 0
  dir=$(cat "$state/datadir")
  if [ -f "$dir/data/postmaster.pid" ]; then
    pid=$(head -n 1 "$dir/data/postmaster.pid")
    kill -QUIT "$pid" 2>/dev/null || true   # immediate shutdown, by PID
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir" "$state/url" "$state/datadir"
  ;;
*)
  echo "usage: $0 start|stop STATE_DIR" >&2
  exit 2
  ;;
esac
