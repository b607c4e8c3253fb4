#!/bin/sh
# make run's sample request: issues one fair requirement request to V0014 (三栄電機工業(株),
# no SCS ★ yet) unless that supplier already has one open, and prints a fresh token link to
# its supplier page. The due date is 120 days from today (the fair-request rules want at
# least 90).
# usage: sample-request.sh HOSHITORI_BINARY DATABASE BASE_URL
set -eu
bin=$1 db=$2 base=$3
code=V0014
open=$("$bin" --db "$db" request list --supplier "$code" |
       awk -F '\t' '$4 == "issued" || $4 == "acknowledged" || $4 == "negotiating" { print $1; exit }')
if [ -z "$open" ]; then
  file=$(mktemp)
  trap 'rm -f "$file"' EXIT
  cat > "$file" <<JSON
{"supplier": "$code", "level": 3, "due": "$(date -d '+120 days' +%F)",
 "reason": "取引先の皆さまと一緒にサプライチェーン全体の対策を進めるためのお願いです。",
 "items": ["1-2-1", "1-2-3", "1-3-1"],
 "cost_sharing": {"method": "折半",
                  "explanation": "★3の取得にかかる初期費用は当社が半額を負担します。運用費用はお見積りを伺ったうえで協議して決めます。",
                  "negotiable": true}}
JSON
  open=$("$bin" --db "$db" request issue --by sample-buyer --json "$file")
fi
echo "Request $open to $code; the supplier's page (a new token link, valid 180 days):"
"$bin" --db "$db" request link "$open" --base "$base"
