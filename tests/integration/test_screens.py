#!/usr/bin/env python3
"""The ERP screens served by a real `hoshitori serve`: the 星取表 dashboard and the supplier
panel as pages and fragments, escaping of hostile supplier names, paging, search, CSV,
the signed sign-in links and their session cookie, and the security headers.

usage: /usr/bin/python3 test_screens.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import csv
import html.parser
import json
import io
import os
import re
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server, quote  # noqa: E402
from cli_support import EN_HEADER, CliTest, csv_text, good_row  # noqa: E402
from requests_support import ESTIMATE, EXPLANATION, TERMS, fair_request  # noqa: E402

HOSTILE = ['<script>alert("x")</script>株式会社', '"><img src=x onerror=alert(1)>工業', "=HYPERLINK(\"http://x\")"]


class Page(html.parser.HTMLParser):
    """What a browser would see: elements (with attributes), links, text, inline scripts."""

    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.text = []
        self.scripts = 0
        self.inline_handlers = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self.scripts += 1
        self.inline_handlers += [k for k in a if k.startswith("on")]
        if "style" in a:
            self.inline_handlers.append("style")

    def handle_data(self, data):
        self.text.append(data)

    def all_text(self):
        return "".join(self.text)

    def links(self):
        return [a["href"] for t, a in self.tags if t == "a" and "href" in a]

    def rows(self, cls):
        return [a for t, a in self.tags if t == "tr" and cls in a.get("class", "")]


class ScreenCase(CliTest):
    server_args = ()

    def setUp(self):
        super().setUp()
        self.init()
        self.import_file(os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv"), expect=0)
        p = self.run_cli("apikey", "create", "--name", "erp-proxy", "--role", "buyer")
        self.assertEqual(p.returncode, 0, p.err)
        self.key = p.out.strip()
        self.server = Server(self.db, *self.server_args)

    def tearDown(self):
        code, _, err = self.server.stop()
        self.assertEqual(code, 0, err)
        super().tearDown()

    def get(self, path, expect=200, **kw):
        kw.setdefault("key", self.key)
        r = self.server.request("GET", path, **kw)
        self.assertEqual(r.status, expect, "%s → %r" % (path, r))
        return r

    def page(self, path, **kw):
        r = self.get(path, **kw)
        self.assertEqual(r.content_type, "text/html")
        p = Page(r.text)
        self.assertEqual(p.scripts, 0, "no script at all on the staff screens")
        self.assertEqual(p.inline_handlers, [], "no inline handlers or styles (CSP forbids them)")
        return r, p

    def link(self, user="山田 太郎", role="buyer", *extra):
        p = self.run_cli("erp-link", "--for", user, "--role", role, "--base", self.server.base, *extra)
        self.assertEqual(p.returncode, 0, p.err)
        return p.out.strip()


class Dashboard(ScreenCase):
    def test_board_shows_every_standing_by_symbol_and_word(self):
        r, p = self.page("/erp/?page=1")
        csp = r.headers["Content-Security-Policy"]
        self.assertIn("default-src 'none'", csp)
        self.assertIn("frame-ancestors 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertIn(("link", {"rel": "stylesheet", "href": "/static/hoshitori.css"}), p.tags)
        total = int(re.search(r"(\d+)件中", p.all_text()).group(1))
        suppliers = self.suppliers()
        self.assertEqual(total, len(suppliers))
        rows = p.rows("hs-st-")
        self.assertEqual(len(rows), min(50, total))
        words = {"meets": "◎ 充足", "expiring": "△ 期限間近", "expired": "✕ 期限切れ", "below": "✕ 不足",
                 "unknown": "？ 未報告"}
        text = re.sub(r"\s+", " ", p.all_text())
        for s in suppliers:
            self.assertIn(s["vendor_code"], text)
        for standing in {s["standing"] for s in suppliers}:
            self.assertIn(words[standing], text)
        # the summary counts add up to the whole register
        counts = [int(x) for x in re.findall(r"(?:充足|期限間近|期限切れ|不足|未報告) (\d+)", text)[:5]]
        self.assertEqual(sum(counts), total)

    def test_filters_search_and_english(self):
        below = [s["vendor_code"] for s in self.suppliers("--standing", "below")]
        _, p = self.page("/erp/?standing=below")
        shown = [h for h in p.links() if h.startswith("/erp/suppliers/")]
        self.assertEqual(sorted(urllib.parse.unquote(h.split("/")[3].split("?")[0]) for h in shown), sorted(below))
        one = self.suppliers()[0]
        # the name as written with (株) instead of 株式会社 still finds it
        needle = one["name"].replace("株式会社", "(株)")
        _, p = self.page("/erp/?name=" + quote(needle))
        self.assertIn(one["vendor_code"], p.all_text())
        r, p = self.page("/erp/?lang=en")
        self.assertIn("Supplier board", p.all_text())
        self.assertIn(("html", {"lang": "en"}), [(t, a) for t, a in p.tags if t == "html"])
        self.get("/erp/?lang=fr", expect=400)
        self.get("/erp/?page=0", expect=400)
        self.get("/erp/?standing=great", expect=400)

    def test_fragment_has_no_page_around_it_and_links_stay_fragments(self):
        r, p = self.page("/erp/?fragment=1")
        self.assertNotIn("<html", r.text)
        self.assertNotIn("<head", r.text)
        panel_links = [h for h in p.links() if h.startswith("/erp/suppliers/")]
        self.assertTrue(panel_links)
        self.assertTrue(all("fragment=1" in h for h in panel_links))
        r, p = self.page(panel_links[0])
        self.assertNotIn("<html", r.text)

    def test_paging_through_many_suppliers(self):
        rows = [good_row("P%04d" % i, i + 500) for i in range(120)]
        self.import_csv(csv_text(EN_HEADER, rows), expect=0, name="many.csv")
        total = len(self.suppliers())
        seen = []
        path = "/erp/?lang=en"
        while path:
            _, p = self.page(path)
            codes = [urllib.parse.unquote(h.split("/")[3].split("?")[0]) for h in p.links()
                     if h.startswith("/erp/suppliers/")]
            self.assertLessEqual(len(codes), 50)
            seen += codes
            nxt = [a["href"] for t, a in p.tags if t == "a" and a.get("rel") == "next"]
            path = nxt[0] if nxt else None
        self.assertEqual(len(seen), total)
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(len(set(seen)), total)

    def test_csv_download_is_the_filtered_list_for_excel(self):
        r = self.get("/erp/suppliers.csv?standing=below")
        self.assertEqual(r.content_type, "text/csv")
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:3], ["取引先コード", "会社名", "部署"])
        below = sorted(s["vendor_code"] for s in self.suppliers("--standing", "below"))
        self.assertEqual(sorted(x[0] for x in rows[1:]), below)
        self.assertTrue(all(x[7].endswith("不足") for x in rows[1:]))


class CoverageChart(ScreenCase):
    """The 星取表's chart replays the history: today is 2026-11-20 (HOSHITORI_TODAY); A has
    been a supplier since June and got its ★3 on 15 September, B never reported anything, C
    joined on 10 October already holding ★3. The history rows and creation dates are set in
    the past with SQL, as the CLI only writes the present."""

    def setUp(self):
        CliTest.setUp(self)
        self.init()
        self.import_csv(csv_text(EN_HEADER, [good_row("A1", scs="★3", scs_until="2028-03-31"), good_row("B1"),
                                             good_row("C1", scs="★3", scs_until="2028-03-31")]), expect=0)
        self.sql("UPDATE suppliers SET created_at = '2026-06-01T00:00:00Z' WHERE vendor_code IN ('A1', 'B1')")
        # 2026-10-10 09:00 in Japan is 00:00 UTC; the day counts for October
        self.sql("UPDATE suppliers SET created_at = '2026-10-10T00:00:00Z' WHERE vendor_code = 'C1'")
        for field, new in (("scs_level", "3"), ("scs_valid_until", "2028-03-31")):
            self.sql("INSERT INTO supplier_history (vendor_code, generation, changed_at, actor, source, field, "
                     "old_value, new_value) VALUES ('A1', 1, '2026-09-15T01:00:00Z', 'test', 'test', '%s', NULL, "
                     "'%s')" % (field, new))
        p = self.run_cli("apikey", "create", "--name", "erp-proxy", "--role", "viewer")
        self.assertEqual(p.returncode, 0, p.err)
        self.key = p.out.strip()
        self.server = Server(self.db)

    def test_each_month_end_is_replayed_from_the_history(self):
        r, p = self.page("/erp/")
        table = re.search(r'<details class="hs-chart-data">.*?</details>', r.text, re.S).group(0)
        rows = re.findall(r"<tr><td>(\d{4}-\d{2})</td><td>(\d+)</td><td>(\d+)</td><td>([^<]+)</td></tr>", table)
        self.assertEqual(len(rows), 12, table)
        self.assertEqual(rows[0][0], "2025-12")
        got = {m: (int(meet), int(total), share) for m, meet, total, share in rows}
        self.assertEqual(got["2026-05"], (0, 0, "—"))
        self.assertEqual(got["2026-06"], (0, 2, "0%"))
        self.assertEqual(got["2026-08"], (0, 2, "0%"))
        self.assertEqual(got["2026-09"], (1, 2, "50%"))
        self.assertEqual(got["2026-10"], (2, 3, "67%"))
        self.assertEqual(got["2026-11"], (2, 3, "67%"))
        # one bar per month with suppliers, the current one marked, and words for screen readers
        self.assertEqual(len(re.findall(r'<rect class="hs-chart-bar', r.text)), 6)
        self.assertEqual(len(re.findall(r'<rect class="hs-chart-bar hs-chart-now"', r.text)), 1)
        self.assertIn("2026-09 50%", r.text)
        self.assertIn('role="img"', r.text)
        # a change today moves only the current month
        self.import_csv(csv_text(EN_HEADER, [good_row("B1", scs="★3", scs_until="2028-03-31")]), expect=0)
        # (the same URL as above: a page kept from before the change is not served again)
        r, _ = self.page("/erp/")
        table = re.search(r'<details class="hs-chart-data">.*?</details>', r.text, re.S).group(0)
        self.assertIn("<tr><td>2026-11</td><td>3</td><td>3</td><td>100%</td></tr>", table)
        self.assertIn("<tr><td>2026-10</td><td>2</td><td>3</td><td>67%</td></tr>", table)
        self.assertIn("充足 <strong>3</strong>", r.text)
        # the same kept page, each in a layout naming its own user
        for user in ("佐藤 花子", "<b>鈴木</b>"):
            r, p = self.page("/erp/", user="UTF-8''" + quote(user))
            self.assertEqual(re.search(r'<span class="hs-user">(.*?)</span>', r.text).group(1),
                             user.replace("<", "&lt;").replace(">", "&gt;"))


class Escaping(ScreenCase):
    def test_hostile_supplier_names_are_shown_literally(self):
        rows = [good_row("X%d" % i, 900 + i, name=n) for i, n in enumerate(HOSTILE)]
        self.import_csv(csv_text(EN_HEADER, rows), expect=0, name="hostile.csv")
        for path in ("/erp/?name=" + quote("工業"), "/erp/", "/erp/suppliers/X0", "/erp/suppliers/X1",
                     "/erp/suppliers/X0?fragment=1"):
            r, p = self.page(path)
            self.assertNotIn("<script>", r.text)
            self.assertNotIn("<img src=x", r.text)
            self.assertNotIn("img", [t for t, _ in p.tags])
        _, p = self.page("/erp/suppliers/X1")
        self.assertIn(HOSTILE[1], p.all_text())  # shown as the text it is
        _, p = self.page("/erp/suppliers/X0")
        self.assertIn(HOSTILE[0], p.all_text())
        r = self.get("/erp/suppliers.csv?name=" + quote("HYPERLINK"))
        cells = [row[1] for row in csv.reader(io.StringIO(r.body.decode("utf-8-sig")))][1:]
        self.assertTrue(cells and all(c.startswith("'=") for c in cells), cells)

    def test_supplier_panel_shows_requests_thread_and_agreement(self):
        import json
        body = json.dumps({"request": fair_request("V0001")}).encode()
        r = self.server.request("POST", "/api/v1/requests", raw=body, key=self.key, user="buyer-tanaka")
        self.assertEqual(r.status, 201, r)
        number = r.json()["number"]
        est = dict(ESTIMATE, message='<b>見積り</b>をお送りします')
        r = self.server.request("POST", "/api/v1/requests/%s/steps" % number, body={"step": est}, key=self.key,
                                user="supplier-sato")
        self.assertEqual(r.status, 201, r)
        r = self.server.request("POST", "/api/v1/requests/%s/steps" % number, body={"step": {"side": "buyer", "kind": "accept", "message": "お見積りの金額を受け入れます"}}, key=self.key)
        self.assertEqual(r.status, 201, r)
        r = self.server.request("POST", "/api/v1/requests/%s/steps" % number,
                                body={"step": {"side": "buyer", "kind": "agreement", "terms": TERMS}}, key=self.key)
        sha = r.json()["agreement_sha256"]
        r, p = self.page("/erp/suppliers/V0001")
        text = p.all_text()
        self.assertIn(number, text)
        self.assertIn("<b>見積り</b>をお送りします", text)   # escaped, shown as typed
        self.assertNotIn("<b>見積り</b>", r.text)
        self.assertIn(sha, text)
        self.assertIn("セキュリティ対策費用の負担に関する合意書", text)
        self.assertIn("対策要請の発行", text)                 # the audit events for this supplier
        self.assertIn("apikey:erp-proxy", text)
        self.get("/erp/suppliers/NO-SUCH", expect=404)
        self.get("/erp/nothing", expect=404)


class StaffForms(ScreenCase):
    """Signing in through a link, and posting the screens' forms with their token."""

    def session(self, role="buyer"):
        path = self.link("山田 太郎", role)[len(self.server.base):]
        r = self.server.request("GET", path)
        self.assertEqual(r.status, 303)
        return {"Cookie": r.headers["Set-Cookie"].split(";")[0]}

    def form(self, cookie, fields, expect=200):
        r = self.server.request("GET", "/erp/requests/new?suppliers=V0001", headers=cookie)
        self.assertEqual(r.status, 200, r)
        csrf = [a["value"] for t, a in Page(r.text).tags if t == "input" and a.get("name") == "csrf"][0]
        body = urllib.parse.urlencode(dict(fields, csrf=csrf), doseq=True).encode()
        r = self.server.request("POST", "/erp/requests/new", raw=body,
                                headers=dict(cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))
        self.assertEqual(r.status, expect, r)
        return Page(r.text)

    FAIR = {"suppliers": "V0001 V0002", "level": "3", "due": "2027-03-31", "item": ["4-1-3", "4-4-4"],
            "cost_method": "折半", "cost_explanation": EXPLANATION, "negotiable": "yes"}


