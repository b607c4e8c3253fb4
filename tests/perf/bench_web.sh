#!/usr/bin/env bash
# `make bench`, the web part: wrk against `hoshitori serve`'s GET /api/v1/suppliers/{code}
# and against the 星取表 dashboard page (/erp/?page=N, 50 suppliers a page), each beside
# nginx serving a static file of the same size as one answer, in the same run, with the
# same wrk settings, all on 127.0.0.1.
#
#   tests/perf/bench_web.sh path/to/hoshitori
#
# Settings (environment): BENCH_WEB_ROWS (100000 suppliers), BENCH_WEB_CODES (1000
# distinct codes asked for), BENCH_WEB_THREADS (2), BENCH_WEB_CONNECTIONS (16),
# BENCH_WEB_DURATION (10s a run), BENCH_WEB_ROUNDS (3: nginx, API, nginx, API, … so that a
# change in the machine's other load falls on both; medians printed), BENCH_WEB_WARMUP (2s
# each, discarded), BENCH_WEB_DIR (a folder to work in and keep; default a fresh temporary
# one, removed at the end).
#
# Both servers are started by this script (each bound to 127.0.0.1 only, nginx with its
# own configuration and prefix in the work folder, as the current user, not as a daemon)
# and stopped by their PIDs on the way out, whatever the way out.
set -eu
BENCH_NAME=bench_web
. "$(dirname "$0")/bench_prologue.sh"
LUA=$HERE/bench_web.lua

ROWS=${BENCH_WEB_ROWS:-100000}
NCODES=${BENCH_WEB_CODES:-1000}
NPAGES=${BENCH_WEB_PAGES:-200}
THREADS=${BENCH_WEB_THREADS:-2}
CONNS=${BENCH_WEB_CONNECTIONS:-16}
DURATION=${BENCH_WEB_DURATION:-10s}
WARMUP=${BENCH_WEB_WARMUP:-2s}
ROUNDS=${BENCH_WEB_ROUNDS:-3}
[ "$NCODES" -le "$ROWS" ] || NCODES=$ROWS

missing=""
for tool in wrk nginx curl awk; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing="$missing $tool"
done
[ -z "$missing" ] || die "missing:$missing (Debian: apt-get install wrk nginx curl; \`make deps-bench\` does it)"
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)

if [ -n "${BENCH_WEB_DIR:-}" ]; then
  DIR=$BENCH_WEB_DIR
  KEEP=1
  mkdir -p "$DIR"
else
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/hoshitori-bench-web-XXXXXX")
  KEEP=0
