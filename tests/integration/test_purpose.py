#!/usr/bin/env python3
"""Purpose limitation (README "Purpose limitation"): the supplier's cost figures, cost basis
and self-check answers stay inside the request they belong to. The audit export leaves them
out unless a purpose is named (which is recorded, and the chain still verifies), webhooks
never carry them, and each staff read of a request's thread through the REST API or the ERP
panel is one audit event.

    /usr/bin/python3 test_purpose.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import csv
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from supplier_page_support import Browser, pdf_bytes  # noqa: E402
from test_screens import Page  # noqa: E402
from requests_support import (BUYER, ESTIMATE, NECESSITY, PROPOSAL, SUPPLIER, TERMS, RequestCase,  # noqa: E402
                              event_hash, fair_request, field, find_psql)

# every figure the thread below holds, as the export would spell it
FIGURES = ["500000", "120000", "400000", "100000", "250000", "60000"]
BASIS = ESTIMATE["basis"]
WITHHELD = {"withheld": "purpose"}
NOTE = "多要素認証を来期に導入予定"


class PurposeCase(RequestCase):
    def thread(self):
        """V0001: issued, estimated, proposed, an agreement drafted. Returns the number."""
        self.start()
        n = self.issue(fair_request("V0001")).number
        self.step(n, ESTIMATE, SUPPLIER)
        self.step(n, PROPOSAL, BUYER)
        self.step(n, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER)
        return n

    def stored_events(self):
        """The audit events as stored, read behind hoshitori's back (no export, no record)."""
        sql = ("SELECT seq, actor, via, action, subject, vendor_code, after_json FROM audit_events ORDER BY seq")
        if cli_support.BACKEND == "sqlite":
            con = sqlite3.connect(self.db)
            try:
                rows = con.execute(sql).fetchall()
            finally:
                con.close()
        else:
            out = subprocess.run([find_psql(), self.db, "-At", "-v", "ON_ERROR_STOP=1", "-c",
                                  "SELECT row_to_json(t) FROM (%s) t" % sql],
                                 check=True, capture_output=True, timeout=60).stdout.decode("utf-8")
            rows = [tuple(d[k] for k in ("seq", "actor", "via", "action", "subject", "vendor_code", "after_json"))
                    for d in (json.loads(l) for l in out.splitlines() if l.strip())]
        keys = ("seq", "actor", "via", "action", "subject", "vendor_code", "after")
        return [dict(zip(keys, r[:6] + (json.loads(r[6]) if r[6] else None,))) for r in rows]

    def webhook_data(self):
        sql = "SELECT type, data FROM webhook_events ORDER BY id"
        if cli_support.BACKEND == "sqlite":
            con = sqlite3.connect(self.db)
            try:
                return con.execute(sql).fetchall()
            finally:
                con.close()
        out = subprocess.run([find_psql(), self.db, "-At", "-v", "ON_ERROR_STOP=1", "-c",
                              "SELECT row_to_json(t) FROM (%s) t" % sql],
                             check=True, capture_output=True, timeout=60).stdout.decode("utf-8")
        return [(d["type"], d["data"]) for d in (json.loads(l) for l in out.splitlines() if l.strip())]

    def has_figure(self, text, figure):
        """The figure as a whole number (500000 is not in the buyer's capital 500000000)."""
        return re.search(r"(?<!\d)%s(?!\d)" % re.escape(figure), text) is not None

    def assert_no_figures(self, text, where):
        for f in FIGURES:
            self.assertFalse(self.has_figure(text, f), "%s carries %s" % (where, f))
        self.assertNotIn(BASIS, text, where)

    def assert_chain(self, events, trailer):
        """Each event's own hash and the links between them, from the file alone."""
        prev = "0" * 64
        for e in events:
            self.assertEqual(e["prev_hash"], prev, e["seq"])
            self.assertEqual(event_hash(e), e["hash"], e["seq"])
            prev = e["hash"]
        self.assertEqual(trailer["chain_head"]["hash"], prev)

    def payload_ok(self, e):
        return hashlib.sha256(field(e["before_json"]) + field(e["after_json"])).hexdigest() == e["payload_sha256"]


