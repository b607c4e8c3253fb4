#!/usr/bin/env python3
"""The supplier's response page behind a request link (/s/<token>) on a real
`hoshitori serve`: what the supplier reads, every form (answer, estimate, counter-proposal,
status report, agreement confirmation) with its CSRF protection, and the link rules
(hashed at rest, 404 for unknown, 410 for expired or revoked, guessing limit, scope).

usage: /usr/bin/python3 test_supplier_form.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import hashlib
import http.cookiejar
import json
import os
import re
import sys
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import CliTest, psql  # noqa: E402
from requests_support import EXPLANATION, TERMS, fair_request  # noqa: E402
from test_screens import Page  # noqa: E402


class Browser:
    """A cookie-keeping client that does not follow redirects (a test sees each 303)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect)

    def open(self, path, form=None, raw=None, headers=None):
        data = raw
        h = dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode("utf-8")
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        req = urllib.request.Request(self.base + path, data=data, headers=h, method="POST" if data is not None else "GET")
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.headers, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8")


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

        # the buyer drafts the agreement; the supplier confirms the exact document here
        sha = self.api("POST", "/api/v1/requests/%s/steps" % self.number,
                       {"step": {"side": "buyer", "kind": "agreement", "terms": TERMS}})["agreement_sha256"]
        body, p, _, _ = self.page()
        self.assertIn(sha, p.all_text())
        self.assertIn("セキュリティ対策費用の負担に関する合意書", p.all_text())
        self.post("confirm", {"sha256": sha}, expect=400)  # the box was not ticked
        self.post("confirm", {"sha256": "0" * 64, "read": "yes"}, expect=400)  # not this document
        self.post("confirm", {"sha256": sha, "read": "yes", "name": "佐藤"})
        self.api("POST", "/api/v1/requests/%s/agreement/confirmations" % self.number, {"side": "buyer", "sha256": sha})
        self.assertEqual(self.shown()["state"], "agreed")
        body, p, _, _ = self.page()
        self.assertIn("合意が成立しています", p.all_text())
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
        _, body = self.post("status", {"scs_level": "★9"}, expect=400)
        self.assertIn("scs", Page(body).all_text())


class Protection(FormCase):
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
        self.assertEqual(guesser.open(self.path)[0], 429)  # the address waits, even with a good link


if __name__ == "__main__":
    sys.exit(cli_support.main())
