#!/usr/bin/env python3
"""Shared pieces of the requirement-request CLI suites (test_cli_requests.py, test_cli_audit.py):
the constants and requests every test starts from, the audit-hash helpers, and RequestCase
(CliTest plus running, issuing, negotiating, exporting and tampering helpers).

Not run by itself; see cli_support.py for the arguments every suite takes.
"""
import csv
import datetime
import glob
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess

from cli_support import *  # noqa: F401,F403 (helpers, CliTest, main)
import cli_support

BUYER = "buyer-tanaka"
SUPPLIER = "supplier-sato"
COMPLIANCE = "compliance"          # policy requests.overriders
EXPLANATION = "初期費用は当社と貴社で折半し、運用費用は取引価格への反映を協議します。"
NECESSITY = "当社の設計図面を貴社の環境で扱うため、第三者による技術的な検証が必要です。"
OVERRIDE_REASON = "法務部と協議のうえ例外として承認した。"
REASON_9 = "承認済みの例外措置"            # one character short of min_override_reason_chars (10)
REASON_10 = "承認済みの例外措置。"
ISSUE_RULES = ["cost-sharing-explained", "cost-negotiable", "level-justified", "no-designated-purchase",
               "due-date-minimum", "no-pressing-after-refusal", "no-forced-declaration", "no-service-condition",
               "already-meets"]
JST = datetime.timezone(datetime.timedelta(hours=9))

assert len(REASON_9) == 9 and len(REASON_10) == 10


def today_plus(days):
    return (datetime.date.fromisoformat(TODAY) + datetime.timedelta(days=days)).isoformat()


def fair_request(supplier="V0001", **kw):
    """A request every guardrail lets through (for a supplier whose chart says ★3)."""
    r = {"supplier": supplier, "level": 3, "due": "2027-03-31",
         "reason": "取引で当社の図面を共有するため",
         "necessity": "",
         "items": ["4-1-3", "4-4-4"],
         "cost_sharing": {"method": "折半", "explanation": EXPLANATION, "negotiable": True},
         "designated_service": None,
         "designated_service_mandatory": False}
    r.update(kw)
    return r


ESTIMATE = {"side": "supplier", "kind": "estimate", "initial_cost": 500000, "running_cost": 120000,
            "direct_cost": 400000, "indirect_cost": 100000, "basis": "MFA導入と運用の見積り",
            "items": ["4-1-3"], "message": "見積りをお送りします"}
PROPOSAL = {"side": "buyer", "kind": "proposal", "buyer_amount": 250000, "share_percent": 50, "method": "折半",
            "basis": "見積りの初期費用500,000円を折半（当社の取引シェアに応じた負担）",
            "items": ["4-1-3"], "contracts": ["基本契約第12条"], "price_revision_date": "2027-04-01",
            "message": "初期費用の半額を当社が負担します"}
ACCEPT = {"side": "buyer", "kind": "accept", "message": "お見積りの金額を受け入れます"}
TERMS = {"sharing": "折半", "buyer_share_percent": 50, "initial_cost": 500000, "running_cost": 120000,
         "buyer_amount": 250000, "buyer_running_amount": 60000,
         "price_revision": {"date": "2027-04-01", "description": "単価に反映する", "contracts": ["基本契約第12条"]},
         "notes": "特記事項なし", "measures": "★3の要求事項への対応"}


def find_psql():
    p = shutil.which("psql")
    if p:
        return p
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    if not found:
        raise AssertionError("psql not found on PATH nor in /usr/lib/postgresql/*/bin")
    return found[-1]


def field(v):
    """audit_hash.cpp: absent → "-", else "<byte length>:<bytes>"."""
    if v is None:
        return b"-"
    b = v.encode("utf-8")
    return str(len(b)).encode() + b":" + b


def event_hash(e):
    h = hashlib.sha256(b"hoshitori-audit-v1")
    for v in (str(e["seq"]), e["at"], e["actor"], e["via"], e["action"], e["subject"], e["vendor_code"],
              e["payload_sha256"], e["prev_hash"]):
        h.update(field(v))
    return h.hexdigest()


def utc_to_jst(at):
    return datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).astimezone(JST)


def sql_str(v):
    return "NULL" if v is None else "'" + v.replace("'", "''") + "'"


