#!/usr/bin/env python3
"""The supplier-initiated negotiation (issue 15 item 7, 想定事例 (4)) on a real `hoshitori serve`:
staff make, rotate and revoke a supplier's standing link (CLI, REST, ERP panel); the supplier
opens it without any request, computes its ask with the cost-share helper (server side, no
JavaScript needed) and sends it; the record starts negotiating with that ask, the buyer must
answer it under the same rules as any ask (a message answers nothing, no price decided over
it, accept / counter with basis / reject with reasons), and the agreement drawn from the thread
says truthfully that the supplier started it and that the buyer requested nothing. Bad input
names the field and writes nothing; a revoked, rotated or foreign link does nothing. The
request page's estimate form takes 物件費/人件費.

usage: /usr/bin/python3 test_initiate.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import json
import os
import re
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import CliTest  # noqa: E402
from requests_support import fair_request  # noqa: E402
from supplier_page_support import Browser, Labelled  # noqa: E402
from test_screens import Page  # noqa: E402

ASK = {"material_initial_cost": "600,000", "labor_initial_cost": "400,000", "initial_cost": "",
       "material_running_cost": "", "labor_running_cost": "", "running_cost": "240,000",
       "sales_share_percent": "20", "message": "EDR導入とログ監視の費用のうち、貴社との取引の割合に応じた負担をお願いします。",
       "name": "佐藤"}
REASONS = {"material_initial_cost": "機器は他社取引と共用のため", "labor_initial_cost": "導入作業は当社の支援で代替",
           "running_cost": "監視は当社のSOCで提供するため", "buyer_amount": "売上比率は直近の実績で15%のため",
           "buyer_running_amount": "同上、運用費も15%で算定"}


class InitiateCase(CliTest):
    def setUp(self):
        super().setUp()
        self.init()
        self.import_file(os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv"), expect=0)
        p = self.run_cli("apikey", "create", "--name", "erp", "--role", "buyer")
        self.key = p.out.strip()
        self.server = Server(self.db)
        self.browser = Browser(self.server.base)
        self.standing = self.make_link("V0002")

    def tearDown(self):
        code, _, err = self.server.stop()
        self.assertEqual(code, 0, err)
        super().tearDown()

    def cli(self, *args, code=0):
        p = self.run_cli(*args)
        self.assertEqual(p.returncode, code, "%s\nstdout: %s\nstderr: %s" % (args, p.out, p.err))
        return p

    def make_link(self, code):
        out = self.cli("standing-link", "create", code, "--by", "山田").out.strip()
        return re.search(r"/s/[A-Za-z0-9_-]{43}$", out).group(0)

    def api(self, method, path, body=None, expect=None):
        r = self.server.request(method, path, body=body, key=self.key, user="buyer-tanaka")
        if expect is None:
            self.assertLess(r.status, 300, r.text if hasattr(r, "text") else r)
        else:
            self.assertEqual(r.status, expect, r.text)
        return r.json()

    def page(self, path):
        status, headers, body = self.browser.open(path)
        self.assertEqual(status, 200, body[:500])
        p = Page(body)
        csrf = [a["value"] for t, a in p.tags if t == "input" and a.get("name") == "csrf"]
        return body, p, (csrf[0] if csrf else None), headers

    def post(self, path, action, form, expect=303):
        _, _, csrf, _ = self.page(path)
        status, headers, body = self.browser.open(path + "/" + action, dict(form, csrf=csrf))
        self.assertEqual(status, expect, body[:1500])
        return headers, body

    def records(self):
        return self.api("GET", "/api/v1/requests")["requests"]

    def audit(self):
        out = []
        for line in self.cli("export", "audit", "--format", "jsonl", "--out", "-").out.splitlines():
            e = json.loads(line)
            if "action" in e:
                out.append(e)
        return out

    def send_ask(self, form=None):
        headers, _ = self.post(self.standing, "negotiate", dict(form or ASK, do="send"))
        location = headers["Location"]
        m = re.match(r"^(/s/[A-Za-z0-9_-]{43})\?done=initiated$", location)
        self.assertTrue(m, location)
        mine = [r for r in self.records() if r["origin"] == "supplier"]
        return mine[-1]["number"], m.group(1)

    def step(self, number, step, expect=None):
        return self.api("POST", "/api/v1/requests/%s/steps" % number, {"step": step}, expect=expect)

    def session(self):
        link = self.cli("erp-link", "--for", "山田 太郎", "--role", "buyer", "--base", self.server.base).out.strip()
        r = self.server.request("GET", link[len(self.server.base):])
        self.assertEqual(r.status, 303)
        return {"Cookie": r.headers["Set-Cookie"].split(";")[0]}


class StandingPage(InitiateCase):
    def test_the_page_offers_negotiation_without_any_request(self):
        self.assertEqual(self.records(), [])
        body, p, csrf, headers = self.page(self.standing)
        text = p.all_text()
        self.assertIn("価格交渉を申し入れる", text)
        self.assertIn("要請がない場合でも", text)
        self.assertIn("取引かけこみ寺", text)
        self.assertNotIn("進行中の依頼", text)
        # its only script is our own file, computing what the server computes anyway
        scripts = [a for t, a in p.tags if t == "script"]
        self.assertEqual(scripts, [{"src": "/static/cost_share.js", "defer": None}])
        self.assertEqual(p.inline_handlers, [])
        csp = headers["Content-Security-Policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(Labelled(body).unlabelled, [])
        for flag in ("HttpOnly", "SameSite=Strict", "Path=/s/"):
            self.assertIn(flag, headers["Set-Cookie"])
        r = self.server.request("GET", "/static/cost_share.js")
        self.assertEqual(r.status, 200)
        self.assertIn("sales_share_percent", r.text)

    def test_preview_computes_on_the_server_and_writes_nothing(self):
        before = len(self.audit())
        _, body = self.post(self.standing, "negotiate", dict(ASK, do="preview"), expect=200)
        text = Page(body).all_text()
        self.assertIn("初期費用：200,000円", text)
        self.assertIn("運用費用（年額）：48,000円", text)
        self.assertIn("初期費用 1,000,000円（物件費 600,000円＋人件費 400,000円） × 20% = 200,000円", text)
        # what was typed stays in the form
        self.assertIn('value="600,000"', body)
        self.assertEqual(self.records(), [])
        self.assertEqual(len(self.audit()), before)

    def test_the_ask_becomes_a_negotiating_record_with_its_inputs(self):
        number, record_page = self.send_ask()
        shown = self.api("GET", "/api/v1/requests/" + number)
        self.assertEqual(shown["origin"], "supplier")
        self.assertEqual(shown["origin_label"], "取引先からの価格協議の申入れ")
        self.assertEqual(shown["level"], "")
        self.assertEqual(shown["due"], "")
        self.assertEqual(shown["state"], "negotiating")
        self.assertEqual(shown["request"]["origin"], "supplier")
        self.assertNotIn("level", shown["request"])
        self.assertEqual(len(shown["steps"]), 1)
        first = shown["steps"][0]
        self.assertEqual((first["side"], first["kind"]), ("supplier", "negotiation_request"))
        self.assertTrue(first["actor"].startswith("supplier:V0002"), first["actor"])
        b = first["body"]
        self.assertEqual((b["material_initial_cost"], b["labor_initial_cost"], b["initial_cost"]),
                         (600000, 400000, 1000000))
        self.assertEqual(b["running_cost"], 240000)
        self.assertEqual(b["sales_share_percent"], "20")
        self.assertEqual((b["buyer_amount"], b["buyer_running_amount"]), (200000, 48000))
        self.assertIn("× 20% = 200,000円", b["calculation"])
        self.assertEqual(b["message"], ASK["message"])
        self.assertEqual(shown["open_ask"]["step"], 1)
        self.assertEqual(shown["open_ask"]["figures_step"], 1)
        actions = [e["action"] for e in self.audit() if e.get("subject") == number]
        self.assertEqual(actions[:2], ["request.initiated", "negotiation.negotiation_request"])
        # no request letter exists to be printed for it
        r = self.server.request("GET", "/api/v1/requests/%s/letter?format=txt&lang=ja" % number, key=self.key,
                                user="buyer-tanaka")
        self.assertEqual(r.status, 400, r.text)
        self.assertIn("no request letter", r.text)
        # an export without a purpose leaves the helper's figures out
        exported = self.cli("export", "audit", "--format", "jsonl", "--out", "-").out
        self.assertNotIn("× 20% = 200,000円", exported)
        self.assertNotIn("600000", exported)
        # the record's own page: the thread, no request, no letter, no deadline
        status, _, body = self.browser.open(record_page + "?done=initiated")
        self.assertEqual(status, 200, body[:500])
        text = Page(body).all_text()
        self.assertIn("貴社からの価格協議の申入れ", text)
        self.assertIn("発注者から貴社へのセキュリティ対策の要請はありません", text)
        self.assertIn("価格協議の申入れを送信しました", text)
        self.assertIn("発注者との取引が貴社の売上に占める割合 20%", text)
        self.assertNotIn("求める水準", text)
        self.assertNotIn("このお願いへのご回答", text)
        self.assertNotIn("本要請", text)
        self.assertIn("貴社が価格協議を申し入れたことを理由に", text)  # where to report unfair treatment stays
        # the standing page now lists it, and opens it through a new link of the record
        body, p, csrf, _ = self.page(self.standing)
        self.assertIn(number, p.all_text())
        self.assertIn("取引先からの価格協議の申入れ", p.all_text())
        headers, _ = self.post(self.standing, "open", {"number": number})
        self.assertRegex(headers["Location"], r"^/s/[A-Za-z0-9_-]{43}$")
        self.assertIn(number, self.page(headers["Location"])[1].all_text())

    def test_open_requests_of_the_supplier_are_listed_and_opened(self):
        req = self.api("POST", "/api/v1/requests", {"request": fair_request("V0002")})["number"]
        body, p, _, _ = self.page(self.standing)
        self.assertIn(req, p.all_text())
        self.assertIn("当社からの対策要請", p.all_text())
        headers, _ = self.post(self.standing, "open", {"number": req})
        text = self.page(headers["Location"])[1].all_text()
        self.assertIn("サイバーセキュリティ対策のお願いへのご回答", text)


class BuyerAnswers(InitiateCase):
    def test_same_rules_as_any_ask_then_a_true_agreement(self):
        number, record_page = self.send_ask()
        # a bare message answers nothing; no price is decided and no agreement drafted over the ask
        self.step(number, {"side": "buyer", "kind": "message", "message": "確認します"})
        self.assertTrue(self.api("GET", "/api/v1/requests/" + number)["open_ask"])
        r = self.server.request("POST", "/api/v1/requests/%s/steps" % number, key=self.key, user="buyer-tanaka",
                                body={"step": {"side": "buyer", "kind": "price_decision", "amount": 100000}})
        self.assertEqual(r.status, 422, r.text)
        self.assertIn("no-unilateral-price", r.text)
        r = self.server.request("POST", "/api/v1/requests/%s/steps" % number, key=self.key, user="buyer-tanaka",
                                body={"step": {"side": "buyer", "kind": "agreement",
                                               "terms": {"sharing": "甲が一部を負担"}}})
        self.assertEqual(r.status, 422, r.text)
        # a counter-proposal needs its basis; a withdraw has no request to withdraw
        self.step(number, {"side": "buyer", "kind": "counter_proposal", "buyer_amount": 150000}, expect=400)
        r = self.step(number, {"side": "buyer", "kind": "withdraw", "reason": "不要になったため"}, expect=409)
        self.assertIn("supplier started this negotiation", r["detail"])
        # the dashboard lists it among those waiting for our answer, in words
        cookie = self.session()
        dash = self.server.request("GET", "/erp/", headers=cookie)
        self.assertEqual(dash.status, 200)
        text = Page(dash.text).all_text()
        self.assertIn("回答が必要な協議", text)
        self.assertIn(number, text)
        self.assertIn("取引先からの価格協議の申入れ", text)
        self.assertNotIn("negotiation_request", text)
        # the buyer accepts the supplier's figure from the panel
        panel = self.server.request("GET", "/erp/suppliers/V0002", headers=cookie)
        ptext = Page(panel.text).all_text()
        self.assertIn("取引先からの価格協議の申入れ", ptext)
        self.assertIn("当社から取引先へのセキュリティ対策の要請はありません", ptext)
        self.assertIn("計算: 初期費用 1,000,000円", ptext)
        csrf = re.search(r'name="csrf" value="([^"]+)"', panel.text).group(1)
        r = self.server.request("POST", "/erp/requests/%s/step" % number, headers=cookie,
                                raw=urllib.parse.urlencode({"csrf": csrf, "kind": "accept",
                                                            "message": "申入れの金額で受け入れます"}).encode(),
                                )
        self.assertEqual(r.status, 303, r.text[:800])
        shown = self.api("GET", "/api/v1/requests/" + number)
        self.assertIsNone(shown["open_ask"])
        accept = shown["steps"][-1]
        self.assertEqual((accept["kind"], accept["body"]["accepted_step"]), ("accept", 1))
        self.assertEqual(accept["body"]["accepted"]["buyer_amount"], 200000)
        self.assertNotIn(number, Page(self.server.request("GET", "/erp/", headers=cookie).text).all_text())
        # the agreement says who started it and that nothing was requested
        terms = {"sharing": "乙の費用に甲との取引の割合（20%）を乗じた額を甲が負担", "initial_cost": 1000000,
                 "buyer_amount": 200000, "running_cost": 240000, "buyer_running_amount": 48000,
                 "price_revision": {"date": "2027-04-01", "description": "単価に反映する"}}
        # the ask recorded costs, not measures: the agreement must name them, not point at a thread without any
        r = self.step(number, {"side": "buyer", "kind": "agreement", "terms": terms}, expect=400)
        self.assertIn("terms.measures", r["detail"])
        terms["measures"] = "多要素認証の導入とバックアップの取得"
        sha = self.step(number, {"side": "buyer", "kind": "agreement", "terms": terms})["agreement_sha256"]
        doc = self.api("GET", "/api/v1/requests/%s/agreement" % number)["document"]
        self.assertIn("乙から甲に対し協議の\n申入れがあったことを受け", doc)
        self.assertIn("甲は乙に対し、\n本件に関するセキュリティ対策の実施を要請していない", doc)
        self.assertIn("本件の協議は乙の申入れにより開始したものであり", doc)
        self.assertIn("乙が自ら定めた次の対策を実施する", doc)
        self.assertIn("多要素認証の導入とバックアップの取得", doc)
        self.assertNotIn("甲が乙に要請した", doc)
        self.assertNotIn("SCS評価制度", doc)
        self.assertNotIn("要請書", doc)
        self.assertNotIn("回答の期限", doc)
        self.assertIn("乙の売上に占める甲との取引の割合：20％", doc)
        self.assertIn("甲に負担を求める額（初期費用）：", doc)
        # the supplier confirms on its record's page, the buyer through the API: agreed
        _, _, csrf, _ = self.page(record_page)
        status, _, body = self.browser.open(record_page + "/confirm",
                                            {"csrf": csrf, "sha256": sha, "read": "yes", "name": "佐藤"})
        self.assertEqual(status, 303, body[:800])
        self.api("POST", "/api/v1/requests/%s/agreement/confirmations" % number, {"side": "buyer", "sha256": sha})
        self.assertEqual(self.api("GET", "/api/v1/requests/" + number)["state"], "agreed")

    def test_a_reject_gives_a_reason_per_cost_item(self):
        number, _ = self.send_ask()
        r = self.step(number, {"side": "buyer", "kind": "reject", "reasons": {"buyer_amount": "比率が違うため"}},
                      expect=400)
        self.assertIn("reasons.", r["detail"])
        self.assertTrue(self.api("GET", "/api/v1/requests/" + number)["open_ask"])
        self.step(number, {"side": "buyer", "kind": "reject", "reasons": REASONS})
        self.assertIsNone(self.api("GET", "/api/v1/requests/" + number)["open_ask"])


class BadInput(InitiateCase):
    def assert_refused(self, form, *words, status=400):
        before = (len(self.records()), len(self.audit()))
        _, body = self.post(self.standing, "negotiate", dict(form, do="send"), expect=status)
        text = Page(body).all_text()
        for w in words:
            self.assertIn(w, text)
        self.assertEqual((len(self.records()), len(self.audit())), before, "nothing written")
        return text

    def test_each_bad_field_is_named_and_nothing_is_written(self):
        self.assert_refused(dict(ASK, material_initial_cost="-600000"), "初期費用のうち物件費", "負の金額")
        self.assert_refused(dict(ASK, labor_initial_cost="四十万"), "初期費用のうち人件費", "数字で")
        self.assert_refused(dict(ASK, running_cost="abc"), "運用費用（年額・合計）", "数字で")
        self.assert_refused(dict(ASK, sales_share_percent="150"), "売上に占める当社との取引の割合", "0〜100")
        self.assert_refused(dict(ASK, sales_share_percent="-5"), "売上に占める当社との取引の割合", "負の値")
        self.assert_refused(dict(ASK, sales_share_percent="二割"), "売上に占める当社との取引の割合")
        self.assert_refused(dict(ASK, sales_share_percent=""), "売上に占める当社との取引の割合")
        self.assert_refused(dict(ASK, message="  "), "申入れの説明")
        self.assert_refused(dict(ASK, initial_cost="999"), "初期費用（合計）が物件費と人件費の合計")
        self.assert_refused({k: ("" if k.endswith("cost") else v) for k, v in ASK.items()}, "費用")

    def test_a_hollow_explanation_and_a_second_open_ask_are_refused(self):
        self.assert_refused(dict(ASK, message="。。。。。。。。。。。。"), "申入れの説明")
        self.assert_refused(dict(ASK, message="ああああああああああああ"), "申入れの説明")
        number, _ = self.send_ask()
        # the same form sent again (a double click, a second tab): one ask stays one record
        self.assert_refused(ASK, number, "協議中です")

    def test_revoking_the_standing_link_closes_the_record_links_opened_from_it(self):
        _, record_page = self.send_ask()
        self.assertEqual(self.browser.open(record_page)[0], 200)
        self.cli("standing-link", "revoke", "V0002", "--by", "山田")
        self.assertEqual(self.browser.open(record_page)[0], 410, "a record link opened from a revoked standing link")

    def test_another_suppliers_record_is_not_opened(self):
        other = self.api("POST", "/api/v1/requests", {"request": fair_request("V0001")})["number"]
        before = len(self.audit())
        _, body = self.post(self.standing, "open", {"number": other}, expect=400)
        self.assertIn("貴社）の依頼・協議ではありません", Page(body).all_text())
        self.assertEqual(len(self.audit()), before)

    def test_revoked_and_rotated_links_do_nothing(self):
        old = self.standing
        _, _, csrf, _ = self.page(old)
        new = self.make_link("V0002")  # rotation: the earlier link stops working
        status, _, body = self.browser.open(old)
        self.assertEqual(status, 410)
        self.assertIn("取り消しました", body)
        status, _, _ = self.browser.open(old + "/negotiate", dict(ASK, do="send", csrf=csrf))
        self.assertEqual(status, 410)
        self.assertEqual(self.records(), [])
        self.assertEqual(self.page(new)[0].count("価格交渉を申し入れる") > 0, True)
        self.cli("standing-link", "revoke", "V0002", "--by", "山田")
        self.assertEqual(self.browser.open(new)[0], 410)
        shown = self.cli("standing-link", "show", "V0002").out
        self.assertIn("none", shown)
        actions = [e["action"] for e in self.audit() if e.get("subject") == "V0002"]
        self.assertEqual([a for a in actions if a.startswith("standing_link.")],
                         ["standing_link.created", "standing_link.rotated", "standing_link.revoked"])
        # a token never issued counts as a guess, as for any supplier link
        self.assertEqual(self.browser.open("/s/" + "A" * 43)[0], 404)


class StaffLinks(InitiateCase):
    def test_rest_and_the_panel_make_show_and_revoke_the_link(self):
        shown = self.api("GET", "/api/v1/suppliers/V0003/standing-link")
        self.assertIsNone(shown["link"])
        made = self.api("POST", "/api/v1/suppliers/V0003/standing-link", {"days": 30}, expect=201)
        self.assertRegex(made["path"], r"^/s/[A-Za-z0-9_-]{43}$")
        self.assertEqual(self.browser.open(made["path"])[0], 200)
        link = self.api("GET", "/api/v1/suppliers/V0003/standing-link")["link"]
        self.assertEqual(link["state"], "live")
        self.assertNotIn(made["path"][3:], json.dumps(link))  # the token is never shown again
        self.api("POST", "/api/v1/suppliers/NOPE/standing-link", {}, expect=404)
        self.api("POST", "/api/v1/suppliers/V0003/standing-link", {"days": 0}, expect=400)
        self.assertTrue(self.api("DELETE", "/api/v1/suppliers/V0003/standing-link")["revoked"])
        self.assertEqual(self.browser.open(made["path"])[0], 410)
        # the panel: make (shown once), then revoke
        cookie = self.session()
        panel = self.server.request("GET", "/erp/suppliers/V0003", headers=cookie)
        self.assertIn("取引先専用リンク", panel.text)
        csrf = re.search(r'name="csrf" value="([^"]+)"', panel.text).group(1)
        r = self.server.request("POST", "/erp/suppliers/V0003/standing-link", headers=cookie,
                                raw=urllib.parse.urlencode({"csrf": csrf}).encode())
        self.assertEqual(r.status, 200, r.text[:500])
        url = re.search(r"http://127\.0\.0\.1:\d+(/s/[A-Za-z0-9_-]{43})", r.text).group(1)
        self.assertEqual(self.browser.open(url)[0], 200)
        self.assertIn("有効（", Page(r.text).all_text())
        r = self.server.request("POST", "/erp/suppliers/V0003/standing-link-revoke", headers=cookie,
                                raw=urllib.parse.urlencode({"csrf": csrf}).encode())
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(self.browser.open(url)[0], 410)


class EstimateSplit(InitiateCase):
    def test_the_request_page_estimate_takes_material_and_labor_parts(self):
        number = self.api("POST", "/api/v1/requests", {"request": fair_request("V0001")})["number"]
        path = self.cli("request", "link", number).out.strip()
        body, p, csrf, _ = self.page(path)
        for name in ("material_initial_cost", "labor_initial_cost", "material_running_cost", "labor_running_cost"):
            self.assertIn('name="%s"' % name, body)
        self.assertEqual(Labelled(body).unlabelled, [])
        _, body = self.post(path, "estimate", {"material_initial_cost": "300,000", "labor_initial_cost": "200,000",
                                               "initial_cost": "400,000"}, expect=400)
        self.assertIn("初期費用（合計）が物件費と人件費の合計と一致しません", Page(body).all_text())
        _, body = self.post(path, "estimate", {"labor_running_cost": "-1"}, expect=400)
        self.assertIn("運用費用（年額）のうち人件費", Page(body).all_text())
        self.assertEqual(self.api("GET", "/api/v1/requests/" + number)["steps"], [])
        self.post(path, "estimate", {"material_initial_cost": "300,000", "labor_initial_cost": "200,000",
                                     "labor_running_cost": "120,000", "basis": "見積書のとおり"})
        b = self.api("GET", "/api/v1/requests/" + number)["steps"][0]["body"]
        self.assertEqual((b["material_initial_cost"], b["labor_initial_cost"], b["initial_cost"]),
                         (300000, 200000, 500000))
        self.assertEqual((b["labor_running_cost"], b["running_cost"]), (120000, 120000))


if __name__ == "__main__":
    sys.exit(cli_support.main())