class IssueScreen(StaffForms):

    def test_check_shows_the_rules_before_anything_is_issued(self):
        cookie = self.session()
        unfair = dict(self.FAIR, cost_explanation="", negotiable="", due=cli_support.TODAY)
        p = self.form(cookie, dict(unfair, action="check"))
        text = p.all_text()
        for words in ("費用負担の説明がありません", "根拠：", "直し方：", "経済産業省・公正取引委員会"):
            self.assertIn(words, text)
        # the remedies name this screen's fields, not the JSON fields of the API
        for words in ("「取引先への説明」", "にチェックを入れてください"):
            self.assertIn(words, text)
        for json_name in ("cost_sharing", "negotiable", "necessity", "designated_service"):
            self.assertNotIn(json_name, text)
        self.assertNotIn("issue", [a.get("value") for t, a in p.tags if t == "button"])  # no way to issue it
        # issuing it anyway (a crafted POST) is refused by the same rules
        p = self.form(cookie, dict(unfair, action="issue"))
        self.assertIn("このままでは発行できません", p.all_text())
        self.assertEqual(self.run_cli("request", "list", "--json").out.count('"number"'), 0)
        # a fair request: the check offers the button, issuing makes one request per supplier
        p = self.form(cookie, dict(self.FAIR, action="check"))
        self.assertIn("issue", [a.get("value") for t, a in p.tags if t == "button"])
        self.assertEqual(self.run_cli("request", "list", "--json").out.count('"number"'), 0)
        p = self.form(cookie, dict(self.FAIR, suppliers="V0001 V0002 NOPE", action="issue"))
        text = p.all_text()
        self.assertIn("2026-00001", text)
        self.assertIn("2026-00002", text)
        self.assertIn("NOPE", text)
        listed = json.loads(self.run_cli("request", "list", "--json").out)["requests"]
        self.assertEqual(sorted(r["supplier"] for r in listed), ["V0001", "V0002"])
        self.assertTrue(all(r["created_by"] == "山田 太郎" for r in listed))

    def test_only_the_offered_values_are_taken(self):
        cookie = self.session()
        for field, value in (("level", "5"), ("level", "★4"), ("cost_method", "好きな方法"), ("item", "9-9-9"),
                             ("negotiable", "true"), ("action", "publish")):
            p = self.form(cookie, dict(dict(self.FAIR, action="issue"), **{field: value}), expect=400)
            self.assertIn("is not one of the form's choices", p.all_text(), (field, value))
        self.assertEqual(self.run_cli("request", "list", "--json").out.count('"number"'), 0)

    def test_only_buyers_with_the_form_token_can_post(self):
        viewer = self.session("viewer")
        self.assertEqual(self.server.request("GET", "/erp/requests/new", headers=viewer).status, 403)
        cookie = self.session()
        body = urllib.parse.urlencode(dict(self.FAIR, action="issue", csrf="forged")).encode()
        r = self.server.request("POST", "/erp/requests/new", raw=body,
                                headers=dict(cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))
        self.assertEqual(r.status, 403)
        body = urllib.parse.urlencode(dict(self.FAIR, action="issue")).encode()
        r = self.server.request("POST", "/erp/requests/new", raw=body,
                                headers=dict(cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))
        self.assertEqual(r.status, 403)
        self.assertEqual(json.loads(self.run_cli("request", "list", "--json").out)["requests"], [])


