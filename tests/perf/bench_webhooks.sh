#!/usr/bin/env bash
# `make bench`, the webhook part: how fast `hoshitori webhook run` empties a queue of
# supplier.standing_changed events into a receiver on loopback, beside wrk POSTing bodies
# of the same size to the same receiver over one connection (the most a sequential
# poster could reach there). The receiver is nginx answering 204 to every POST.
#
#   tests/perf/bench_webhooks.sh path/to/hoshitori
#
# Settings (environment): BENCH_HOOK_EVENTS (5000), BENCH_HOOK_ROUNDS (3: wrk, hoshitori,
# wrk, hoshitori, …; medians printed), BENCH_HOOK_DURATION (5s a wrk run).
# nginx and the work folder are the script's own; nginx is stopped by its PID on the way out.
set -eu
BENCH_NAME=bench_webhooks
. "$(dirname "$0")/bench_prologue.sh"
EVENTS=${BENCH_HOOK_EVENTS:-5000}
ROUNDS=${BENCH_HOOK_ROUNDS:-3}
DURATION=${BENCH_HOOK_DURATION:-5s}
for tool in wrk sqlite3 curl awk; do command -v "$tool" >/dev/null 2>&1 || die "missing $tool (make deps-bench)"; done
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || die "missing nginx (make deps-bench)"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/hoshitori-bench-hooks-XXXXXX")
NGINX_PID=""
cleanup() {
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -TERM "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
  fi
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- nginx answering 204 to every POST, on a free loopback port
NG=$DIR/nginx
mkdir -p "$NG/tmp"
PORT=""
for _ in $(seq 1 20); do
  port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
  {
    [ "$(id -u)" = 0 ] && echo "user $(id -un) $(id -gn);"
    cat <<CONF
daemon off;
worker_processes 1;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $NG/tmp/body;
  proxy_temp_path $NG/tmp/proxy;
  fastcgi_temp_path $NG/tmp/fastcgi;
  uwsgi_temp_path $NG/tmp/uwsgi;
  scgi_temp_path $NG/tmp/scgi;
  keepalive_requests 100000;
  server { listen 127.0.0.1:$port; location / { return 204; } }
}
CONF
  } > "$NG/nginx.conf"
  "$NGINX" -p "$NG" -e "$NG/error.log" -c "$NG/nginx.conf" > "$NG/stdout" 2>&1 &
  NGINX_PID=$!
  for _ in $(seq 1 50); do
    kill -0 "$NGINX_PID" 2>/dev/null || break
    if [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/h")" = 204 ]; then PORT=$port; break; fi
    sleep 0.1
  done
  [ -n "$PORT" ] && break
  NGINX_PID=""
done
[ -n "$PORT" ] || die "nginx did not start: $(cat "$NG/error.log" "$NG/stdout" 2>/dev/null)"

# --- a queue of EVENTS events: one status change for each of EVENTS suppliers
DB=$DIR/bench.db
export BENCH_SECRET=not-a-real-secret
cat > "$DIR/connectors.yaml" <<YAML
webhooks:
  - name: bench
    url: http://127.0.0.1:$PORT/hoshitori/events
    secret_env: BENCH_SECRET
    timeout_seconds: 10
YAML
"$HOSHITORI" --db "$DB" init > /dev/null
"$HOSHITORI" --db "$DB" webhook run --once --config "$DIR/connectors.yaml" > /dev/null  # registers it
awk -v n="$EVENTS" 'BEGIN {
  print "取引先コード,会社名,SA,SA宣言日,SCS,SCS有効期限,機密情報取扱い,事業停止影響,社内システム接続"
  for (i = 1; i <= n; i++) printf "B%06d,株式会社ベンチ%d,★★,2025-04-01,★3,2027-09-30,いいえ,いいえ,いいえ\n", i, i
}' > "$DIR/suppliers.csv"
"$HOSHITORI" --db "$DB" import suppliers "$DIR/suppliers.csv" > /dev/null
queued=$(sqlite3 "$DB" "SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'")
[ "$queued" = "$EVENTS" ] || die "expected $EVENTS queued events, found $queued"
# the body as posted: the event document around its data (~ the same bytes for wrk)
size=$(sqlite3 "$DB" "SELECT CAST(AVG(LENGTH(CAST(data AS BLOB))) + 150 AS INTEGER) FROM webhook_events")
cat > "$DIR/post.lua" <<LUA
wrk.method = "POST"
wrk.body = string.rep("x", $size)
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.headers["Hoshitori-Signature"] = "t=1764633600,v1=" .. string.rep("0", 64)
LUA

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
: > "$DIR/wrk.runs"
: > "$DIR/hooks.runs"
for r in $(seq 1 "$ROUNDS"); do
  wrk -t1 -c1 -d"$DURATION" -s "$DIR/post.lua" "http://127.0.0.1:$PORT/hoshitori/events" > "$DIR/wrk-$r.txt"
  awk '/^Requests\/sec:/ { print $2 }' "$DIR/wrk-$r.txt" >> "$DIR/wrk.runs"
  sqlite3 "$DB" "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, delivered_at = NULL"
  start=$(date +%s.%N)
  out=$("$HOSHITORI" --db "$DB" webhook run --once --config "$DIR/connectors.yaml")
  end=$(date +%s.%N)
  case $out in "delivered $EVENTS, failed attempts 0") ;; *) die "round $r: $out" ;; esac
  awk -v n="$EVENTS" -v s="$start" -v e="$end" 'BEGIN { printf "%.1f\n", n / (e - s) }' >> "$DIR/hooks.runs"
done
W=$(median < "$DIR/wrk.runs")
H=$(median < "$DIR/hooks.runs")
printf 'webhooks: %d events of ~%d B to nginx (204) on loopback, one connection, signed, one commit per event\n' \
  "$EVENTS" "$size"
printf '  hoshitori webhook run   %10.1f events/s (median of %d: %s)\n' "$H" "$ROUNDS" "$(paste -sd' ' "$DIR/hooks.runs")"
printf '  wrk -c1 POST same size  %10.1f req/s    (median of %d: %s)\n' "$W" "$ROUNDS" "$(paste -sd' ' "$DIR/wrk.runs")"
awk -v h="$H" -v w="$W" 'BEGIN { printf "  ratio                   %10.2fx of wrk\n", h / w }'
