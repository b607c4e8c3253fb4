#!/bin/sh
# The REST API with curl: read a standing, list who is below the bar, report a new
# status, export the 星取表 audit trail. Needs HOSHITORI_KEY (a buyer key from
# `hoshitori apikey create --name erp --role buyer`) and the server's URL.
#
#   HOSHITORI_KEY=hsk_… sh rest_api.sh http://127.0.0.1:8470
set -eu
url=${1:-http://127.0.0.1:8470}
auth="Authorization: Bearer $HOSHITORI_KEY"

# one supplier (a vendor code or a 法人番号)
curl -fsS -H "$auth" "$url/api/v1/suppliers/V0001"
echo
# suppliers below the policy, 50 a page
curl -fsS -H "$auth" "$url/api/v1/suppliers?standing=below&limit=50&offset=0"
echo
# a status the supplier reported by phone; X-Hoshitori-User is who did it (the audit's actor)
curl -fsS -H "$auth" -H "X-Hoshitori-User: yamada" -H "Content-Type: application/json" -X PATCH \
     --data '{"scs":{"level":3,"valid_until":"2027-09-30"}}' "$url/api/v1/suppliers/V0008"
echo
# every change to that supplier, as JSON Lines
curl -fsS -H "$auth" "$url/api/v1/audit/export?format=jsonl&vendor_code=V0008"