fi
DIR=$(cd "$DIR" && pwd)
rm -f "$DIR"/*.runs "$DIR"/wrk-*.txt

SERVE_PID=""
NGINX_PID=""
stop_pid() {  # stop_pid PID NAME: SIGTERM, up to 10 s, then SIGKILL; prints a note if it had to
  local pid=$1 name=$2 n=0
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    echo "bench_web: $name (pid $pid) did not stop on SIGTERM in 10 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  { wait "$pid" || true; } 2>/dev/null
}
cleanup() {
  stop_pid "$SERVE_PID" "hoshitori serve"
  stop_pid "$NGINX_PID" nginx
  SERVE_PID=""
  NGINX_PID=""
  if [ "$KEEP" = 0 ]; then rm -rf "$DIR"; fi
}
trap cleanup EXIT
trap 'echo "bench_web: stopped by a failing command at line $LINENO (set -e)" >&2' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the data: ROWS suppliers (UTF-8 with BOM, CRLF, 15 columns, valid 法人番号 check
# digits, as tests/perf/bench.cpp and tests/integration/cli_support.py make them)
CSV=$DIR/suppliers.csv
DB=$DIR/bench.db
awk -v rows="$ROWS" '
function check_digit(base,   s, n) {
  s = 0
  for (n = 1; n <= 12; n++) s += substr(base, 13 - n, 1) * ((n % 2) ? 1 : 2)
  return 9 - s % 9
}
BEGIN {
  split("株式会社,有限会社,,合同会社", kinds, ",")
  split("青葉,髙橋,東邦,北斗,みどり,さくら,富士見,光和,南海,オリオン", words, ",")
  split("製作所,精密工業,電子,金型,物流,化成,システム,鋳造", trades, ",")
  split(",★,★★,一つ星,二つ星,2", sa, ",")
  split(",,★3,★4,3", scs, ",")
  split(",,,SOMPO SHERIFF,防検サイバー", ota, ",")
  printf "\357\273\277取引先コード,会社名,法人番号,メールアドレス,担当者,部署,SA,SA宣言日,お助け隊サービス,お助け隊契約期限,SCS,SCS有効期限,機密情報取扱い,事業停止影響,社内システム接続\r\n"
  for (i = 0; i < rows; i++) {
    base = sprintf("%012.0f", 700000000000 + i * 7919)   # cli_support.corporate_number(i)
    cn = check_digit(base) base
    h = (i * 2654435761) % 4294967296                      # a spread of the other columns
    name = kinds[h % 4 + 1] words[int(h / 4) % 10 + 1] trades[int(h / 40) % 8 + 1] i
    s = sa[int(h / 320) % 6 + 1]; l = scs[int(h / 1920) % 5 + 1]; o = ota[int(h / 9600) % 5 + 1]
    printf "V%06d,%s,%s,info%d@supplier.example,担当 %d,調達%d課,%s,%s,%s,%s,%s,%s,%s,いいえ,いいえ\r\n", \
      i, name, (i % 10 ? cn : ""), i, i % 97, i % 7, s, (s != "" ? "2026/4/1" : ""), o, \
      (o != "" ? "令和9年3月31日" : ""), l, (l != "" ? "2027-09-30" : ""), (h % 3 ? "いいえ" : "はい")
  }
}' > "$CSV"

rm -f "$DB" "$DB"-*
"$HOSHITORI" --db "$DB" init > "$DIR/init.log" 2>&1 || { cat "$DIR/init.log" >&2; die "hoshitori init failed"; }
"$HOSHITORI" --db "$DB" import suppliers "$CSV" > "$DIR/import.log" 2>&1 ||
  { tail -20 "$DIR/import.log" >&2; die "hoshitori import suppliers failed"; }
KEY=$("$HOSHITORI" --db "$DB" apikey create --name bench --role viewer 2>"$DIR/apikey.log" | grep '^hsk_' | tail -1) || true
[ -n "$KEY" ] || { cat "$DIR/apikey.log" >&2; die "hoshitori apikey create printed no key"; }

# NCODES codes spread over the whole master (stride coprime with ROWS when ROWS is 10^n)
CODES=$DIR/codes.txt
awk -v n="$NCODES" -v rows="$ROWS" 'BEGIN { for (k = 0; k < n; k++) printf "V%06d\n", (k * 7919) % rows }' > "$CODES"
FIRST=$(head -1 "$CODES")
API_PATHS=$DIR/api-paths.txt
sed 's#^#/api/v1/suppliers/#' "$CODES" > "$API_PATHS"
PAGE_PATHS=$DIR/page-paths.txt
awk -v n="$NPAGES" -v rows="$ROWS" 'BEGIN { last = int((rows + 49) / 50); if (n > last) n = last;
  for (k = 0; k < n; k++) printf "/erp/?page=%d\n", (k * 37) % last + 1 }' > "$PAGE_PATHS"

# --- hoshitori serve, on a free loopback port it picks itself
: > "$DIR/serve.out"   # exists before the background child gets to open it
"$HOSHITORI" --db "$DB" serve --listen 127.0.0.1:0 > "$DIR/serve.out" 2> "$DIR/serve.err" &
SERVE_PID=$!
API_PORT=""
for _ in $(seq 1 100); do
  API_PORT=$(sed -n '1s#^hoshitori: serving http://127\.0\.0\.1:\([0-9][0-9]*\)/.*#\1#p' "$DIR/serve.out")
  [ -n "$API_PORT" ] && break
  kill -0 "$SERVE_PID" 2>/dev/null || { cat "$DIR/serve.err" >&2; die "hoshitori serve exited before serving"; }
  sleep 0.1
done
[ -n "$API_PORT" ] || { cat "$DIR/serve.err" >&2; die "hoshitori serve printed no address in 10 s"; }
API=http://127.0.0.1:$API_PORT

# one answer, whose bytes become nginx's static file
mkdir -p "$DIR/www"
BODY=$DIR/www/supplier.json
status=$(curl -s -o "$BODY" -w '%{http_code}' -H "Authorization: Bearer $KEY" "$API/api/v1/suppliers/$FIRST") || true
[ "$status" = 200 ] || die "GET /api/v1/suppliers/$FIRST answered ${status:-nothing}, not 200"
SIZE=$(wc -c < "$BODY" | tr -d ' ')
PAGE=$DIR/www/dashboard.html
status=$(curl -s -o "$PAGE" -w '%{http_code}' -H "Authorization: Bearer $KEY" "$API/erp/?page=1") || true
[ "$status" = 200 ] || die "GET /erp/?page=1 answered ${status:-nothing}, not 200"
grep -q 'class="hs-board"' "$PAGE" || die "GET /erp/?page=1 is not the 星取表 page"
PAGE_SIZE=$(wc -c < "$PAGE" | tr -d ' ')
sizes=$(for c in $(head -20 "$CODES"); do
  curl -s -o /dev/null -w '%{size_download}\n' -H "Authorization: Bearer $KEY" "$API/api/v1/suppliers/$c"; done |
  sort -n | awk '{ a[NR] = $1 } END { printf "%d-%d B", a[1], a[NR] }')

# --- nginx: its own prefix and configuration in DIR; nginx cannot pick a port itself, so
# try random high ports until one binds
NG=$DIR/nginx
mkdir -p "$NG/tmp"
NG_PORT=""
for _ in $(seq 1 20); do
  port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
  {
    [ "$(id -u)" = 0 ] && echo "user $(id -un) $(id -gn);"   # workers stay the current user
    cat <<EOF
daemon off;
master_process on;
worker_processes auto;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $NG/tmp/body;
  proxy_temp_path $NG/tmp/proxy;
  fastcgi_temp_path $NG/tmp/fastcgi;
  uwsgi_temp_path $NG/tmp/uwsgi;
  scgi_temp_path $NG/tmp/scgi;
  default_type application/json;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 30s;
  keepalive_requests 1000;  # as hoshitori serve (Poco maxKeepAliveRequests)
  server {
    listen 127.0.0.1:$port;
    root $DIR/www;
    # every /api/v1/suppliers/{code} gets the one file, so both servers see the same URLs
    location /api/v1/suppliers/ { rewrite ^ /supplier.json break; }
    location /erp/ { default_type "text/html; charset=utf-8"; rewrite ^ /dashboard.html break; }
  }
}
EOF
  } > "$NG/nginx.conf"
  : > "$NG/error.log"
  "$NGINX" -p "$NG" -e "$NG/error.log" -c "$NG/nginx.conf" > "$NG/stdout" 2>&1 &
  NGINX_PID=$!
  for _ in $(seq 1 50); do
    kill -0 "$NGINX_PID" 2>/dev/null || break
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/suppliers/$FIRST")" = 200 ]; then
      NG_PORT=$port
      break
    fi
    sleep 0.1
  done
  [ -n "$NG_PORT" ] && break
  stop_pid "$NGINX_PID" nginx
  NGINX_PID=""
  grep -q 'in use' "$NG/error.log" "$NG/stdout" 2>/dev/null ||
    { cat "$NG/error.log" "$NG/stdout" >&2; die "nginx did not start (config $NG/nginx.conf)"; }
done
[ -n "$NG_PORT" ] || die "nginx found no free port in 20 tries"
NGX=http://127.0.0.1:$NG_PORT
cmp -s "$BODY" <(curl -s "$NGX/api/v1/suppliers/$FIRST") || die "nginx does not serve the file's bytes"

# --- wrk, the same settings for both
WRK_ARGS=(-t"$THREADS" -c"$CONNS" -H "Authorization: Bearer $KEY" -s "$LUA")
run_wrk() {  # run_wrk NAME URL DURATION PATHS -> DIR/wrk-NAME.txt
  wrk "${WRK_ARGS[@]}" -d"$3" --latency "$2" -- "$4" > "$DIR/wrk-$1.txt" 2>&1 ||
    { cat "$DIR/wrk-$1.txt" >&2; die "wrk against $1 failed"; }
  if grep -q -e 'Non-2xx' -e 'Socket errors' "$DIR/wrk-$1.txt"; then
    cat "$DIR/wrk-$1.txt" >&2
    die "wrk against $1 saw errors or non-2xx answers; the figures would mean nothing"
  fi
}
rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
p99ms() {  # wrk prints 99% as 850.00us, 1.23ms, 1.05s or 2.00m
  awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
         f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 0;
         printf "%.2f", v * f }' "$1"
}
median() {  # median COLUMN FILE
  sort -g -k"$1","$1" "$2" | awk -v c="$1" '{ a[NR] = $c } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# bench_pair NAME PATHS: nginx, hoshitori, nginx, hoshitori, … ROUNDS times; sets the
# medians NG_RPS NG_P99 HS_RPS HS_P99 and each round's ratio ROUND_RATIOS
bench_pair() {
  local name=$1 paths=$2 r side v p
  if [ "$WARMUP" != 0 ] && [ "$WARMUP" != 0s ]; then
    run_wrk "$name-nginx-warmup" "$NGX" "$WARMUP" "$paths"
    run_wrk "$name-hoshitori-warmup" "$API" "$WARMUP" "$paths"
  fi
  for r in $(seq 1 "$ROUNDS"); do
    run_wrk "$name-nginx-$r" "$NGX" "$DURATION" "$paths"
    run_wrk "$name-hoshitori-$r" "$API" "$DURATION" "$paths"
    for side in nginx hoshitori; do
      v=$(rps "$DIR/wrk-$name-$side-$r.txt"); p=$(p99ms "$DIR/wrk-$name-$side-$r.txt")
      if [ -z "$v" ] || [ -z "$p" ]; then die "could not read wrk's output ($DIR/wrk-$name-$side-$r.txt)"; fi
      echo "$r $v $p" >> "$DIR/$name-$side.runs"
    done
  done
  NG_RPS=$(median 2 "$DIR/$name-nginx.runs"); NG_P99=$(median 3 "$DIR/$name-nginx.runs")
  HS_RPS=$(median 2 "$DIR/$name-hoshitori.runs"); HS_P99=$(median 3 "$DIR/$name-hoshitori.runs")
  ROUND_RATIOS=$(paste -d' ' "$DIR/$name-hoshitori.runs" "$DIR/$name-nginx.runs" | awk '{ printf " %.2fx", $2 / $5 }')
}
report() {  # report TITLE NGINX_LABEL HOSHITORI_LABEL TARGET
  printf '%s, wrk -t%s -c%s -d%s --latency, %s rounds (medians)\n' "$1" "$THREADS" "$CONNS" "$DURATION" "$ROUNDS"
  printf '  %-36s %8.0f req/s   p99 %6.2f ms\n' "$2" "$NG_RPS" "$NG_P99"
  printf '  %-36s %8.0f req/s   p99 %6.2f ms\n' "$3" "$HS_RPS" "$HS_P99"
  awk -v a="$HS_RPS" -v n="$NG_RPS" -v r="$ROUND_RATIOS" -v t="$4" \
    'BEGIN { printf "  ratio %.2fx (target >= %sx)   rounds:%s\n", a / n, t, r }'
}

LOAD=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
# the dashboard's first render of a page (nothing kept yet): 20 pages the runs never ask for
COLD_MS=$(awk -v rows="$ROWS" 'BEGIN { last = int((rows + 49) / 50); for (k = 0; k < 20; k++) print (k * 37 + 19) % last + 1 }' |
  while read -r n; do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $KEY" "$API/erp/?page=$n&lang=en"
  done | sort -g | awk '{ a[NR] = $1 * 1000 } END { printf "%.1f ms median, %.1f ms slowest", a[int((NR + 1) / 2)], a[NR] }')
bench_pair api "$API_PATHS"
API_REPORT=$(report "web: GET /api/v1/suppliers/{code} ($ROWS suppliers)" "nginx static file ($SIZE B)" "hoshitori API" 0.5)
bench_pair dashboard "$PAGE_PATHS"
PAGE_REPORT=$(report "web: GET /erp/?page=N, the 星取表 dashboard (50 of $ROWS suppliers a page)" \
  "nginx static file ($PAGE_SIZE B)" "hoshitori dashboard" 0.25)

# hoshitori serve must stop cleanly on SIGTERM (exit 0)
kill -TERM "$SERVE_PID"
serve_rc=0
wait "$SERVE_PID" || serve_rc=$?
SERVE_PID=""
[ "$serve_rc" = 0 ] || echo "bench_web: hoshitori serve exited $serve_rc on SIGTERM (expected 0)" >&2

echo
echo "$API_REPORT"
echo "  (both get the same $NCODES URLs /api/v1/suppliers/V…, cycled; the API looks each supplier up"
echo "   ($sizes answers), nginx sends its one file for all of them, access_log off)"
echo "$PAGE_REPORT"
echo "  (both get the same $(wc -l < "$PAGE_PATHS" | tr -d ' ') URLs /erp/?page=N spread over the board, cycled; nginx sends one file;"
echo "   hoshitori renders each page once from its board index and status cache, keeps it until a supplier"
echo "   or the day changes, and wraps it in the layout for each request)"
echo "  first render of a page (nothing kept, 20 other pages, curl): $COLD_MS"
echo "  load average $LOAD at the start, on $(nproc 2>/dev/null || echo '?') cores shared by wrk and the server"
[ "$serve_rc" = 0 ] || exit 1
