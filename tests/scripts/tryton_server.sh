#!/bin/sh
# Starts or stops a throw-away Tryton server (Debian's tryton-server with the party and
# purchase modules) on a free loopback port, with its own SQLite database.
#   start STATE [PORT]  writes STATE/url (http://127.0.0.1:PORT/), STATE/database,
#                       STATE/password (the admin user's), STATE/pid
#   stop STATE          stops that server by its PID and removes its files
#   template            only makes the template below (no server is left running)
# The initialised database is kept as a template in $TRYTON_TEMPLATE_DIR (default
# /tmp/hoshitori-tryton-template) so later starts take a second, not half a minute.
set -eu
cmd=$1
state=${2:-}
name=hoshitori
template_dir=${TRYTON_TEMPLATE_DIR:-/tmp/hoshitori-tryton-template}
command -v trytond >/dev/null 2>&1 || {
  echo "trytond not found (apt-get install tryton-server tryton-modules-party tryton-modules-purchase)" >&2
  exit 1
}

case "$cmd" in
template)
  work=$(mktemp -d /tmp/hoshitori-tryton-init.XXXXXX)
  sh "$0" start "$work/state" > /dev/null
  sh "$0" stop "$work/state"
  rm -rf "$work"
  echo "Tryton template in ${TRYTON_TEMPLATE_DIR:-/tmp/hoshitori-tryton-template}"
  ;;
start)
  port=${3:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  rm -rf "$state"
  mkdir -p "$state/db"
  password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
  printf '%s\n' "$password" > "$state/password"
  cat > "$state/trytond.conf" <<CONF
[database]
uri = sqlite://
path = $state/db
[web]
listen = 127.0.0.1:$port
[session]
timeout = 3600
CONF
  version=$(dpkg-query -W -f='${Version}' tryton-server tryton-modules-purchase 2>/dev/null | tr -c 'A-Za-z0-9.\n' _)
  template="$template_dir/$name-$version.sqlite"
  if [ ! -f "$template" ]; then
    # the admin password is set again below: the template keeps none that matters
    touch "$state/db/$name.sqlite"
    TRYTONPASSFILE="$state/password" trytond-admin -c "$state/trytond.conf" -d "$name" --all \
      --email admin@example.invalid > "$state/admin.log" 2>&1 || { cat "$state/admin.log" >&2; exit 1; }
    trytond-admin -c "$state/trytond.conf" -d "$name" -u party purchase --activate-dependencies \
      >> "$state/admin.log" 2>&1 || { cat "$state/admin.log" >&2; exit 1; }
    mkdir -p "$template_dir"
    cp "$state/db/$name.sqlite" "$template.$$" && mv "$template.$$" "$template"
  else
    cp "$template" "$state/db/$name.sqlite"
    TRYTONPASSFILE="$state/password" trytond-admin -c "$state/trytond.conf" -d "$name" -p \
      > "$state/admin.log" 2>&1 || { cat "$state/admin.log" >&2; exit 1; }
  fi
  trytond -c "$state/trytond.conf" > "$state/server.log" 2>&1 &
  echo $! > "$state/pid"
  i=0
  until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then
      cat "$state/server.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$name" > "$state/database"
  echo "http://127.0.0.1:$port/" > "$state/url"
  echo "Tryton on 127.0.0.1:$port, database $name (pid $(cat "$state/pid"))"
  ;;
stop)
  [ -f "$state/pid" ] || exit 0
  pid=$(cat "$state/pid")
  kill -TERM "$pid" 2>/dev/null || true
  i=0
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  kill -KILL "$pid" 2>/dev/null || true
  rm -rf "$state"
  ;;
*)
  echo "usage: $0 start STATE_DIR [PORT] | stop STATE_DIR | template" >&2
  exit 2
  ;;
esac
