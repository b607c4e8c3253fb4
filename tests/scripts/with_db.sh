#!/bin/sh
# with_db.sh BACKEND PG_URL_FILE WORKDIR COMMAND ARGS…
# Runs COMMAND with every @DB@ in its arguments replaced by a fresh database:
# a SQLite file under WORKDIR, or a new database on the test PostgreSQL server.
set -eu
backend=$1; urlfile=$2; work=$3; shift 3
mkdir -p "$work"
name="t$$_$(date +%s%N)"
case "$backend" in
sqlite) db="$work/$name.sqlite"; rm -f "$db" ;;
postgresql)
  [ -s "$urlfile" ] || { echo "no PostgreSQL URL in $urlfile: the pg fixture did not start" >&2; exit 1; }
  url=$(cat "$urlfile")
  psql "$url" -qAtc "CREATE DATABASE $name" >/dev/null
  db="${url%/*}/$name" ;;
*) echo "backend must be sqlite or postgresql" >&2; exit 2 ;;
esac
n=$#
i=0
while [ $i -lt $n ]; do
  a=$1; shift
  [ "$a" = "@DB@" ] && a=$db
  set -- "$@" "$a"
  i=$((i + 1))
done
exec "$@"