class PanelNegotiation(StaffForms):
    def panel_form(self, cookie, action, fields, expect=303):
        r = self.server.request("GET", "/erp/suppliers/V0001", headers=cookie)
        self.assertEqual(r.status, 200, r)
        p = Page(r.text)
        csrf = [a["value"] for t, a in p.tags if t == "input" and a.get("name") == "csrf"][0]
        forms = [a["action"] for t, a in p.tags if t == "form"]
        target = [f for f in forms if f.endswith("/" + action)]
        self.assertTrue(target, "no %s form on the panel: %s" % (action, forms))
        body = urllib.parse.urlencode(dict(fields, csrf=csrf)).encode()
        r = self.server.request("POST", target[0], raw=body,
                                headers=dict(cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))
        self.assertEqual(r.status, expect, r)
        return r

    def test_buyer_negotiates_drafts_and_confirms_from_the_panel(self):
        cookie = self.session()
        self.form(cookie, dict(self.FAIR, suppliers="V0001", action="issue"))
        number = json.loads(self.run_cli("request", "list", "--json").out)["requests"][0]["number"]
        r = self.panel_form(cookie, "step", {"kind": "proposal", "buyer_amount": "２５０，０００", "share_percent": "50",
                                             "basis": "見積りの初期費用の半額",
                                             "message": "初期費用の半額を当社が負担します"})
        self.assertIn("done=step", r.headers["Location"])
        r = self.server.request("GET", "/erp/suppliers/V0001", headers=cookie)
        thread = re.search(r'<ol class="hs-thread">.*?</ol>', r.text, re.S).group(0)
        self.assertIn("250,000円", thread)  # the amounts of a step, not only its message
        self.assertIn("50%", thread)
        r = self.panel_form(cookie, "step", {"kind": "proposal", "buyer_amount": "abc"}, expect=400)
        self.assertIn("「当社の負担額（円）」は数字で入力してください", r.text)  # the field, in the screen's words
        draft = {"sharing": "折半", "buyer_share_percent": "50", "initial_cost": "500000", "buyer_amount": "250000",
                 "measures": "★3の要求事項への対応"}
        r = self.panel_form(cookie, "agreement", dict(draft, implementation_due="2026-11-19"), expect=400)
        self.assertIn("terms.implementation_due", r.text)  # the measures cannot be due yesterday
        self.panel_form(cookie, "agreement", dict(draft, implementation_due="2027-06-30"))
        shown = json.loads(self.run_cli("request", "show", number, "--json").out)
        self.assertEqual(shown["agreements"][0]["terms"]["implementation_due"], "2027-06-30")
        document = self.run_cli("agreement", number).out
        self.assertIn("前項の対策の実施期限は、令和9年6月30日（2027-06-30）とする。", document)
        self.assertEqual([s["kind"] for s in shown["steps"]], ["proposal", "agreement"])
        self.assertEqual(shown["steps"][0]["body"]["buyer_amount"], 250000)
        self.assertEqual(shown["steps"][0]["actor"], "山田 太郎")
        sha = shown["agreements"][0]["sha256"]
        r = self.panel_form(cookie, "confirm", {"sha256": sha}, expect=400)  # box not ticked
        self.assertIn("チェックを入れてください", r.text)
        self.panel_form(cookie, "confirm", {"sha256": sha, "read": "yes"})
        shown = json.loads(self.run_cli("request", "show", number, "--json").out)
        self.assertEqual([c["side"] for c in shown["agreements"][0]["confirmations"]], ["buyer"])
        # a supplier link, shown once on the page and working
        r = self.panel_form(cookie, "link", {}, expect=200)
        link = re.search(r"http://[^<\s]+/s/[A-Za-z0-9_-]{43}", r.text).group(0)
        self.assertEqual(self.server.request("GET", link[len(self.server.base):]).status, 200)
        r = self.server.request("GET", "/erp/suppliers/V0001", headers=cookie)
        self.assertNotIn(link, r.text)

    def test_forms_and_links_keep_the_language_and_fragment_mode(self):
        cookie = self.session()
        self.form(cookie, dict(self.FAIR, suppliers="V0001", action="issue"))
        r = self.server.request("GET", "/erp/suppliers/V0001?lang=en&fragment=1", headers=cookie)
        p = Page(r.text)
        actions = [a["action"] for t, a in p.tags if t == "form"]
        self.assertTrue(actions)
        for action in actions:
            self.assertTrue(action.endswith("?lang=en&fragment=1"), action)
        self.assertIn("/erp/requests/new?suppliers=V0001&lang=en&fragment=1", p.links())
        csrf = [a["value"] for t, a in p.tags if t == "input" and a.get("name") == "csrf"][0]
        step = [a for a in actions if "/step?" in a][0]
        body = urllib.parse.urlencode({"kind": "message", "message": "ご確認ください", "csrf": csrf}).encode()
        r = self.server.request("POST", step, raw=body,
                                headers=dict(cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))
        self.assertEqual(r.status, 303)
        self.assertIn("lang=en", r.headers["Location"])
        self.assertIn("fragment=1", r.headers["Location"])

    def test_viewers_get_no_forms_and_posts_need_the_token(self):
        cookie = self.session()
        self.form(cookie, dict(self.FAIR, suppliers="V0001", action="issue"))
        number = json.loads(self.run_cli("request", "list", "--json").out)["requests"][0]["number"]
        viewer = self.session("viewer")
        r = self.server.request("GET", "/erp/suppliers/V0001", headers=viewer)
        main = r.text.split('<main id="hs-main">', 1)[1]
        self.assertNotIn("<form", main)  # (the header's only form is the sign-out button)
        self.assertIn('action="/erp/logout"', r.text.split('<main id="hs-main">', 1)[0])
        body = urllib.parse.urlencode({"kind": "message", "message": "x"}).encode()
        for who, expect in ((viewer, 403), (cookie, 403)):  # the viewer's role, the buyer without a token
            r = self.server.request("POST", "/erp/requests/%s/step" % number, raw=body,
                                    headers=dict(who, **{"Content-Type": "application/x-www-form-urlencoded"}))
            self.assertEqual(r.status, expect)
        self.assertEqual(json.loads(self.run_cli("request", "show", number, "--json").out)["steps"], [])


