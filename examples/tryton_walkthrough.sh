#!/bin/sh
# From nothing to a standing change flowing both ways: suppliers from Tryton into
# Hoshitori, their standing back onto the Tryton party (a category) and out to a webhook
# receiver. Run from the repository after `make build`:
#
#   sh examples/tryton_walkthrough.sh build/hoshitori
#
# It starts its own Tryton (tests/scripts/tryton_server.sh) and receiver on loopback and
# stops both at the end. With a Tryton of your own, skip step 1 and put its URL, database
# and user in connectors.yaml.
set -eu
bin=$(realpath "${1:-build/hoshitori}")
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d /tmp/hoshitori-walkthrough.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export HOSHITORI_WEBHOOK_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
receiver=
cleanup() {
  [ -n "$receiver" ] && kill "$receiver" 2>/dev/null
  sh "$here/../tests/scripts/tryton_server.sh" stop "$work/tryton"
  rm -rf "$work"
}
trap cleanup EXIT

echo "== 1. a Tryton server with the party and purchase modules"
sh "$here/../tests/scripts/tryton_server.sh" start "$work/tryton"
tryton=$(cat "$work/tryton/url")

echo "== 2. a supplier in Tryton, made through Tryton's own JSON-RPC"
rpc() {  # METHOD PARAMS-JSON → result
  python3 - "$tryton" "$work/tryton/password" "$1" "$2" <<'PY'
import base64, json, sys, urllib.request
url, pwfile, method, params = sys.argv[1] + "hoshitori/", sys.argv[2], sys.argv[3], sys.argv[4]
def call(m, p, auth=None):
    r = urllib.request.Request(url, json.dumps({"id": 1, "method": m, "params": p}).encode(),
                               {"Content-Type": "application/json"})
    if auth:
        r.add_header("Authorization", "Session " + auth)
    return json.loads(urllib.request.urlopen(r).read())["result"]
uid, session = call("common.db.login", ["admin", {"password": open(pwfile).read().strip()}, "en"])
print(json.dumps(call(method, json.loads(params), base64.b64encode(b"admin:%d:%s" % (uid, session.encode())).decode()),
                 ensure_ascii=False))
PY
}
category=$(rpc model.party.category.create '[[{"name": "仕入先"}], {}]' | tr -d '[]')
party=$(rpc model.party.party.create '[[{"name": "株式会社青葉製作所", "categories": [["add", ['"$category"']]],
  "identifiers": [["create", [{"type": "jp_cn", "code": "1798643261622"}]]],
  "contact_mechanisms": [["create", [{"type": "email", "value": "soumu@aoba-ss.example"}]]]}], {}]' | tr -d '[]')
code=$(rpc model.party.party.read '[['"$party"'], ["code"], {}]' | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["code"])')
echo "party $party, code $code"

echo "== 3. connectors.yaml: the Tryton connector and a webhook"
cat > "$work/connectors.yaml" <<YAML
connectors:
  - name: tryton
    kind: tryton
    url: $tryton
    database: hoshitori
    user: admin
    password_file: $work/tryton/password
    suppliers: {category: 仕入先}
    every_minutes: 60
webhooks:
  - name: host
    url: http://127.0.0.1:$port/hoshitori
    secret_env: HOSHITORI_WEBHOOK_SECRET
    retry_base_seconds: 5
YAML

echo "== 4. the host's webhook receiver"
python3 "$here/webhook_receiver.py" "$port" > "$work/received.txt" &
receiver=$!

db="$work/hoshitori.db"
hoshi() { "$bin" --db "$db" "$@"; }
hoshi init
echo "== 5. sync: the supplier comes in, its standing goes back"
hoshi sync --config "$work/connectors.yaml"
hoshi status "$code"

echo "== 6. the supplier reports SCS ★3 (a CSV from the buyer's staff here; the REST API or the supplier's page do the same)"
printf '取引先コード,会社名,SCS,SCS有効期限,機密情報取扱い,事業停止影響,社内システム接続\n%s,株式会社青葉製作所,★3,2027-09-30,いいえ,いいえ,いいえ\n' "$code" > "$work/scs.csv"
hoshi import suppliers "$work/scs.csv"

echo "== 7. sync again: the new standing is on the Tryton party"
hoshi sync --config "$work/connectors.yaml"
rpc model.party.party.read '[['"$party"'], ["categories"], {}]' |
  python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0]["categories"]))' > "$work/cats.json"
echo "Tryton party $party categories: $(rpc model.party.category.read "[$(cat "$work/cats.json"), [\"rec_name\"], {}]")"

echo "== 8. the webhook: delivered, signed, checked by the receiver"
hoshi webhook run --once --config "$work/connectors.yaml"
sleep 0.5
echo "received: $(cat "$work/received.txt")"
hoshi webhook status