class Export(PurposeCase):
    def test_without_purpose_the_export_withholds_costs_and_still_verifies(self):
        number = self.thread()
        for fmt in ("jsonl", "csv"):
            path = os.path.join(self.tmp, "plain." + fmt)
            p = self.ok(self.run_cli("export", "audit", "--format", fmt, "--out", path))
            self.assertIn("withheld in", p.err)
            self.assertIn("--purpose", p.err)
            with open(path, encoding="utf-8-sig") as f:
                text = f.read()
            self.assert_no_figures(text, fmt + " export without a purpose")
            self.assertIn(number, text)
        events, trailer = self.events()
        self.assert_chain(events, trailer)
        est = [e for e in events if e["action"] == "negotiation.estimate"][0]
        self.assertEqual(est["withheld"], "purpose")
        body = json.loads(est["after_json"])["body"]
        for k in ("initial_cost", "running_cost", "direct_cost", "indirect_cost", "basis"):
            self.assertEqual(body[k], WITHHELD, k)
        self.assertEqual(body["message"], ESTIMATE["message"], "what is not a figure stays")
        self.assertFalse(self.payload_ok(est), "the stored payload hash is kept, not recomputed")
        terms = json.loads([e for e in events if e["action"] == "negotiation.agreement"][0]["after_json"])["body"]["terms"]
        self.assertEqual(terms["initial_cost"], WITHHELD)
        self.assertEqual(terms["sharing"], TERMS["sharing"])
        # events without figures are exported byte for byte: their payload hash checks
        plain = [e for e in events if e["withheld"] is None]
        self.assertTrue(plain)
        self.assertTrue(all(self.payload_ok(e) for e in plain if e["redacted_at"] is None))
        # nothing was named, so nothing was recorded; and the stored trail is whole
        self.assertNotIn("export.purpose", [e["action"] for e in self.stored_events()])
        self.assertEqual(self.stored_events()[-1]["action"], "negotiation.agreement")
        self.ok(self.verify())

    def test_purpose_audit_has_the_figures_and_is_recorded(self):
        self.thread()
        path = os.path.join(self.tmp, "for-audit.jsonl")
        p = self.ok(self.run_cli("export", "audit", "--format", "jsonl", "--out", path, "--purpose", "audit",
                                 "--by", "compliance-ito"))
        self.assertIn("purpose audit recorded", p.err)
        with open(path, encoding="utf-8") as f:
            docs = [json.loads(l) for l in f]
        events, trailer = docs[:-1], docs[-1]
        text = "\n".join(json.dumps(e, ensure_ascii=False) for e in events)
        for fig in FIGURES:
            self.assertTrue(self.has_figure(text, fig), fig)
        self.assertEqual({e["withheld"] for e in events}, {None})
        # the README's auditor check, whole: every payload matches its hash, the chain links
        self.assert_chain(events, trailer)
        self.assertTrue(all(self.payload_ok(e) for e in events))
        # the file holds its own purpose record, last before the head
        rec = events[-1]
        self.assertEqual((rec["action"], rec["actor"], rec["subject"]), ("export.purpose", "compliance-ito",
                                                                         "export:audit"))
        after = json.loads(rec["after_json"])
        self.assertEqual((after["export"], after["purpose"], after["format"], after["out"]),
                         ("audit", "audit", "jsonl", path))
        self.assertTrue(rec["via"].startswith("cli:"))
        # negotiation, as CSV, for one supplier: figures in, recorded with the supplier
        path = os.path.join(self.tmp, "v0001.csv")
        self.ok(self.run_cli("export", "audit", "--format", "csv", "--out", path, "--supplier", "V0001",
                             "--purpose", "negotiation", "--by", "buyer-tanaka"))
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        self.assertTrue(self.has_figure("".join(c for r in rows for c in r[9:11]), "500000"))
        self.assertEqual(rows[-2][5], "export.purpose")
        self.assertEqual(rows[-2][6], "利用目的を明示した記録の書き出し")
        stored = [e for e in self.stored_events() if e["action"] == "export.purpose"]
        self.assertEqual([(e["actor"], e["after"]["purpose"], e["vendor_code"]) for e in stored],
                         [("compliance-ito", "audit", None), ("buyer-tanaka", "negotiation", "V0001")])
        self.assertEqual(stored[1]["after"]["vendor_code"], "V0001")
        self.ok(self.verify())

    def test_a_bad_purpose_names_the_flag_and_writes_nothing(self):
        self.thread()
        before = self.stored_events()
        path = os.path.join(self.tmp, "never.jsonl")
        for bad in (["--purpose", "marketing"], ["--purpose="], ["--purpose", "Audit"]):
            p = self.ok(self.run_cli("export", "audit", "--format", "jsonl", "--out", path, *bad), 2)
            self.assertIn("--purpose must be negotiation or audit", p.err)
            self.assertFalse(os.path.exists(path), "%s wrote a file" % bad)
            self.assertEqual(p.out, "")
        self.assertEqual(self.stored_events(), before, "nothing recorded")
        self.ok(self.verify())