class PublicUrl(StaffForms):
    """Behind a proxy the Host header is not what suppliers reach: --public-url is."""
    server_args = ("--public-url", "https://hoshitori.example.co.jp/")
    panel_form = PanelNegotiation.panel_form

    def test_supplier_links_use_the_public_url_whatever_the_host_header(self):
        cookie = self.session()
        self.form(cookie, dict(self.FAIR, suppliers="V0001", action="issue"))
        r = self.panel_form(dict(cookie, Host="evil.example"), "link", {}, expect=200)
        self.assertRegex(r.text, r"https://hoshitori\.example\.co\.jp/s/[A-Za-z0-9_-]{43}<")
        self.assertNotIn("evil.example", r.text)

    def test_cookies_are_secure_when_the_public_url_is_https(self):
        r = self.server.request("GET", self.link()[len(self.server.base):])
        self.assertEqual(r.status, 303)
        self.assertIn("; Secure", r.headers["Set-Cookie"])


class NoHost(StaffForms):
    """Without --public-url a supplier link is built from the request's Host: an HTTP/1.0
    request may name none, and then no link is minted (never http:///s/…)."""
    panel_form = PanelNegotiation.panel_form

    def test_no_link_is_minted_for_a_request_without_host(self):
        import socket
        cookie = self.session()
        self.form(cookie, dict(self.FAIR, suppliers="V0001", action="issue"))
        r = self.server.request("GET", "/erp/suppliers/V0001", headers=cookie)
        p = Page(r.text)
        csrf = [a["value"] for t, a in p.tags if t == "input" and a.get("name") == "csrf"][0]
        target = [a["action"] for t, a in p.tags if t == "form" and a.get("action", "").endswith("/link")][0]
        body = urllib.parse.urlencode({"csrf": csrf}).encode()
        s = socket.create_connection(("127.0.0.1", self.server.port))
        s.sendall(b"POST %s HTTP/1.0\r\nCookie: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: %d\r\n\r\n%s" % (target.encode(), cookie["Cookie"].encode(), len(body), body))
        s.settimeout(30)
        answer = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            answer += d
        s.close()
        self.assertTrue(answer.startswith(b"HTTP/1.1 400"), answer[:300])
        self.assertIn("--public-url", answer.decode("utf-8"))
        self.assertNotIn(b"/s/", answer.split(b"\r\n\r\n", 1)[1])
        # with a Host the same form mints one, from that host
        r = self.panel_form(cookie, "link", {}, expect=200)
        self.assertRegex(r.text, r"http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_-]{43}<")