class RequestCase(CliTest):
    """CliTest plus request helpers. Every number, hash and exit code is checked where it is produced."""

    def setUp(self):
        super().setUp()
        self._files = 0

    # -- running -------------------------------------------------------------------------

    def run_at(self, today, *args, stdout=None):
        e = env()
        e["HOSHITORI_TODAY"] = today
        kw = dict(stdout=stdout, stderr=subprocess.PIPE) if stdout is not None else dict(capture_output=True)
        p = subprocess.run([cli_support.BIN, "--db", self.db] + list(args), env=e, timeout=60, **kw)
        p.out = (p.stdout or b"").decode("utf-8")
        p.err = p.stderr.decode("utf-8")
        return p

    def ok(self, p, code=0):
        self.assertEqual(p.returncode, code, "stdout: %s\nstderr: %s" % (p.out, p.err))
        return p

    def jfile(self, obj):
        self._files += 1
        return self.write("in-%03d.json" % self._files, json.dumps(obj, ensure_ascii=False))

    def start(self):
        """A database with the 24 sample suppliers (one audit event: the import)."""
        self.import_file(os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv"), expect=0)

    def issue(self, req, by=BUYER, expect=0, draft=False, today=TODAY):
        args = ["request", "issue", "--by", by, "--json", self.jfile(req)] + (["--draft"] if draft else [])
        p = self.ok(self.run_at(today, *args), expect)
        if expect == 0:
            p.number = p.out.strip()
            self.assertRegex(p.number, r"^\d{4}-\d{5}$")
        return p

    def step(self, number, step, by, expect=0):
        p = self.ok(self.run_cli("negotiate", number, "--by", by, "--json", self.jfile(step)), expect)
        if expect == 0:
            m = re.match(r"^step (\d+)  state (\w+)$", p.out.splitlines()[0])
            self.assertTrue(m, p.out)
            p.step_no, p.state = int(m.group(1)), m.group(2)
        return p

    def show(self, number):
        return json.loads(self.ok(self.run_cli("request", "show", number, "--json")).out)

    def requests(self, *opts):
        return json.loads(self.ok(self.run_cli("request", "list", "--json", *opts)).out)

    def export(self, fmt, *opts):
        path = os.path.join(self.tmp, "export-%d.%s" % (self._bump(), fmt))
        self.ok(self.run_cli("export", "audit", "--format", fmt, "--out", path, *opts))
        with open(path, "rb") as f:
            return f.read()

    def _bump(self):
        self._files += 1
        return self._files

    def events(self, *opts):
        """(events, trailer) from a JSONL export."""
        lines = self.export("jsonl", *opts).decode("utf-8").splitlines()
        self.assertTrue(lines, "a JSONL export always ends with the chain head")
        docs = [json.loads(l) for l in lines]
        return docs[:-1], docs[-1]

    def csv_rows(self, *opts):
        data = self.export("csv", *opts)
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"), "the CSV export starts with a UTF-8 BOM: %r" % data[:8])
        return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))

    def verify(self, *opts):
        return self.run_cli("verify", *opts)

    def assert_refused(self, p, *rules):
        self.assertEqual(p.returncode, 4, "expected a guardrail refusal\nstdout: %s\nstderr: %s" % (p.out, p.err))
        first = p.err.splitlines()[0] if p.err else ""
        self.assertTrue(first.startswith("hoshitori: refused by guardrail: "), p.err)
        self.assertEqual(first[len("hoshitori: refused by guardrail: "):].split(), list(rules), p.err)
        self.assertEqual(p.out.strip(), "", "a refused issue prints no number")

    def rule(self, guardrails, rule_id):
        found = [r for r in guardrails["rules"] if r["rule"] == rule_id]
        self.assertEqual(len(found), 1, guardrails)
        return found[0]

    def assert_overridden(self, number, rule_id, by=COMPLIANCE, reason=OVERRIDE_REASON):
        doc = self.show(number)
        self.assertEqual(doc["state"], "issued")
        g = doc["guardrails"]
        self.assertEqual(g["refused"], [])
        r = self.rule(g, rule_id)
        self.assertEqual(r["result"], "overridden", r)
        self.assertEqual(r["override_by"], by)
        self.assertEqual(r["override_reason"], reason)
        self.assertTrue(r.get("detail"), "an overridden rule keeps what it found")
        for other in g["rules"]:
            if other["rule"] != rule_id:
                self.assertEqual(other["result"], "pass", other)
        self.assertIn({"rule": rule_id, "reason": reason}, doc["request"]["overrides"])

    # -- the database behind the program's back -----------------------------------------------

    def db_exec(self, sql, check=True):
        if cli_support.BACKEND == "sqlite":
            tool = shutil.which("sqlite3")
            if tool:
                p = subprocess.run([tool, "-bail", self.db], input=sql.encode("utf-8"), capture_output=True,
                                   timeout=60)
            else:  # same statements through Python's own SQLite
                try:
                    con = sqlite3.connect(self.db)
                    con.executescript(sql)
                    con.close()
                    return 0, ""
                except sqlite3.DatabaseError as e:
                    if check:
                        raise
                    return 1, str(e)
        else:
            p = subprocess.run([find_psql(), self.db, "-v", "ON_ERROR_STOP=1", "-q"], input=sql.encode("utf-8"),
                               capture_output=True, timeout=60)
        err = p.stderr.decode("utf-8", "replace")
        if check:
            self.assertEqual(p.returncode, 0, "%s\n%s" % (sql, err))
        return p.returncode, err

    def drop_audit_triggers(self):
        if cli_support.BACKEND == "sqlite":
            self.db_exec("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;")
        else:
            self.db_exec("DROP TRIGGER audit_events_append_only ON audit_events;")