class CAbi(PurposeCase):
    def test_ops_record_reads_with_an_actor_and_refuse_a_bad_purpose(self):
        from test_api import query_json_texts
        number = self.thread()
        before = len(self.stored_events())
        out = os.path.join(self.tmp, "op.jsonl")
        answers = query_json_texts(self.db, [
            json.dumps({"op": "request_show", "number": number}),                       # the host's own use
            json.dumps({"op": "request_show", "number": number, "actor": "erp-user-1"}),  # shown to a user
            json.dumps({"op": "export_audit", "format": "jsonl", "out": out, "purpose": "sales"}),
            json.dumps({"op": "export_audit", "format": "jsonl", "out": out, "purpose": "audit"}),
            json.dumps({"op": "export_audit", "format": "jsonl", "out": out, "purpose": "negotiation",
                        "actor": "buyer-tanaka"}),
        ])
        self.assertEqual([rc for rc, _ in answers[:2]], [0, 0])
        self.assertEqual(answers[2][0], -2, answers[2])  # HOSHITORI_INVALID
        self.assertIn('"purpose" must be negotiation or audit, not "sales"', answers[2][1]["error"])
        self.assertEqual(answers[3][0], -2, answers[3])
        self.assertIn("actor", answers[3][1]["error"])
        self.assertEqual(answers[4][0], 0, answers[4])
        self.assertEqual((answers[4][1]["purpose"], answers[4][1]["withheld"]), ("negotiation", 0))
        new = self.stored_events()[before:]
        self.assertEqual([(e["action"], e["actor"]) for e in new],
                         [("supplier_info.read", "erp-user-1"), ("export.purpose", "buyer-tanaka")])
        self.assertEqual(new[0]["after"]["view"], "request_show")
        self.ok(self.verify())


class Webhooks(PurposeCase):
    def test_webhook_payloads_carry_no_amounts(self):
        cfg = self.write("connectors.yaml", "webhooks:\n  - name: host\n    url: http://127.0.0.1:9/hook\n"
                         "    secret_env: TEST_WEBHOOK_SECRET\n"
                         "    events: [request.answered, agreement.confirmed, supplier.standing_changed]\n")
        e = cli_support.env()
        e["TEST_WEBHOOK_SECRET"] = "s3cret-for-tests-only-0123456789"
        self.start()
        p = subprocess.run([cli_support.BIN, "--db", self.db, "webhook", "run", "--once", "--config", cfg],
                           capture_output=True, env=e, timeout=120)
        self.assertIn(p.returncode, (0, 1), p.stderr.decode())  # registers the endpoint; nothing to post yet
        number = self.issue(fair_request("V0001")).number
        self.step(number, ESTIMATE, SUPPLIER)          # issued → negotiating: request.answered
        self.step(number, PROPOSAL, BUYER)
        p = self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER)
        sha = p.out.split("sha256 ")[1].strip()
        self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha))
        self.ok(self.run_cli("agreement", number, "--by", "総務 鈴木", "--sha256", sha, *self.on_paper()))
        hooks = self.webhook_data()
        self.assertEqual(sorted({t for t, _ in hooks}), ["agreement.confirmed", "request.answered"])
        for t, data in hooks:
            self.assert_no_figures(data, "the %s webhook" % t)
            self.assertIn(number, data)


