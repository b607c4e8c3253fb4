#!/usr/bin/env python3
"""Both parties keep the agreement (issue 15 item 5) on a real `hoshitori serve`: the printable
A4 copy for the supplier (/s/<token>/agreement.html) and staff (/erp/requests/<n>/agreement.html)
states only what the record holds (who confirmed, when, how); the supplier's link keeps opening
the agreed agreement — read-only — for its retention period after the link's own validity;
the scan of a paper-signed copy is stored and staff download it; the optional one-time code
mailed to the supplier's registered address (through the outbox, to a real SMTP sink) before
the supplier's confirmation is taken.

usage: /usr/bin/python3 test_agreement_copy.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import base64
import datetime
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import psql  # noqa: E402
from requests_support import TERMS  # noqa: E402
from smtp_support import Sink, recipient  # noqa: E402
from supplier_page_support import Browser, pdf_bytes  # noqa: E402
from test_screens import Page  # noqa: E402
from test_supplier_form import FormCase  # noqa: E402


class CopyCase(FormCase):
    def draft(self, terms=None):
        return self.api("POST", "/api/v1/requests/%s/steps" % self.number,
                        {"step": {"side": "buyer", "kind": "agreement", "terms": terms or TERMS}})["agreement_sha256"]

    def buyer_confirms(self, sha):
        self.api("POST", "/api/v1/requests/%s/agreement/confirmations" % self.number, {"side": "buyer", "sha256": sha})

    def query(self, sql):
        if cli_support.BACKEND == "sqlite":
            import sqlite3
            with sqlite3.connect(self.db) as c:
                return [tuple(None if v is None else str(v) for v in row) for row in c.execute(sql)]
        p = subprocess.run(["psql", self.db, "-v", "ON_ERROR_STOP=1", "-AtF", "\t", "-c", sql], check=True,
                           capture_output=True, timeout=60)
        return [tuple(line.split("\t")) for line in p.stdout.decode().splitlines() if line]

    def execute(self, sql):
        if cli_support.BACKEND == "sqlite":
            import sqlite3
            with sqlite3.connect(self.db) as c:
                c.execute(sql)
        else:
            psql(self.db, sql)

    def restart(self, today=None, pre=()):
        """The server again, on another calendar day (HOSHITORI_TODAY) when given."""
        code, _, err = self.server.stop()
        self.assertEqual(code, 0, err)
        saved = cli_support.TODAY
        try:
            if today:
                cli_support.TODAY = today
            self.server = Server(self.db, pre=list(pre))
        finally:
            cli_support.TODAY = saved
        self.browser = Browser(self.server.base)

    def audit_actions(self):
        """The audit events (not the chain head that ends the export), each with its "after" read."""
        out = []
        for line in self.run_cli("export", "audit", "--format", "jsonl", "--out", "-").out.splitlines():
            e = json.loads(line)
            if "action" in e:
                after = e.get("after_json")
                e["after"] = json.loads(after) if isinstance(after, str) else after
                out.append(e)
        return out


class Printable(CopyCase):
    def assert_print_page(self, headers, body, sha):
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        self.assertIn("@page { size: A4;", body)
        self.assertIn("Noto Serif CJK JP", body)
        self.assertEqual(headers["X-Hoshitori-Agreement-SHA256"], sha)
        # its one inline style is allowed by its hash, nothing else is
        style = re.search(r"<style>(.*?)</style>", body, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
        csp = headers["Content-Security-Policy"]
        self.assertIn("style-src 'sha256-%s'" % digest, csp)
        self.assertIn("default-src 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("<script", body)
        # the stored document, escaped, whole
        document = self.api("GET", "/api/v1/requests/%s/agreement" % self.number)["document"]
        self.assertEqual(hashlib.sha256(document.encode("utf-8")).hexdigest(), sha)
        self.assertIn(html.escape(document, quote=False), body)

    def test_the_supplier_and_staff_print_what_the_record_holds(self):
        terms = dict(TERMS, notes="特記事項は<b>なし</b> & 以上")
        sha = self.draft(terms)
        # before both confirmed, the copy says so and claims no agreement
        status, headers, body = self.browser.open(self.path + "/agreement.html")
        self.assertEqual(status, 200, body[:300])
        text = Page(body).all_text()
        self.assertIn("まだ双方の確認が済んでいません", text)
        self.assertNotIn("合意が成立しています", text)
        self.assertIn("発注者：未確認", text.replace(" ", ""))
        self.post("confirm", {"sha256": sha, "read": "yes", "name": "佐藤"})
        self.buyer_confirms(sha)

        status, headers, body = self.browser.open(self.path + "/agreement.html")
        self.assertEqual(status, 200, body[:300])
        self.assert_print_page(headers, body, sha)
        self.assertIn("特記事項は&lt;b&gt;なし&lt;/b&gt; &amp; 以上", body)
        self.assertNotIn("<b>なし</b>", body)
        text = Page(body).all_text()
        self.assertIn("合意書（第1版）", text)
        self.assertIn(sha, text)
        self.assertIn("合意が成立しています", text)
        self.assertIn("佐藤", text)
        self.assertIn("専用リンクの確認画面", text)
        self.assertIn("REST API", text)  # the buyer confirmed through the API, and the copy says so
        self.assertIn("buyer-tanaka", text)
        # confirmed online: no seal is claimed anywhere, and no box to put one in
        self.assertIn("記名押印はありません", text)
        self.assertNotIn("記名押印したとする書面", text)
        self.assertNotIn("印）", text)
        self.assertNotIn("supplier-form", text)  # words, never the internal method code
        # the page links the copy
        page, p, _, _ = self.page()
        self.assertIn(self.path + "/agreement.html?version=1", [a.get("href") for t, a in p.tags if t == "a"])
        # bad versions are named
        status, _, body = self.browser.open(self.path + "/agreement.html?version=x")
        self.assertEqual(status, 400)
        self.assertIn("version", body)
        self.assertEqual(self.browser.open(self.path + "/agreement.html?version=7")[0], 404)

        # the staff equivalent on the ERP screen: the same copy, and linked from the panel; the
        # figures it shows make it a staff read, recorded (purpose limitation)
        reads = "SELECT COUNT(*) FROM audit_events WHERE action = 'supplier_info.read' AND subject = '%s'" % self.number
        before = int(self.query(reads)[0][0])
        r = self.server.request("GET", "/erp/requests/%s/agreement.html" % self.number, key=self.key)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(int(self.query(reads)[0][0]), before + 1)
        self.assert_print_page(r.headers, r.text, sha)
        self.assertIn("佐藤", Page(r.text).all_text())
        panel = self.server.request("GET", "/erp/suppliers/V0001", key=self.key)
        self.assertIn("/erp/requests/%s/agreement.html?version=1" % self.number, panel.text)
        self.assertNotIn("agreement-scan", panel.text)  # no paper copy was recorded
        r = self.server.request("GET", "/erp/requests/%s/agreement.html?version=x" % self.number, key=self.key)
        self.assertEqual(r.status, 400)
        self.assertIn("version", r.text)
        self.assertEqual(self.server.request("GET", "/erp/requests/2026-99999/agreement.html", key=self.key).status,
                         404)

    def test_chromium_prints_it_on_a4(self):
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            self.skipTest("no chromium")
        sha = self.draft()
        self.post("confirm", {"sha256": sha, "read": "yes", "name": "佐藤"})
        self.buyer_confirms(sha)
        out = tempfile.mkdtemp(prefix="hs-print-")
        try:
            pdf = os.path.join(out, "agreement.pdf")
            subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                            "--user-data-dir=" + os.path.join(out, "profile"), "--print-to-pdf=" + pdf,
                            self.server.base + self.path + "/agreement.html"],
                           capture_output=True, timeout=120)
            with open(pdf, "rb") as f:
                data = f.read()
        finally:
            shutil.rmtree(out, ignore_errors=True)
        self.assertTrue(data.startswith(b"%PDF-"))
        boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
        self.assertTrue(boxes, "no page in the PDF")
        for w, h in boxes:  # A4: 210 × 297 mm = 595.28 × 841.89 pt
            self.assertAlmostEqual(float(w), 595.28, delta=1.5)
            self.assertAlmostEqual(float(h), 841.89, delta=1.5)


class PaperScan(CopyCase):
    def test_the_scan_is_stored_and_staff_download_it(self):
        sha = self.draft()
        scan = pdf_bytes().replace(b"%%EOF", b"% signed and sealed copy\n%%EOF")
        path = self.write("signed.pdf", scan)
        # a PDF cut short (no %%EOF: a truncated upload, or a 5-byte "%PDF-") is no scan of a signed copy
        cut = self.write("cut.pdf", pdf_bytes()[:-8])
        p = self.run_cli("agreement", self.number, "--confirm-as", "supplier", "--by", "admin-ito", "--sha256", sha,
                         "--paper-scan", cut)
        self.assertEqual(p.returncode, 2, p.err)
        self.assertIn("cut short", p.err)
        # not a PDF/PNG/JPEG, or over the policy's size: refused, naming the scan, nothing kept
        bad = self.write("signed.txt", "記名押印済み")
        p = self.run_cli("agreement", self.number, "--confirm-as", "supplier", "--by", "admin-ito", "--sha256", sha,
                         "--paper-scan", bad)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("scan", p.err)
        big = self.write("big.pdf", pdf_bytes() + b"%" + b"x" * (6 * 1024 * 1024))
        p = self.run_cli("agreement", self.number, "--confirm-as", "supplier", "--by", "admin-ito", "--sha256", sha,
                         "--paper-scan", big)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("max_file_bytes", p.err)
        self.assertEqual(self.shown()["agreements"][0]["confirmations"], [])
        self.assertEqual(self.query("SELECT COUNT(*) FROM agreement_scans"), [("0",)])

        p = self.run_cli("agreement", self.number, "--confirm-as", "supplier", "--by", "admin-ito", "--sha256", sha,
                         "--paper-scan", path, "--method", "原本は法務部で保管")
        self.assertEqual(p.returncode, 0, p.err)
        want = hashlib.sha256(scan).hexdigest()
        conf = self.shown()["agreements"][0]["confirmations"]
        self.assertEqual(conf[0]["side"], "supplier")
        self.assertTrue(conf[0]["method"].startswith("paper-scan sha256=" + want + " file=signed.pdf"), conf)
        self.assertEqual(self.query("SELECT sha256, size_bytes, media_type FROM agreement_scans"),
                         [(want, str(len(scan)), "application/pdf")])
        self.buyer_confirms(sha)

        # staff download the very bytes: REST and the ERP screen, each read recorded
        r = self.server.request("GET", "/api/v1/requests/%s/agreement/scan" % self.number, key=self.key,
                                user="buyer-tanaka")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, scan)
        self.assertEqual(r.headers["Content-Type"], "application/pdf")
        self.assertEqual(r.headers["X-Hoshitori-Scan-SHA256"], want)
        self.assertIn("signed.pdf", r.headers["Content-Disposition"])
        panel = self.server.request("GET", "/erp/suppliers/V0001", key=self.key)
        link = "/erp/requests/%s/agreement-scan?version=1" % self.number
        self.assertIn(link, html.unescape(panel.text))
        r = self.server.request("GET", link, key=self.key)
        self.assertEqual((r.status, r.body), (200, scan))
        reads = [e for e in self.audit_actions() if e["action"] == "agreement.scan_downloaded"]
        self.assertEqual(len(reads), 2)
        self.assertEqual(reads[0]["after"]["scan_sha256"], want)
        self.assertEqual(reads[0]["actor"], "buyer-tanaka")
        r = self.server.request("GET", "/api/v1/requests/%s/agreement/scan?version=x" % self.number, key=self.key)
        self.assertEqual(r.status, 400)
        self.assertIn("version", r.text)

        # the printed copy says paper, with the scan's hash, and names who recorded it
        status, _, body = self.browser.open(self.path + "/agreement.html")
        self.assertEqual(status, 200, body[:300])
        text = Page(body).all_text()
        self.assertIn("記名押印したとする書面", text)
        self.assertIn(want, text)
        self.assertIn("admin-ito", text)
        self.assertIn("原本は法務部で保管", text)
        self.assertNotIn("記名押印はありません", text)

    def test_an_online_confirmation_has_no_scan(self):
        sha = self.draft()
        self.post("confirm", {"sha256": sha, "read": "yes"})
        r = self.server.request("GET", "/api/v1/requests/%s/agreement/scan" % self.number, key=self.key)
        self.assertEqual(r.status, 404, r)
        r = self.server.request("GET", "/erp/requests/%s/agreement-scan" % self.number, key=self.key)
        self.assertEqual(r.status, 404, r)
        status, _, body = self.browser.open(self.path + "/agreement.html")
        self.assertIn("（お名前の記入はありません）", Page(body).all_text())


class KeptForRetention(CopyCase):
    def agree(self):
        sha = self.draft()
        self.post("confirm", {"sha256": sha, "read": "yes", "name": "佐藤"})
        self.buyer_confirms(sha)
        self.assertEqual(self.shown()["state"], "agreed")
        return sha

    def expire_links(self):
        self.execute("UPDATE supplier_links SET expires_at = '2000-01-01T00:00:00.000Z'")

    def test_an_expired_link_still_opens_the_agreed_agreement_and_nothing_else(self):
        sha = self.agree()
        self.expire_links()
        status, _, body = self.browser.open(self.path)
        self.assertEqual(status, 200, body[:400])
        p = Page(body)
        hrefs = [a.get("href") for t, a in p.tags if t == "a"]
        self.assertIn(self.path + "/agreement.txt?version=1", hrefs)
        self.assertIn(self.path + "/agreement.html?version=1", hrefs)
        self.assertEqual([t for t, a in p.tags if t == "form"], [])  # read-only: no form at all
        self.assertIn(sha, p.all_text())
        status, headers, text = self.browser.open(self.path + "/agreement.txt")
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.sha256(text.encode("utf-8")).hexdigest(), sha)
        status, _, body = self.browser.open(self.path + "/agreement.html")
        self.assertEqual(status, 200)
        self.assertIn("合意が成立しています", Page(body).all_text())
        # every form through it is refused (410), and changes nothing
        before = self.shown()
        for action, form in (("answer", {"choice": "accept"}), ("status", {"scs_level": "★4"}),
                             ("confirm", {"sha256": sha, "read": "yes"})):
            status, _, body = self.browser.open(self.path + "/" + action, dict(form, csrf="x"))
            self.assertEqual(status, 410, action)
            self.assertIn("閲覧のみ", body)
        self.assertEqual(self.browser.open(self.path + "/answer")[0], 410)
        self.assertEqual(self.shown(), before)

    def test_until_the_agreements_retention_ends(self):
        self.agree()
        self.expire_links()
        last = max(t["at"] for t in self.shown()["transitions"])[:10]
        d = datetime.date.fromisoformat(last)
        kept_until = d.replace(year=d.year + 7)  # policy retention.agreements_years
        self.restart(today=kept_until.isoformat())
        status, _, body = self.browser.open(self.path + "/agreement.txt")
        self.assertEqual(status, 200, body[:300])
        status, _, body = self.browser.open(self.path)
        self.assertIn(kept_until.isoformat() + " まで", Page(body).all_text())
        self.restart(today=(kept_until + datetime.timedelta(days=1)).isoformat())
        for path in (self.path, self.path + "/agreement.txt", self.path + "/agreement.html"):
            status, _, body = self.browser.open(path)
            self.assertEqual(status, 410, path)
            self.assertIn("有効期限が過ぎました", body)

    def test_an_expired_link_of_a_request_not_agreed_stays_closed(self):
        self.draft()
        self.expire_links()
        for path in (self.path, self.path + "/agreement.txt", self.path + "/agreement.html"):
            self.assertEqual(self.browser.open(path)[0], 410, path)

    def test_a_revoked_link_stays_closed(self):
        self.agree()
        self.assertEqual(self.run_cli("request", "unlink", self.number).returncode, 0)
        self.assertEqual(self.browser.open(self.path + "/agreement.txt")[0], 410)


class OneTimeCode(CopyCase):
    def setUp(self):
        super().setUp()
        with open(os.path.join(cli_support.SAMPLE_DIR, os.pardir, "schemas", "policy.yaml"), encoding="utf-8") as f:
            text = f.read()
        self.assertIn("one_time_code: false", text)
        self.policy = self.write("policy.yaml", text.replace("one_time_code: false", "one_time_code: true"))
        self.restart(pre=["--policy", self.policy])
        self.sink = Sink(self.tmp)

    def tearDown(self):
        self.sink.stop()
        super().tearDown()

    def send_mail(self):
        p = subprocess.run([cli_support.BIN, "--db", self.db, "--policy", self.policy, "outbox", "run", "--once",
                            "--smtp", self.sink.url], capture_output=True, env=cli_support.env(), timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)

    def codes_mailed(self):
        out = []
        for m in self.sink.messages():
            body = m.get_body(("plain",)).get_content()
            out.append((str(m["To"]), str(m["Subject"]), body, re.search(r"確認コード: (\d{6})", body)))
        return out

    def test_the_supplier_confirms_with_the_code_mailed_to_its_registered_address(self):
        sha = self.draft()
        body, p, _, _ = self.page()
        self.assertIn(self.path + "/confirm-code", [a.get("action") for t, a in p.tags if t == "form"])
        self.assertIn("code", [a.get("name") for t, a in p.tags if t == "input"])
        # without a code, or before one was sent: refused, naming the code, nothing recorded
        _, body = self.post("confirm", {"sha256": sha, "read": "yes"}, expect=400)
        self.assertIn("確認コード", Page(body).all_text())
        _, body = self.post("confirm", {"sha256": sha, "read": "yes", "code": "123456"}, expect=400)
        self.assertIn("まだお送りしていません", Page(body).all_text())

        headers, _ = self.post("confirm-code", {"name": "佐藤"})
        self.assertTrue(headers["Location"].endswith("?done=confirm-code"))
        # at rest: the queued mail holds a placeholder, never a code
        self.assertEqual(self.query("SELECT COUNT(*) FROM outbox_bodies"), [("1",)])
        self.assertEqual(self.query("SELECT COUNT(*) FROM outbox_bodies WHERE text_body LIKE '%@@HOSHITORI_CODE@@%'"),
                         [("1",)])
        self.send_mail()
        mails = self.codes_mailed()
        self.assertEqual(len(mails), 1)
        to, subject, text, m = mails[0]
        self.assertIn("soumu@aoba-ss.example", to)  # the registered address of V0001
        self.assertEqual(recipient(self.sink.raw_messages()[0]), "soumu@aoba-ss.example")
        self.assertIn(self.number, subject)
        self.assertIn(sha, text)
        self.assertTrue(m, text)
        code = m.group(1)
        rows = self.query("SELECT code_hmac, attempts, used_at FROM agreement_codes")
        self.assertEqual(len(rows), 1)
        self.assertTrue(rows[0][0])
        self.assertNotIn(code, rows[0][0])
        self.assertEqual(self.query("SELECT COUNT(*) FROM outbox_bodies WHERE text_body LIKE '%%%s%%'" % code),
                         [("0",)])

        wrong = "%06d" % ((int(code) + 1) % 1000000)
        _, body = self.post("confirm", {"sha256": sha, "read": "yes", "code": wrong}, expect=400)
        self.assertIn("確認コードが違います（あと4回", Page(body).all_text())
        _, body = self.post("confirm", {"sha256": sha, "read": "yes", "code": "12ab"}, expect=400)
        self.assertIn("6桁", Page(body).all_text())
        self.assertEqual(self.shown()["agreements"][0]["confirmations"], [])
        self.post("confirm", {"sha256": sha, "read": "yes", "code": code, "name": "佐藤"})
        conf = self.shown()["agreements"][0]["confirmations"]
        self.assertEqual([(c["side"], c["method"]) for c in conf], [("supplier", "supplier-form+one-time-code")])
        self.assertTrue(self.query("SELECT used_at FROM agreement_codes")[0][0])
        self.buyer_confirms(sha)
        status, _, body = self.browser.open(self.path + "/agreement.html")
        self.assertIn("確認コードを入力", Page(body).all_text())
        actions = [e["action"] for e in self.audit_actions()]
        self.assertIn("agreement.code_requested", actions)

    def test_five_wrong_tries_end_the_code_and_fifteen_minutes_too(self):
        sha = self.draft()
        self.post("confirm-code", {})
        self.send_mail()
        code = self.codes_mailed()[0][3].group(1)
        wrong = "%06d" % ((int(code) + 1) % 1000000)
        for left in (4, 3, 2, 1):
            _, body = self.post("confirm", {"sha256": sha, "read": "yes", "code": wrong}, expect=400)
            self.assertIn("あと%d回" % left, Page(body).all_text())
        _, body = self.post("confirm", {"sha256": sha, "read": "yes", "code": wrong}, expect=400)
        self.assertIn("5回誤った", Page(body).all_text())
        _, body = self.post("confirm", {"sha256": sha, "read": "yes", "code": code}, expect=400)
        self.assertIn("5回誤った", Page(body).all_text())
        self.assertEqual(self.shown()["agreements"][0]["confirmations"], [])
        # a new code works; once its time is up it does not
        self.post("confirm-code", {})
        self.send_mail()
        code = [m for m in self.codes_mailed() if m[3]][-1][3].group(1)
        codes = {m[3].group(1) for m in self.codes_mailed()}
        self.assertEqual(len(codes), 2)
        self.execute("UPDATE agreement_codes SET expires_at = '2000-01-01T00:00:00.000Z' WHERE used_at IS NULL")
        _, body = self.post("confirm", {"sha256": sha, "read": "yes", "code": code}, expect=400)
        self.assertIn("有効期限（15分）が過ぎました", Page(body).all_text())
        self.assertEqual(self.shown()["agreements"][0]["confirmations"], [])

    def test_codes_per_hour_are_bounded(self):
        self.draft()
        for _ in range(5):
            self.post("confirm-code", {})
        _, body = self.post("confirm-code", {}, expect=400)
        self.assertIn("1時間に5回まで", Page(body).all_text())
        self.assertEqual(self.query("SELECT COUNT(*) FROM agreement_codes"), [("5",)])


if __name__ == "__main__":
    sys.exit(cli_support.main())
