#!/usr/bin/env python3
"""The auditor's recomputation shown in README.md, run as written against a real export.

    python3 test_readme_audit.py HOSHITORI_BINARY README_MD SAMPLE_CSV WORKDIR

Builds a small trail (an import, a refused and an issued request, a step), exports it
as JSON Lines, runs the README's snippet on it (it must accept it), then flips one byte
of one event in a copy and runs the snippet again (it must reject it).
"""
import json
import os
import re
import shutil
import subprocess
import sys

BIN, README, CSV, WORK = sys.argv[1:5]
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
os.chdir(WORK)
env = dict(os.environ, HOSHITORI_TODAY="2026-11-20")


def hoshitori(*args, ok=(0,)):
    r = subprocess.run([BIN, "--db", "readme.db", *args], env=env, capture_output=True, text=True)
    assert r.returncode in ok, (args, r.returncode, r.stderr)
    return r.stdout


hoshitori("import", "suppliers", CSV)
with open("unfair.json", "w", encoding="utf-8") as f:
    json.dump({"supplier": "V0001", "level": 3, "due": "2026-12-01"}, f, ensure_ascii=False)
hoshitori("request", "issue", "--by", "監査 花子", "--json", "unfair.json", ok=(4,))
with open("fair.json", "w", encoding="utf-8") as f:
    json.dump({"supplier": "V0001", "level": 3, "due": "2027-03-31", "items": ["4-1-3"],
               "cost_sharing": {"method": "折半", "explanation": "初期費用と運用費用の半額を当社が負担します。",
                                "negotiable": True}}, f, ensure_ascii=False)
number = hoshitori("request", "issue", "--by", "調達 太郎", "--json", "fair.json").strip()
with open("step.json", "w", encoding="utf-8") as f:
    json.dump({"side": "supplier", "kind": "estimate", "initial_cost": 500000}, f)
hoshitori("negotiate", number, "--by", "佐藤 一郎", "--json", "step.json")
hoshitori("export", "audit", "--format", "jsonl", "--out", "audit.jsonl")

snippet = re.search(r"An auditor can recompute.*?```python\n(.*?)```", open(README, encoding="utf-8").read(), re.S)
assert snippet, "README.md no longer shows the auditor's snippet"
code = snippet.group(1)

scope = {}
exec(code, scope)  # reads ./audit.jsonl; asserts on any mismatch
lines = open("audit.jsonl", encoding="utf-8").read().splitlines()
assert scope["prev"] == json.loads(lines[-1])["chain_head"]["hash"]
assert len(lines) >= 7, lines  # import, refused, drafted, issued, estimate, negotiating + head

# tampered copy: the snippet must fail
events = [json.loads(l) for l in lines]
events[3]["actor"] = "someone else"
with open("audit.jsonl", "w", encoding="utf-8") as f:
    for e in events:
        f.write(json.dumps(e, ensure_ascii=False) + "\n")
try:
    exec(code, {})
except AssertionError:
    print("README snippet: accepts the real export, rejects an edited one")
    sys.exit(0)
print("FAIL: the README snippet accepted an edited export")
sys.exit(1)