class Reads(PurposeCase):
    def setUp(self):
        super().setUp()
        self.number = self.thread()
        p = self.run_cli("apikey", "create", "--name", "erp", "--role", "viewer")
        self.assertEqual(p.returncode, 0, p.err)
        self.key = p.out.strip()
        self.server = Server(self.db)

    def tearDown(self):
        code, _, err = self.server.stop()
        self.assertEqual(code, 0, err)
        super().tearDown()

    def get(self, path, user="auditor-kato", expect=200):
        r = self.server.request("GET", path, key=self.key, user=user)
        self.assertEqual(r.status, expect, "%s → %r" % (path, r))
        return r

    def reads(self):
        return [e for e in self.stored_events() if e["action"] == "supplier_info.read"]

    def test_rest_get_of_the_thread_is_one_read(self):
        doc = self.get("/api/v1/requests/" + self.number).json()
        self.assertEqual(doc["steps"][0]["body"]["initial_cost"], 500000, "the request's own view shows them")
        reads = self.reads()
        self.assertEqual(len(reads), 1)
        r = reads[0]
        self.assertEqual((r["actor"], r["via"], r["subject"], r["vendor_code"]),
                         ("auditor-kato", "apikey:erp", self.number, "V0001"))
        self.assertEqual(r["after"]["view"], "request_show")
        self.assertEqual(r["after"]["requests"], [{"number": self.number, "read": ["cost_figures", "agreement"]}])
        # lists carry no figures and are no read; the agreement document is one
        self.get("/api/v1/requests?vendor_code=V0001")
        self.assertEqual(len(self.reads()), 1)
        self.get("/api/v1/requests/%s/agreement" % self.number)
        self.assertEqual([r["after"]["view"] for r in self.reads()], ["request_show", "agreement_document"])
        self.ok(self.verify())

    def test_erp_panel_view_is_one_read_for_all_its_requests(self):
        other = self.issue(fair_request("V0001", level=4, necessity=NECESSITY)).number
        self.step(other, dict(ESTIMATE, initial_cost=900000), SUPPLIER)
        r = self.get("/erp/suppliers/V0001", user="yamada-taro")
        self.assertIn("500,000", r.text)
        reads = self.reads()
        self.assertEqual(len(reads), 1, "one event per view, not per request or field")
        self.assertEqual((reads[0]["actor"], reads[0]["subject"], reads[0]["after"]["view"]),
                         ("yamada-taro", "V0001", "erp-panel"))
        self.assertEqual(sorted(x["number"] for x in reads[0]["after"]["requests"]), sorted([self.number, other]))
        self.assertIn("取引先の費用情報・自己点検・証跡の閲覧", self.get("/erp/suppliers/V0001").text)
        self.assertEqual(len(self.reads()), 2, "each view is a read")
        # a supplier without requests shows nothing protected: no event
        self.get("/erp/suppliers/V0002")
        self.assertEqual(len(self.reads()), 2)
        self.ok(self.verify())

    def supplier_sends_self_check_and_evidence(self):
        """Through the supplier's own page (its views are not staff reads)."""
        p = self.run_cli("request", "link", self.number)
        self.assertEqual(p.returncode, 0, p.err)
        path = p.out.strip()
        browser = Browser(self.server.base)

        def csrf():
            status, _, body = browser.open(path)
            self.assertEqual(status, 200, body[:300])
            return [a["value"] for t, a in Page(body).tags if t == "input" and a.get("name") == "csrf"][0]

        status, _, body = browser.open(path + "/self-check", {"sc:4-1-3": "planned", "sc_date:4-1-3": "2027-02-01",
                                                               "sc_note:4-1-3": NOTE, "csrf": csrf()})
        self.assertEqual(status, 303, body[:500])
        status, _, body = browser.upload(path + "/evidence", [("csrf", csrf()), ("topic", "scs"), ("name", "佐藤")],
                                         [("確認書.pdf", "application/pdf", pdf_bytes())])
        self.assertEqual(status, 303, body[:500])

    def test_self_check_and_evidence_are_read_inside_the_request_only(self):
        self.supplier_sends_self_check_and_evidence()
        self.assertEqual(self.reads(), [], "the supplier's own page is no staff read")
        # the export without a purpose leaves the answers out; with one they are there
        plain = self.get("/api/v1/audit/export?format=jsonl").text
        self.assertNotIn(NOTE, plain)
        self.assertNotIn("2027-02-01", plain)
        answered = [json.loads(l) for l in plain.splitlines() if '"self_check.answered"' in l][0]
        self.assertEqual(json.loads(answered["after_json"])["answers"][0],
                         {"item": "4-1-3", "answer": WITHHELD, "planned_on": WITHHELD, "note": WITHHELD})
        self.assertIn(NOTE, self.get("/api/v1/audit/export?format=jsonl&purpose=audit").text)
        # the REST listing of the evidence is a read; so is the panel that shows both
        files = self.get("/api/v1/suppliers/V0001/evidence").json()["files"]
        self.assertEqual(len(files), 1)
        self.get("/erp/suppliers/V0001")
        reads = self.reads()
        self.assertEqual([r["after"]["view"] for r in reads], ["evidence", "erp-panel"])
        self.assertEqual(reads[0]["after"]["requests"], [{"number": self.number, "read": ["evidence"]}])
        self.assertEqual(reads[1]["after"]["requests"],
                         [{"number": self.number, "read": ["evidence", "cost_figures", "self_check", "agreement"]}])
        self.ok(self.verify())

    def test_rest_export_names_its_purpose(self):
        plain = self.get("/api/v1/audit/export?format=jsonl").text
        self.assert_no_figures(plain, "REST export without a purpose")
        self.assertIn('"withheld":"purpose"', plain)
        bad = self.get("/api/v1/audit/export?format=jsonl&purpose=marketing", expect=400)
        self.assertIn("purpose", bad.text)
        self.assertNotIn("export.purpose", [e["action"] for e in self.stored_events()])
        full = self.get("/api/v1/audit/export?format=jsonl&purpose=audit&vendor_code=V0001").text
        self.assertTrue(self.has_figure(full, "500000"))
        rec = [e for e in self.stored_events() if e["action"] == "export.purpose"]
        self.assertEqual([(e["actor"], e["via"], e["after"]["purpose"], e["vendor_code"]) for e in rec],
                         [("auditor-kato", "apikey:erp", "audit", "V0001")])
        self.assertIn('"action":"export.purpose"', full, "the copy holds its own record")
        self.ok(self.verify())


if __name__ == "__main__":
    sys.exit(cli_support.main())
