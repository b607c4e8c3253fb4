#!/bin/sh
# make run's server: `hoshitori serve` on 127.0.0.1 with a local mail sink beside it, so
# that campaigns (/erp/campaigns, `hoshitori campaign send`) can be tried without a real
# mail server: every message lands as one file in ./mail-sink/new/ (open it in a mail
# program, or read it with Python's email package). Ctrl-C stops both.
# usage: serve-demo.sh HOSHITORI_BINARY DATABASE PORT SINK_PORT
set -eu
bin=$1 db=$2 port=$3 sink_port=$4
smtp=""
if /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  /usr/bin/python3 -c 'import mailbox; mailbox.Maildir("mail-sink", create=True)'
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$sink_port" -c aiosmtpd.handlers.Mailbox mail-sink &
  sink=$!
  trap 'kill "$sink" 2>/dev/null || true' EXIT INT TERM
  smtp="smtp://127.0.0.1:$sink_port"
  echo "Mail sink: smtp://127.0.0.1:$sink_port; messages land in ./mail-sink/new/"
  echo "  try: $bin --db $db campaign send ID --smtp $smtp"
fi
if [ -n "$smtp" ]; then
  "$bin" --db "$db" serve --listen "127.0.0.1:$port" --smtp "$smtp"
else
  "$bin" --db "$db" serve --listen "127.0.0.1:$port"
fi
