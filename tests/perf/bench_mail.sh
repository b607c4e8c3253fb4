#!/usr/bin/env bash
# `make bench`, the mail part: 10,000 campaign messages through hoshitori's outbox to
# postfix's smtp-sink on 127.0.0.1, against postfix's smtp-source sending the same number
# of messages of the same size to the same sink in the same run (one connection each,
# kept open between messages). Prints both rates, the ratio, and how many messages the
# campaign step renders into the outbox per second.
#
#   tests/perf/bench_mail.sh path/to/hoshitori
#
# Settings (environment): BENCH_MAIL_MESSAGES (10000), BENCH_MAIL_DIR (a folder to work
# in and keep; default a fresh temporary one, removed at the end). The sink is started
# here, bound to 127.0.0.1, and stopped by its PID on the way out.
set -eu
BENCH_NAME=bench_mail
. "$(dirname "$0")/bench_prologue.sh"
SINK=/usr/sbin/smtp-sink SOURCE=/usr/sbin/smtp-source
[ -x $SINK ] && [ -x $SOURCE ] || die "postfix's smtp-sink and smtp-source are needed (make deps-bench)"
N=${BENCH_MAIL_MESSAGES:-10000}

if [ -n "${BENCH_MAIL_DIR:-}" ]; then WORK=$BENCH_MAIL_DIR; mkdir -p "$WORK"; KEEP=1; else WORK=$(mktemp -d); KEEP=0; fi
SINK_PID=""
# Every command here must succeed or be excused: under set -e a failing one ends the
# EXIT trap with its status (the sink's own 143 from `wait` once killed ended `make bench`).
cleanup() {
  if [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; then wait "$SINK_PID" 2>/dev/null || true; fi
  [ $KEEP = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SINK_USER=$(id -un)
$SINK -u "$SINK_USER" 127.0.0.1:$PORT 256 &
SINK_PID=$!
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

now() { date +%s.%N; }
DB=$WORK/bench.db
rm -f "$DB"
sed -e 's/per_minute: [0-9]*/per_minute: 0/' "$HOSHITORI_SCHEMAS/policy.yaml" > "$WORK/policy.yaml"
H() { "$HOSHITORI" --db "$DB" --policy "$WORK/policy.yaml" --user bench "$@"; }
python3 - "$N" > "$WORK/suppliers.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("\ufeff取引先コード,会社名,メールアドレス,担当者,部署")
for i in range(1, n + 1):
    print("B%06d,株式会社ベンチ%06d,it@b%06d.example,担当 %d郎,総務部" % (i, i, i, i))
PY
H init >/dev/null
H import suppliers "$WORK/suppliers.csv" >/dev/null
cat > "$WORK/campaign.json" <<'JSON'
{"kind": "briefing", "template": "briefing", "suppliers": "all",
 "event": {"title": "取引先向けセキュリティ説明会", "start": "2027-01-20T14:00:00+09:00",
           "end": "2027-01-20T15:30:00+09:00", "location": "本社3F会議室 / オンライン", "capacity": 40}}
JSON
ID=$(H campaign create --json "$WORK/campaign.json")
H campaign preview "$ID" --eml "$WORK/one.eml" >/dev/null 2>&1
SIZE=$(stat -c %s "$WORK/one.eml")

T0=$(now)
H campaign send "$ID" --queue-only 2>/dev/null >/dev/null
T1=$(now)
H outbox run --once --smtp "smtp://127.0.0.1:$PORT" 2>"$WORK/send.log"
T2=$(now)
SENT=$(H outbox status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sent"])')
[ "$SENT" = "$N" ] || die "sent $SENT of $N: $(cat "$WORK/send.log")"

T3=$(now)
$SOURCE -d -s 1 -m "$N" -l "$SIZE" -f bench@hoshitori.example -t sink@hoshitori.example 127.0.0.1:$PORT
T4=$(now)

awk -v n="$N" -v size="$SIZE" -v q0="$T0" -v q1="$T1" -v s1="$T2" -v r0="$T3" -v r1="$T4" 'BEGIN {
  render = n / (q1 - q0); ours = n / (s1 - q1); ref = n / (r1 - r0);
  printf "mail: %d messages of %d bytes (briefing with .ics) to smtp-sink on 127.0.0.1, one connection each\n", n, size
  printf "  campaign step (render into the outbox, one transaction): %8.0f messages/s (%.2f s)\n", render, q1 - q0
  printf "  hoshitori outbox run --once (claim, send, mark + audit): %8.0f messages/s (%.2f s)\n", ours, s1 - q1
  printf "  postfix smtp-source -d -s 1 (same count and size):       %8.0f messages/s (%.2f s)\n", ref, r1 - r0
  printf "  ratio hoshitori / smtp-source: %.2fx (target >= 0.5x)\n", ours / ref
}'
