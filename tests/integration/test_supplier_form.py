#!/usr/bin/env python3
"""The supplier's response page behind a request link (/s/<token>) on a real
`hoshitori serve`: what the supplier reads, every form (answer, estimate, counter-proposal,
status report, agreement confirmation, evidence upload, SCS self-check) with its CSRF
protection, and the link rules (hashed at rest, 404 for unknown, 410 for expired or
revoked, guessing limit, scope).

usage: /usr/bin/python3 test_supplier_form.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import CliTest, psql  # noqa: E402
from requests_support import EXPLANATION, TERMS, fair_request  # noqa: E402
from supplier_page_support import Browser, Labelled, jpeg_bytes, multipart, pdf_bytes, png_bytes  # noqa: E402
from test_screens import Page  # noqa: E402


class FormCase(CliTest):
    def setUp(self):
        super().setUp()
        self.init()
        self.import_file(os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv"), expect=0)
        p = self.run_cli("apikey", "create", "--name", "erp", "--role", "buyer")
        self.key = p.out.strip()
        self.server = Server(self.db)
        self.number = self.api("POST", "/api/v1/requests", {"request": fair_request("V0001")})["number"]
        self.path = self.link(self.number)
        self.browser = Browser(self.server.base)

    def tearDown(self):
        code, _, err = self.server.stop()
        self.assertEqual(code, 0, err)
        super().tearDown()

    def api(self, method, path, body=None, expect=None):
        r = self.server.request(method, path, body=body, key=self.key, user="buyer-tanaka")
        self.assertLess(r.status, 300, r)
        return r.json()

    def link(self, number, *opts):
        p = self.run_cli("request", "link", number, *opts)
        self.assertEqual(p.returncode, 0, p.err)
        path = p.out.strip()
        self.assertRegex(path, r"^/s/[A-Za-z0-9_-]{43}$")
        return path

    def page(self):
        status, headers, body = self.browser.open(self.path)
        self.assertEqual(status, 200, body[:500])
        p = Page(body)
        self.assertEqual(p.scripts, 0)
        self.assertEqual(p.inline_handlers, [])
        csrf = [a["value"] for t, a in p.tags if t == "input" and a.get("name") == "csrf"]
        return body, p, (csrf[0] if csrf else None), headers

    def post(self, action, form, expect=303):
        _, _, csrf, _ = self.page()
        status, headers, body = self.browser.open(self.path + "/" + action, dict(form, csrf=csrf))
        self.assertEqual(status, expect, body[:800])
        return headers, body

    def shown(self):
        return self.api("GET", "/api/v1/requests/" + self.number)


class Reading(FormCase):
    def test_the_supplier_reads_the_request_and_where_to_get_help(self):
        body, p, csrf, headers = self.page()
        text = p.all_text()
        self.assertIn(EXPLANATION, text)
        self.assertIn("価格交渉の対象", text)
        self.assertIn("取引かけこみ寺", text)
        self.assertIn("お助け隊", text)
        self.assertIn(self.number, text)
        self.assertIn("frame-ancestors 'none'", headers["Content-Security-Policy"])
        self.assertEqual(headers["Referrer-Policy"], "no-referrer")
        cookie = headers["Set-Cookie"]
        for flag in ("HttpOnly", "SameSite=Strict", "Path=/s/"):
            self.assertIn(flag, cookie)
        # every form posts back to this link, with a CSRF token, and every field is labelled
        forms = [a for t, a in p.tags if t == "form"]
        self.assertGreaterEqual(len(forms), 4)
        self.assertTrue(all(a["method"] == "post" and a["action"].startswith(self.path + "/") for a in forms))
        self.assertTrue(csrf)
        inputs = [a for t, a in p.tags if t in ("input", "select", "textarea") and a.get("type") != "hidden"]
        self.assertTrue(inputs)
        self.assertIn("width=device-width", body)

    def test_every_control_is_labelled_and_files_go_as_multipart(self):
        body, p, _, _ = self.page()
        check = Labelled(body)
        self.assertEqual(check.unlabelled, [])
        self.assertEqual(check.fieldsets, check.legends)
        forms = {a["action"].rsplit("/", 1)[1]: a for t, a in p.tags if t == "form"}
        self.assertEqual(forms["evidence"].get("enctype"), "multipart/form-data")
        self.assertIn("self-check", forms)
        with open(os.path.join(cli_support.SAMPLE_DIR, os.pardir, "templates", "web", "supplier_form.html.mustache"),
                  encoding="utf-8") as f:
            self.assertNotIn("{{{", f.read())  # escaping templates only

    def test_token_is_stored_only_as_its_hash(self):
        token = self.path[3:]
        if cli_support.BACKEND == "sqlite":
            import sqlite3
            with sqlite3.connect(self.db) as c:
                everything = " ".join(str(v) for row in c.execute("SELECT * FROM supplier_links") for v in row)
                trail = " ".join(str(v) for row in c.execute("SELECT * FROM audit_events") for v in row)
            self.assertNotIn(token, everything)
            self.assertNotIn(token, trail)
            self.assertIn(hashlib.sha256(token.encode()).hexdigest(), everything)


class Answering(FormCase):
    def test_a_planned_date_must_be_a_date_from_today_on(self):
        for bad in ("来月ごろ", "2020-01-01"):
            _, body = self.post("answer", {"choice": "plan", "plan_date": bad}, expect=400)
            self.assertIn("完了予定日", body)
        self.assertEqual(self.shown()["steps"], [])
        self.post("answer", {"choice": "plan", "plan_date": "令和9年3月31日"})
        self.assertIn("完了予定: 2027-03-31", self.shown()["steps"][0]["body"]["message"])

    def test_negotiate_estimate_counter_and_confirm(self):
        headers, _ = self.post("answer", {"choice": "negotiate", "message": "費用について相談したいです", "name": "佐藤"})
        self.assertTrue(headers["Location"].endswith("?done=answer"))
        body, p, _, _ = self.page()
        self.assertIn("費用について相談したいです", p.all_text())
        self.post("estimate", {"initial_cost": "１，２００，０００円", "running_cost": "120,000", "basis": "MFAの導入"})
        self.post("counter", {"buyer_amount": "600000", "share_percent": "50", "message": "半分をお願いします"})
        steps = self.shown()["steps"]
        self.assertEqual([s["kind"] for s in steps], ["negotiation_request", "estimate", "counter_proposal"])
        self.assertTrue(all(s["side"] == "supplier" for s in steps))
        self.assertEqual(steps[0]["actor"], "supplier:V0001 佐藤")
        self.assertEqual(steps[1]["body"]["initial_cost"], 1200000)
        self.assertEqual(steps[2]["body"]["share_percent"], 50)
        # each entry of the thread shows its own words and amounts, never the request's reason
        body, _, _, _ = self.page()
        thread = re.search(r'<ol class="hs-thread">.*?</ol>', body, re.S).group(0)
        self.assertNotIn("取引で当社の図面を共有するため", thread)
        for words in ("1,200,000円", "根拠：MFAの導入", "600,000円", "50%"):
            self.assertIn(words, thread)

        # the buyer accepts the counter-proposal, drafts the agreement; the supplier confirms the exact
        # document here
        self.api("POST", "/api/v1/requests/%s/steps" % self.number, {"step": {"side": "buyer", "kind": "accept", "message": "お見積りの金額を受け入れます"}})
        sha = self.api("POST", "/api/v1/requests/%s/steps" % self.number,
                       {"step": {"side": "buyer", "kind": "agreement", "terms": TERMS}})["agreement_sha256"]
        body, p, _, _ = self.page()
        self.assertIn(sha, p.all_text())
        self.assertIn("セキュリティ対策費用の負担に関する合意書", p.all_text())
        self.post("confirm", {"sha256": sha}, expect=400)  # the box was not ticked
        self.post("confirm", {"sha256": "0" * 64, "read": "yes"}, expect=400)  # not this document
        # the buyer's key cannot confirm for the supplier (whatever X-Hoshitori-User says): refused, nothing recorded
        r = self.server.request("POST", "/api/v1/requests/%s/agreement/confirmations" % self.number,
                                body={"side": "supplier", "sha256": sha}, key=self.key, user="supplier-sato")
        self.assertEqual(r.status, 403, r)
        self.assertIn("only the supplier confirms the supplier's side", r.json()["detail"])
        self.assertEqual(self.shown()["agreements"][0]["confirmations"], [])
        self.post("confirm", {"sha256": sha, "read": "yes", "name": "佐藤"})
        conf = self.shown()["agreements"][0]["confirmations"]
        self.assertEqual([(c["side"], c["method"]) for c in conf], [("supplier", "supplier-form")])
        self.api("POST", "/api/v1/requests/%s/agreement/confirmations" % self.number, {"side": "buyer", "sha256": sha})
        self.assertEqual(self.shown()["state"], "agreed")
        body, p, _, _ = self.page()
        self.assertIn("合意が成立しています", p.all_text())
        # the supplier keeps the agreement: the text it confirmed, byte for byte, from its page
        link = [a["href"] for t, a in p.tags if t == "a" and "agreement.txt" in a.get("href", "")]
        self.assertEqual(link, [self.path + "/agreement.txt?version=1"])
        status, headers, text = self.browser.open(link[0])
        self.assertEqual(status, 200, text[:300])
        self.assertTrue(headers["Content-Type"].startswith("text/plain"))
        self.assertIn("attachment", headers["Content-Disposition"])
        self.assertEqual(hashlib.sha256(text.encode("utf-8")).hexdigest(), sha)
        self.assertEqual(headers["X-Hoshitori-Agreement-SHA256"], sha)
        self.assertEqual(headers["X-Hoshitori-Agreement-Version"], "1")
        self.assertEqual(self.browser.open(self.path + "/agreement.txt?version=9")[0], 404)
        self.assertEqual(self.browser.open(self.path + "/agreement.txt?version=x")[0], 400)
        export = self.run_cli("export", "audit", "--format", "jsonl", "--out", "-").out.splitlines()
        conf = [json.loads(x) for x in export if '"agreement.confirmed"' in x]
        self.assertTrue(conf[0]["via"].startswith("supplier-link:"))

    def test_decline_needs_a_reason_and_bad_numbers_are_named(self):
        _, body = self.post("answer", {"choice": "decline", "reason": ""}, expect=400)
        self.assertIn("理由", Page(body).all_text())
        _, body = self.post("estimate", {"initial_cost": "百万円"}, expect=400)
        self.assertIn("初期費用", Page(body).all_text())
        self.assertEqual(self.shown()["steps"], [])
        self.post("answer", {"choice": "decline", "reason": "今期は予算がありません"})
        self.assertEqual(self.shown()["state"], "declined")
        body, p, _, _ = self.page()
        self.assertNotIn(self.path + "/answer", body)  # a final request takes no more answers

    def test_status_report_changes_only_this_supplier(self):
        before_v2 = self.api("GET", "/api/v1/suppliers/V0002")
        self.post("status", {"scs_level": "★3", "scs_valid_until": "2028-03-31", "scs_evidence": "確認書 No.123",
                             "vendor_code": "V0002", "name": "佐藤"})
        s = self.api("GET", "/api/v1/suppliers/V0001")
        self.assertEqual(s["scs"]["level"], 3)
        self.assertEqual(s["scs"]["evidence"], "確認書 No.123")
        self.assertEqual(self.api("GET", "/api/v1/suppliers/V0002"), before_v2)
        history = self.api("GET", "/api/v1/suppliers/V0001/history")["history"]
        self.assertIn("supplier-form:" + self.number, [h["source"] for h in history])
        # each select takes only what it offers: ★5 and ★9 are not on the page
        for field, value in (("scs_level", "★9"), ("scs_level", "★5"), ("sa_level", "★★★"),
                             ("ota_service", "存在しないサービス")):
            _, body = self.post("status", {field: value}, expect=400)
            self.assertIn("画面の選択肢からお選びください", Page(body).all_text(), (field, value))
        self.assertEqual(self.api("GET", "/api/v1/suppliers/V0001")["scs"]["level"], 3)
        # a field sent twice is refused, not settled by first or last wins
        _, _, csrf, _ = self.page()
        raw = urllib.parse.urlencode([("csrf", csrf), ("scs_level", "★3"), ("scs_level", "★4"),
                                      ("scs_valid_until", "2029-03-31"), ("name", "佐藤")]).encode()
        status, _, body = self.browser.open(self.path + "/status", raw=raw, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400, body[:300])
        self.assertIn("二度送られました", body)
        self.assertEqual(self.api("GET", "/api/v1/suppliers/V0001")["scs"]["valid_until"], "2028-03-31")

    def test_hidden_characters_are_removed_from_messages(self):
        self.post("answer", {"choice": "negotiate", "name": "佐\u202e藤",
                             "message": "\u202e費用について\u200b\r\n相談したいです\ufeff"})
        step = self.shown()["steps"][0]
        self.assertEqual(step["body"]["message"], "費用について\n相談したいです")
        self.assertNotIn("\u202e", step["actor"] if "actor" in step else json.dumps(step, ensure_ascii=False))


class Protection(FormCase):
    def test_every_refusal_is_a_page_the_supplier_can_read(self):
        _, _, csrf, _ = self.page()
        cases = [
            (self.path + "/answer", None, None, 405),  # GET where only POST goes
            (self.path + "/answer", {"csrf": csrf, "choice": "accept", "name": "名" * 100}, None, 400),
            (self.path + "/answer", None, b'{"choice": "accept"}', 415),
            (self.path + "/answer", {"csrf": csrf, "choice": "negotiate", "message": "あ" * 30000}, None, 413),
            ("/s/%zz", None, None, 400),
        ]
        for path, form, raw, expect in cases:
            headers = {"Content-Type": "application/json"} if raw else None
            status, h, body = self.browser.open(path, form, raw=raw, headers=headers)
            self.assertEqual(status, expect, path)
            self.assertTrue(h["Content-Type"].startswith("text/html"), (path, h["Content-Type"]))
            self.assertIn('lang="ja"', body)
            self.assertNotIn("Bad Request", body)
        status, _, body = self.browser.open(self.path + "/answer", {"csrf": csrf, "choice": "accept", "name": "名" * 100})
        self.assertIn("お名前が長すぎます", body)

    def test_csrf_cookie_and_token_are_both_needed(self):
        _, _, csrf, _ = self.page()
        stranger = Browser(self.server.base)  # no cookie: another site's form would look like this
        status, _, _ = stranger.open(self.path + "/answer", {"csrf": csrf, "choice": "accept"})
        self.assertEqual(status, 403)
        status, _, _ = self.browser.open(self.path + "/answer", {"csrf": "x" * 43, "choice": "accept"})
        self.assertEqual(status, 403)
        status, _, _ = self.browser.open(self.path + "/answer", {"choice": "accept"})
        self.assertEqual(status, 403)
        status, _, _ = self.browser.open(self.path + "/answer", raw=json.dumps({"choice": "accept"}).encode(),
                                         headers={"Content-Type": "application/json"})
        self.assertEqual(status, 415)
        status, _, _ = self.browser.open(self.path + "/answer",
                                         raw=b"csrf=" + csrf.encode() + b"&message=" + b"x" * (70 * 1024),
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 413)
        # a CSRF token from one link does not work on another
        other = self.api("POST", "/api/v1/requests", {"request": fair_request("V0002")})["number"]
        other_path = self.link(other)
        status, _, _ = self.browser.open(other_path + "/answer", {"csrf": csrf, "choice": "accept"})
        self.assertEqual(status, 403)
        self.assertEqual(self.shown()["steps"], [])

    def test_unknown_revoked_and_expired_links(self):
        a, b = Browser(self.server.base), Browser(self.server.base)
        unknown_1 = a.open("/s/" + "A" * 43)
        unknown_2 = b.open("/s/short")
        self.assertEqual((unknown_1[0], unknown_2[0]), (404, 404))
        self.assertEqual(unknown_1[2], unknown_2[2])  # the same answer, whatever was tried
        p = self.run_cli("request", "unlink", self.number)
        self.assertEqual(p.returncode, 0, p.err)
        self.assertEqual(self.browser.open(self.path)[0], 410)
        fresh = self.link(self.number, "--days", "1")
        self.assertEqual(self.browser.open(fresh)[0], 200)
        sql = "UPDATE supplier_links SET expires_at = '2000-01-01T00:00:00.000Z'"
        if cli_support.BACKEND == "sqlite":
            import sqlite3
            with sqlite3.connect(self.db) as c:
                c.execute(sql)
        else:
            psql(self.db, sql)
        self.assertEqual(self.browser.open(fresh)[0], 410)
        self.assertEqual(self.run_cli("request", "link", "2026-99999").returncode, 3)
        self.assertEqual(self.run_cli("request", "link", self.number, "--days", "9999").returncode, 2)

    def test_guessing_is_slowed(self):
        guesser = Browser(self.server.base)
        statuses = [guesser.open("/s/%043d" % i)[0] for i in range(23)]
        self.assertEqual(statuses[:20], [404] * 20)
        self.assertEqual(statuses[20:], [429] * 3)
        # the guesser waits; a good link from the same address (behind a proxy: everyone) does not
        self.assertEqual(guesser.open("/s/%043d" % 99)[0], 429)
        self.assertEqual(guesser.open(self.path)[0], 200)


class Evidence(FormCase):
    """Evidence files: checked by content and size, stored on both backends, given back to
    staff byte for byte, never to another supplier."""

    def upload(self, files, topic="scs", name="佐藤", expect=303, browser=None, csrf=None):
        browser = browser or self.browser
        if csrf is None:
            _, _, csrf, _ = self.page()
        fields = [("csrf", csrf)] if csrf is not False else []
        status, headers, body = browser.upload(self.path + "/evidence", fields + [("topic", topic), ("name", name)],
                                               files)
        self.assertEqual(status, expect, body[:800])
        return headers, body

    def listed(self, code="V0001"):
        return self.api("GET", "/api/v1/suppliers/%s/evidence" % code)["files"]

    def download(self, href):
        r = self.server.request("GET", href, key=self.key)
        self.assertEqual(r.status, 200, r)
        return r

    def test_a_cp932_file_name_is_read_as_japanese(self):
        self.upload([("確認書.pdf".encode("cp932"), "application/pdf", pdf_bytes())])
        self.assertEqual([f["filename"] for f in self.listed()], ["確認書.pdf"])

    def test_pdf_png_and_jpeg_come_back_byte_for_byte(self):
        sent = {"SA自己宣言 2026.pdf": ("application/pdf", pdf_bytes()),
                "scan.png": ("image/png", png_bytes()),
                "photo.JPG": ("image/jpeg", jpeg_bytes())}
        headers, _ = self.upload([(n, t, d) for n, (t, d) in sent.items()])
        self.assertTrue(headers["Location"].endswith("?done=evidence"))
        files = self.listed()
        self.assertEqual(sorted(f["filename"] for f in files), sorted(sent))
        for f in files:
            media_type, data = sent[f["filename"]]
            self.assertEqual((f["media_type"], f["size"], f["topic"]), (media_type, len(data), "scs"))
            self.assertEqual(f["sha256"], hashlib.sha256(data).hexdigest())
            self.assertEqual(f["uploaded_by"], "佐藤")
            self.assertEqual(f["number"], self.number)
            r = self.download(f["href"])
            self.assertEqual(r.body, data)
            self.assertEqual(hashlib.sha256(r.body).hexdigest(), f["sha256"])
            self.assertEqual(r.headers["Content-Type"], media_type)
            self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")
            disposition = r.headers["Content-Disposition"]
            self.assertTrue(disposition.startswith("attachment;"), disposition)
            self.assertIn("filename*=UTF-8''" + urllib.parse.quote(f["filename"], safe=""), disposition)
            one = self.api("GET", "/api/v1/suppliers/V0001/evidence?number=" + self.number)["files"]
            self.assertEqual(len(one), 3)
        # the supplier sees its files (name, size, SHA-256) but gets no link to fetch them
        body, p, _, _ = self.page()
        text = p.all_text()
        self.assertIn("証跡ファイルを受け取りました", self.browser.open(self.path + "?done=evidence")[2])
        for name, (_, data) in sent.items():
            self.assertIn(name, text)
            self.assertIn(hashlib.sha256(data).hexdigest(), text)
        self.assertNotIn("/api/v1/evidence", body)
        # audited with the hash, size and type, never the content
        export = self.run_cli("export", "audit", "--format", "jsonl", "--out", "-").out
        events = [json.loads(x) for x in export.splitlines() if '"evidence.uploaded"' in x]
        self.assertEqual(len(events), 3)
        self.assertTrue(all(e["via"].startswith("supplier-link:") for e in events))
        self.assertEqual(events[0]["actor"], "supplier:V0001 佐藤")
        after = events[0]["after_json"]
        after = json.loads(after) if isinstance(after, str) else after
        self.assertEqual({"sha256", "size", "media_type", "filename"} - set(after), set())
        self.assertIn(after["sha256"], [f["sha256"] for f in files])
        for _, data in sent.values():
            self.assertNotIn(base64.b64encode(data).decode()[:40], export)

    def test_a_file_is_judged_by_its_content_not_its_name(self):
        _, body = self.upload([("宣言書.pdf", "application/pdf", "これはPDFではありません\n".encode() * 20)], expect=422)
        text = Page(body).all_text()
        self.assertIn("宣言書.pdf", text)
        self.assertIn("PDF・PNG・JPEG", text)
        _, body = self.upload([("ok.pdf", "application/pdf", pdf_bytes()),
                               ("empty.png", "image/png", b"")], expect=422)
        self.assertIn("empty.png", Page(body).all_text())
        self.assertEqual(self.listed(), [])  # one bad file: none of them is kept
        # a PNG named .pdf is kept as the PNG it is
        self.upload([("確認書.pdf", "application/pdf", png_bytes())])
        f = self.listed()[0]
        self.assertEqual((f["filename"], f["media_type"]), ("確認書.pdf.png", "image/png"))
        # a name is cleaned: no path, no control or direction-override characters
        self.upload([("C:/Users/x/\u202egpj.exe\x01.pdf", "application/pdf", pdf_bytes())])
        self.assertEqual(self.listed()[1]["filename"], "gpj.exe.pdf")
        _, body = self.upload([("a.pdf", "application/pdf", pdf_bytes())], topic="iso27001", expect=400)
        self.assertIn("SECURITY ACTION", Page(body).all_text())
        self.upload([], expect=400)
        self.assertEqual(len(self.listed()), 2)

    def test_a_file_over_the_limit_is_413_and_nothing_is_stored(self):
        big = b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024 + 1 - 9)
        self.assertEqual(len(big), 5 * 1024 * 1024 + 1)
        _, body = self.upload([("small.png", "image/png", png_bytes()), ("大きな確認書.pdf", "application/pdf", big)],
                              expect=413)
        text = Page(body).all_text()
        self.assertIn("大きな確認書.pdf", text)
        self.assertIn("5.0 MB", text)
        self.assertIn("何も保存していません", text)
        self.assertEqual(self.listed(), [])
        # exactly at the limit is fine
        self.upload([("max.pdf", "application/pdf", big[:-1])])
        self.assertEqual(self.listed()[0]["size"], 5 * 1024 * 1024)
        # more than three files at once
        self.upload([("%d.png" % i, "image/png", png_bytes()) for i in range(4)], expect=400)
        self.assertEqual(len(self.listed()), 1)

    def test_upload_needs_the_csrf_token_and_its_cookie(self):
        files = [("a.pdf", "application/pdf", pdf_bytes())]
        _, _, csrf, _ = self.page()
        self.upload(files, csrf=False, expect=403)
        self.upload(files, csrf="x" * 43, expect=403)
        self.upload(files, browser=Browser(self.server.base), csrf=csrf, expect=403)  # no cookie
        # a token after the file does not count: no file is read before the token
        body, ctype = multipart([], files)
        body = body.replace(b"--\r\n", b"\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" +
                            csrf.encode() + b"\r\n--" + ctype.split("=", 1)[1].encode() + b"--\r\n")
        status, _, _ = self.browser.open(self.path + "/evidence", raw=body, headers={"Content-Type": ctype})
        self.assertEqual(status, 403)
        status, _, _ = self.browser.open(self.path + "/evidence", {"csrf": csrf, "topic": "sa"})
        self.assertEqual(status, 415)
        status, _, _ = self.browser.open(self.path + "/evidence", raw=b"--x\r\ngarbage",
                                         headers={"Content-Type": "multipart/form-data; boundary=x"})
        self.assertEqual(status, 400)
        self.assertEqual(self.listed(), [])

    def test_another_supplier_never_sees_the_files(self):
        self.upload([("V0001の宣言書.pdf", "application/pdf", pdf_bytes())], topic="sa")
        mine = self.listed()[0]
        other = self.api("POST", "/api/v1/requests", {"request": fair_request("V0002")})["number"]
        other_path = self.link(other)
        theirs = Browser(self.server.base)
        status, _, body = theirs.open(other_path)
        self.assertEqual(status, 200)
        self.assertNotIn("V0001の宣言書.pdf", body)
        self.assertNotIn(mine["sha256"], body)
        # what V0002 sends is V0002's, whatever the form claims
        csrf = [a["value"] for t, a in Page(body).tags if t == "input" and a.get("name") == "csrf"][0]
        status, _, _ = theirs.upload(other_path + "/evidence",
                                     [("csrf", csrf), ("topic", "scs"), ("vendor_code", "V0001")],
                                     [("v2.png", "image/png", png_bytes())])
        self.assertEqual(status, 303)
        self.assertEqual([f["filename"] for f in self.listed("V0001")], ["V0001の宣言書.pdf"])
        self.assertEqual([f["filename"] for f in self.listed("V0002")], ["v2.png"])
        self.assertNotIn("v2.png", self.page()[0])
        # the token page is no way into the API
        self.assertEqual(theirs.open(mine["href"])[0], 401)

    def test_purge_past_retention_takes_the_files_and_the_self_check_along(self):
        self.upload([("a.pdf", "application/pdf", pdf_bytes())])
        self.post("self-check", {"sc:4-1-3": "done"})
        self.post("answer", {"choice": "decline", "reason": "今期は予算がありません"})
        env = cli_support.env()
        env["HOSHITORI_TODAY"] = "2029-12-01"
        p = subprocess.run([cli_support.BIN, "--db", self.db, "purge", "--by", "records"], env=env,
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(p.stdout.decode().split(), [self.number])
        self.assertEqual(self.listed(), [])

    def test_files_and_answers_cannot_be_changed_behind_the_service(self):
        self.upload([("a.pdf", "application/pdf", pdf_bytes())])
        self.post("self-check", {"sc:4-1-3": "done"})
        for sql in ("UPDATE evidence_files SET filename = 'b.pdf'", "DELETE FROM evidence_files",
                    "UPDATE scs_self_checks SET answer = 'not_planned'", "DELETE FROM scs_self_checks"):
            with self.assertRaises(subprocess.CalledProcessError, msg=sql) as caught:
                self.sql(sql)
            self.assertIn("append-only", caught.exception.stderr.decode(), sql)
        self.assertEqual([f["filename"] for f in self.listed()], ["a.pdf"])


class SelfCheck(FormCase):
    """The SCS self-check over the request's items (fair_request names 4-1-3 and 4-4-4)."""

    def answers(self):
        return {a["item"]: a for a in self.shown()["self_check"]}

    def test_round_trip_latest_answer_wins(self):
        body, p, _, _ = self.page()
        legends = [t for t in p.all_text().split("\n") if t.startswith("No.4-")]
        self.assertTrue(any("4-1-3" in t for t in legends), legends)
        self.post("self-check", {"sc:4-1-3": "done", "sc_note:4-1-3": "MFAを全社で導入済み",
                                 "sc:4-4-4": "planned", "sc_date:4-4-4": "2027-02-01", "name": "佐藤"})
        a = self.answers()
        self.assertEqual((a["4-1-3"]["answer"], a["4-1-3"]["planned_on"], a["4-1-3"]["note"]),
                         ("done", None, "MFAを全社で導入済み"))
        self.assertEqual((a["4-4-4"]["answer"], a["4-4-4"]["planned_on"]), ("planned", "2027-02-01"))
        self.assertEqual(a["4-4-4"]["answered_by"], "supplier:V0001 佐藤")
        # shown back, pre-filled
        body, p, _, _ = self.page()
        checked = {(a["name"], a["value"]) for t, a in p.tags if t == "input" and a.get("type") == "radio"
                   and "checked" in a}
        self.assertIn(("sc:4-1-3", "done"), checked)
        self.assertIn(("sc:4-4-4", "planned"), checked)
        dates = {a["name"]: a.get("value") for t, a in p.tags if t == "input" and a.get("type") == "date"}
        self.assertEqual(dates["sc_date:4-4-4"], "2027-02-01")
        self.assertIn("MFAを全社で導入済み", body)
        # a later answer replaces the earlier one (the date left in the field is dropped)
        self.post("self-check", {"sc:4-4-4": "done", "sc_date:4-4-4": "2027-02-01"})
        a = self.answers()
        self.assertEqual((a["4-4-4"]["answer"], a["4-4-4"]["planned_on"]), ("done", None))
        self.assertEqual(a["4-1-3"]["answer"], "done")
        export = self.run_cli("export", "audit", "--format", "jsonl", "--out", "-").out
        self.assertEqual(export.count('"self_check.answered"'), 2)

    def test_errors_name_the_item_and_nothing_is_stored(self):
        _, body = self.post("self-check", {"sc:4-1-3": "done", "sc:1-2-1": "done"}, expect=400)
        self.assertIn("1-2-1", Page(body).all_text())
        self.assertIn("対象ではありません", Page(body).all_text())
        _, body = self.post("self-check", {"sc:4-1-3": "done", "sc:4-4-4": "planned"}, expect=400)
        self.assertIn("4-4-4", Page(body).all_text())
        self.assertIn("予定日", Page(body).all_text())
        _, body = self.post("self-check", {"sc:4-4-4": "planned", "sc_date:4-4-4": "2026-11-19",
                                           "sc_note:4-4-4": "年度内に対応"}, expect=400)
        text = Page(body).all_text()
        self.assertIn("4-4-4", text)
        self.assertIn("過去", text)
        self.assertIn("年度内に対応", body)  # what was typed is shown again
        _, body = self.post("self-check", {"sc:4-4-4": "maybe"}, expect=400)
        self.assertIn("4-4-4", Page(body).all_text())
        self.post("self-check", {"name": "佐藤"}, expect=400)
        self.assertEqual(self.shown()["self_check"], [])
        # today counts as not past; 令和 dates are read too
        self.post("self-check", {"sc:4-4-4": "planned", "sc_date:4-4-4": "令和9年3月31日"})
        self.assertEqual(self.answers()["4-4-4"]["planned_on"], "2027-03-31")
        self.post("self-check", {"sc:4-4-4": "planned", "sc_date:4-4-4": cli_support.TODAY})

    def test_self_check_needs_the_csrf_token(self):
        status, _, _ = Browser(self.server.base).open(self.path + "/self-check", {"sc:4-1-3": "done"})
        self.assertEqual(status, 403)
        self.assertEqual(self.shown()["self_check"], [])


if __name__ == "__main__":
    sys.exit(cli_support.main())