class SignIn(ScreenCase):
    server_args = ("--frame-ancestors", "'self' https://erp.example.co.jp")

    def test_signed_link_opens_a_session_once(self):
        link = self.link()
        path = link[len(self.server.base):]
        r = self.server.request("GET", path)
        self.assertEqual(r.status, 303)
        self.assertEqual(r.headers["Location"], "/erp/")
        cookie = r.headers["Set-Cookie"]
        for flag in ("HttpOnly", "SameSite=Strict", "Path=/erp/"):
            self.assertIn(flag, cookie)
        self.assertNotIn("Secure", cookie)  # plain http on loopback: a Secure cookie would never come back
        session = cookie.split(";")[0]
        r, p = self.page("/erp/", key=None, headers={"Cookie": session})
        self.assertIn("山田 太郎", p.all_text())
        self.assertIn("frame-ancestors 'self' https://erp.example.co.jp", r.headers["Content-Security-Policy"])
        # the same link a second time: gone
        self.assertEqual(self.server.request("GET", path).status, 410)
        # a forged session, and no credentials at all
        self.assertEqual(self.server.request("GET", "/erp/", headers={"Cookie": "hoshitori_staff=forged"}).status, 401)
        r = self.server.request("GET", "/erp/")
        self.assertEqual(r.status, 401)
        self.assertEqual(r.content_type, "text/html")

    def test_tampered_and_expired_links_are_refused(self):
        path = self.link()[len(self.server.base):]
        forged = path.replace("r=buyer", "r=admin")
        self.assertEqual(self.server.request("GET", forged).status, 403)
        other_user = re.sub(r"u=[^&]+", "u=" + quote("社長"), path)
        self.assertEqual(self.server.request("GET", other_user).status, 403)
        short = self.link("佐藤", "viewer", "--ttl", "1")[len(self.server.base):]
        time.sleep(2.2)
        self.assertEqual(self.server.request("GET", short).status, 410)
        # a link can only lead into the screens
        for bad in ("//evil.example/", "https://evil.example/erp/", "/api/v1/suppliers", "/erp/../api"):
            p = self.run_cli("erp-link", "--for", "x", "--role", "viewer", "--next", bad)
            self.assertEqual(p.returncode, 2, bad)
        p = self.run_cli("erp-link", "--for", "x", "--role", "viewer", "--ttl", "7200")
        self.assertEqual(p.returncode, 2)

    def test_evidence_downloads_need_a_staff_caller_and_a_real_file(self):
        # (the download itself, bytes and name, is in the e2e request story)
        self.assertEqual(self.server.request("GET", "/erp/evidence/1").status, 401)
        for bad in ("1", "0", "abc", "1e3", "9" * 30, "-1"):
            self.get("/erp/evidence/" + bad, expect=404)
        _, p = self.page("/erp/suppliers/V0001")
        self.assertIn("取引先から送られた証跡ファイルはありません。", p.all_text())

    def test_static_assets_are_local(self):
        r = self.server.request("GET", "/static/hoshitori.css")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.content_type, "text/css")
        for bad in ("/static/../schemas/policy.yaml", "/static/%2e%2e%2fREADME.md", "/static/nothing.css"):
            self.assertEqual(self.server.request("GET", bad).status, 404, bad)
        self.assertEqual(self.server.request("GET", "/static/hoshitori.css%00.png").status, 400)


if __name__ == "__main__":
    sys.exit(cli_support.main())
