#!/usr/bin/env python3
"""The briefing (説明会) step of the model case on a real `hoshitori serve`: the invited
supplier answers 出席/欠席 on the page its invitation links to, staff record replies they
received by phone or mail (ERP screen and CLI), the campaign screen counts 出席/欠席/未回答,
and the materials shown are attached with their SHA-256 and downloaded by staff and by the
invited suppliers. Bad input names the field and changes nothing; a link acts only for its
own campaign and supplier.

usage: /usr/bin/python3 test_briefing.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import email
import email.policy
import hashlib
import json
import os
import re
import sys
import unittest
import urllib.error
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import CliTest  # noqa: E402
from smtp_support import Sink  # noqa: E402
from supplier_page_support import Browser, Labelled, multipart, pdf_bytes, png_bytes  # noqa: E402
from test_screens import Page  # noqa: E402

EVENT = {"title": "取引先向けセキュリティ説明会", "start": "2027-01-20T14:00:00+09:00",
         "end": "2027-01-20T15:30:00+09:00", "location": "本社3F会議室"}
INVITED = ["V0001", "V0002", "V0003"]


class BriefingCase(CliTest):
    def setUp(self):
        super().setUp()
        self.init()
        self.import_file(os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv"), expect=0)
        self.cid = self.briefing(INVITED)
        self.server = Server(self.db)
        self.browser = Browser(self.server.base)
        self.links = {code: self.link(self.cid, code) for code in INVITED}

    def tearDown(self):
        code, _, err = self.server.stop()
        self.assertEqual(code, 0, err)
        super().tearDown()

    def cli(self, *args, code=0):
        p = self.run_cli(*args)
        self.assertEqual(p.returncode, code, "%s\nstdout: %s\nstderr: %s" % (args, p.out, p.err))
        return p

    def briefing(self, codes, kind="briefing"):
        spec = {"kind": kind, "template": kind, "suppliers": {"codes": codes}}
        if kind == "briefing":
            spec["event"] = EVENT
        cid = int(self.cli("campaign", "create", "--json", self.write("c%d.json" % len(os.listdir(self.tmp)),
                                                                      json.dumps(spec)), "--by", "山田").out)
        self.cli("campaign", "send", str(cid), "--queue-only", "--by", "山田")
        return cid

    def link(self, cid, code):
        path = re.search(r"/s/[A-Za-z0-9_-]{43}$", self.cli("briefing", "link", str(cid), code).out.strip()).group(0)
        return path

    def attendance(self, cid=None):
        return json.loads(self.cli("briefing", "attendance", str(cid or self.cid), "--json").out)

    def by_code(self, cid=None):
        return {s["vendor_code"]: s for s in self.attendance(cid)["suppliers"]}

    def audit(self):
        path = os.path.join(self.tmp, "audit-%d.jsonl" % len(os.listdir(self.tmp)))
        self.cli("export", "audit", "--format", "jsonl", "--out", path)
        with open(path, encoding="utf-8") as f:
            return [e for e in (json.loads(line) for line in f if line.strip()) if "action" in e]

    # -- the supplier's page -------------------------------------------------------------

    def supplier_page(self, code):
        status, headers, body = self.browser.open(self.links[code])
        self.assertEqual(status, 200, body[:500])
        p = Page(body)
        self.assertEqual(p.scripts, 0)
        csrf = [a["value"] for t, a in p.tags if t == "input" and a.get("name") == "csrf"]
        return body, p, csrf[0]

    def fetch(self, path):
        """(status, bytes) of a download through the supplier's browser."""
        try:
            with self.browser.opener.open(self.server.base + path, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def answer_on_page(self, code, form, expect=303):
        _, _, csrf = self.supplier_page(code)
        status, headers, body = self.browser.open(self.links[code] + "/attendance", dict(form, csrf=csrf))
        self.assertEqual(status, expect, body[:800])
        return headers, body

    # -- the staff screen ----------------------------------------------------------------

    def session(self):
        link = self.cli("erp-link", "--for", "山田 太郎", "--role", "buyer", "--base", self.server.base).out.strip()
        r = self.server.request("GET", link[len(self.server.base):])
        self.assertEqual(r.status, 303)
        return {"Cookie": r.headers["Set-Cookie"].split(";")[0]}

    def screen(self, cookie, cid=None):
        r = self.server.request("GET", "/erp/campaigns/%d" % (cid or self.cid), headers=cookie)
        self.assertEqual(r.status, 200, r)
        return r.text

    def staff_post(self, cookie, fields, expect=303):
        csrf = re.search(r'name="csrf" value="([^"]+)"', self.screen(cookie)).group(1)
        body = urllib.parse.urlencode(dict(fields, csrf=csrf)).encode()
        r = self.server.request("POST", "/erp/campaigns/%d/attendance" % self.cid, raw=body,
                                headers=dict(cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))
        self.assertEqual(r.status, expect, r.text[:800])
        return r


class Attendance(BriefingCase):
    def test_supplier_page_and_staff_answers_counted_latest_wins_history_kept(self):
        body, p, _ = self.supplier_page("V0001")
        text = p.all_text()
        self.assertIn(EVENT["title"], text)
        self.assertIn("令和9年1月20日", text)
        self.assertIn("まだご回答を伺っていません", text)
        self.assertIn("資料はまだ掲載されていません", text)
        self.assertEqual(Labelled(body).unlabelled, [])

        self.answer_on_page("V0001", {"answer": "attend", "attendees": "2", "note": "二名で伺います", "name": "青葉 一郎"})
        body, p, _ = self.supplier_page("V0001")
        self.assertIn("記録されているご回答：出席（2名）", p.all_text())

        cookie = self.session()
        self.staff_post(cookie, {"vendor_code": "V0002", "answer": "absent", "channel": "電話",
                                 "note": "当日は出張のため"})
        # the supplier changes its mind: the latest answer counts, the first stays on record
        self.answer_on_page("V0001", {"answer": "attend", "attendees": "３"})

        a = self.attendance()
        self.assertEqual(a["counts"], {"attend": 1, "absent": 1, "unanswered": 1, "attendees": 3})
        s = self.by_code()
        self.assertEqual((s["V0001"]["answer"], s["V0001"]["attendees"], s["V0001"]["answers"]), ("attend", 3, 2))
        self.assertEqual(s["V0001"]["via"], "supplier_page")
        self.assertEqual(s["V0001"]["recorded_by"], "supplier:V0001")
        self.assertEqual((s["V0002"]["answer"], s["V0002"]["via"]), ("absent", "staff:電話"))
        self.assertEqual(s["V0002"]["recorded_by"], "山田 太郎")
        self.assertIsNone(s["V0003"]["answer"])
        self.assertEqual(s["V0003"]["answer_word"], "未回答")

        # the staff record a reply to the invitation from the CLI too
        self.cli("briefing", "answer", str(self.cid), "V0003", "--answer", "欠席", "--channel", "招待への返信",
                 "--by", "佐藤")
        self.assertEqual(self.attendance()["counts"], {"attend": 1, "absent": 2, "unanswered": 0, "attendees": 3})

        page = Page(self.screen(cookie)).all_text()
        for words in ("説明会の出欠", "出席", "欠席", "担当者が記録（電話）", "担当者が記録（招待への返信）",
                      "取引先がページで回答", "当日は出張のため"):
            self.assertIn(words, page)
        self.assertNotIn("attend", page)
        self.assertNotIn("staff:", page)

        events = [e for e in self.audit() if e["action"] == "briefing.answered"]
        self.assertEqual([(e["vendor_code"], json.loads(e["after_json"])["answer"]) for e in events],
                         [("V0001", "attend"), ("V0002", "absent"), ("V0001", "attend"), ("V0003", "absent")])
        self.cli("verify")
        # the database keeps every answer and refuses to rewrite one
        with self.assertRaises(Exception):
            self.sql("UPDATE briefing_answers SET answer = 'absent'")
        with self.assertRaises(Exception):
            self.sql("DELETE FROM briefing_answers")
        self.assertEqual(self.by_code()["V0001"]["answers"], 2)

    def test_bad_input_names_the_field_and_changes_nothing(self):
        self.answer_on_page("V0001", {"answer": "attend", "attendees": "2"})
        before = self.attendance()
        bad = [({"answer": "maybe"}, "出席か欠席か"),
               ({"answer": ""}, "出席か欠席か"),
               ({"answer": "attend", "attendees": "-1"}, "出席人数"),
               ({"answer": "attend", "attendees": "abc"}, "出席人数"),
               ({"answer": "attend", "attendees": "0"}, "出席人数"),
               ({"answer": "attend", "attendees": "100"}, "出席人数"),
               ({"answer": "absent", "attendees": "2"}, "出席人数"),
               ({"answer": "attend", "note": "あ" * 501}, "連絡事項")]
        for form, field in bad:
            _, body = self.answer_on_page("V0001", form, expect=400)
            self.assertIn(field, Page(body).all_text(), form)
        # no CSRF token, or one of another page: refused
        status, _, _ = self.browser.open(self.links["V0001"] + "/attendance", {"answer": "absent"})
        self.assertEqual(status, 403)
        _, _, csrf_other = self.supplier_page("V0002")
        status, _, _ = self.browser.open(self.links["V0001"] + "/attendance", {"answer": "absent", "csrf": csrf_other})
        self.assertEqual(status, 403)
        # a field sent twice
        _, _, csrf = self.supplier_page("V0001")
        body = "csrf=%s&answer=absent&answer=attend" % urllib.parse.quote(csrf)
        status, _, _ = self.browser.open(self.links["V0001"] + "/attendance", raw=body.encode(),
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400)

        cookie = self.session()
        staff_bad = [({"vendor_code": "V0002", "answer": "yes", "channel": "電話"}, "出欠（answer）"),
                     ({"vendor_code": "V0002", "answer": "attend", "attendees": "-3", "channel": "電話"},
                      "人数（attendees）"),
                     ({"vendor_code": "V0002", "answer": "attend", "attendees": "二", "channel": "電話"},
                      "人数（attendees）"),
                     ({"vendor_code": "V0002", "answer": "absent", "channel": "伝書鳩"}, "受けた方法（channel）"),
                     ({"vendor_code": "V0002", "answer": "absent", "channel": "電話", "note": "x" * 501},
                      "連絡事項（note）"),
                     ({"vendor_code": "V0010", "answer": "absent", "channel": "電話"}, "取引先（vendor_code）")]
        for form, field in staff_bad:
            r = self.staff_post(cookie, form, expect=400)
            self.assertIn(field, Page(r.text).all_text(), form)
        for args, field in ((["--answer", "maybe", "--channel", "電話"], "answer:"),
                            (["--answer", "attend", "--attendees", "-1", "--channel", "電話"], "attendees:"),
                            (["--answer", "attend", "--attendees", "x", "--channel", "電話"], "attendees:"),
                            (["--answer", "absent"], "channel:"),
                            (["--answer", "absent", "--channel", "電話", "--note", "n" * 501], "note:")):
            p = self.run_cli("briefing", "answer", str(self.cid), "V0002", *args)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn(field, p.err)
        p = self.run_cli("briefing", "answer", str(self.cid), "V0010", "--answer", "absent", "--channel", "電話")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("vendor_code: V0010 was not invited", p.err)
        self.assertEqual(self.attendance(), before)
        self.assertEqual(len([e for e in self.audit() if e["action"] == "briefing.answered"]), 1)

    def test_a_link_acts_only_for_its_own_campaign_and_supplier(self):
        # V0002's link answers for V0002 only
        self.answer_on_page("V0002", {"answer": "absent"})
        s = self.by_code()
        self.assertEqual((s["V0001"]["answer"], s["V0002"]["answer"]), (None, "absent"))
        # a second briefing with its own material: campaign 1's link cannot fetch it
        other = self.briefing(["V0001", "V0004"])
        mid = self.cli("briefing", "material", "add", str(other), self.write("other.pdf", pdf_bytes())).out.split()[0]
        self.assertEqual(self.fetch(self.links["V0001"] + "/material?id=" + mid)[0], 404)
        self.links["V0004"] = self.link(other, "V0004")
        self.assertEqual(self.fetch(self.links["V0004"] + "/material?id=" + mid), (200, pdf_bytes()))
        # V0004's link (campaign 2) leaves campaign 1 alone
        self.answer_on_page("V0004", {"answer": "attend"})
        self.assertNotIn("V0004", self.by_code())
        self.assertEqual(self.by_code(other)["V0004"]["answer"], "attend")
        # links only for an invited supplier of a briefing
        p = self.run_cli("briefing", "link", str(self.cid), "V0005")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("vendor_code: V0005 was not invited", p.err)
        req = self.briefing(["V0001"], kind="reminder")
        p = self.run_cli("briefing", "link", str(req), "V0001")
        self.assertIn("is not a briefing", p.err)
        p = self.run_cli("briefing", "answer", str(req), "V0001", "--answer", "absent", "--channel", "電話")
        self.assertIn("campaign: %d is not a briefing" % req, p.err)
        # unknown tokens stay unknown
        status, _, _ = self.browser.open("/s/" + "A" * 43 + "/attendance", {"answer": "attend"})
        self.assertEqual(status, 404)


class Materials(BriefingCase):
    def test_materials_attached_with_their_sha256_and_downloaded_by_staff_and_suppliers(self):
        pdf = pdf_bytes()
        out = self.cli("briefing", "material", "add", str(self.cid), self.write("説明資料.pdf", pdf), "--by", "山田")
        mid_pdf, sha, name = out.out.strip().split("\t")
        self.assertEqual(sha, hashlib.sha256(pdf).hexdigest())
        self.assertEqual(name, "説明資料.pdf")

        cookie = self.session()
        csrf = re.search(r'name="csrf" value="([^"]+)"', self.screen(cookie)).group(1)
        png = png_bytes()
        body, ctype = multipart([("csrf", csrf)], [("slide-1.png", "image/png", png)])
        r = self.server.request("POST", "/erp/campaigns/%d/materials" % self.cid, raw=body,
                                headers=dict(cookie, **{"Content-Type": ctype}))
        self.assertEqual(r.status, 303, r.text[:500])
        # not a PDF/PNG/JPEG: refused naming the file field; nothing stored
        body, ctype = multipart([("csrf", csrf)], [("slides.pptx", "application/octet-stream", b"PK\x03\x04zip")])
        r = self.server.request("POST", "/erp/campaigns/%d/materials" % self.cid, raw=body,
                                headers=dict(cookie, **{"Content-Type": ctype}))
        self.assertEqual(r.status, 400)
        self.assertIn("ファイル（file）", Page(r.text).all_text())
        # a forged upload (no session token) is refused before any file is read
        body, ctype = multipart([("csrf", "x" * 43)], [("forged.pdf", "application/pdf", pdf)])
        r = self.server.request("POST", "/erp/campaigns/%d/materials" % self.cid, raw=body,
                                headers=dict(cookie, **{"Content-Type": ctype}))
        self.assertEqual(r.status, 403)

        mats = json.loads(self.cli("briefing", "materials", str(self.cid), "--json").out)["materials"]
        self.assertEqual([(m["filename"], m["sha256"], m["size"]) for m in mats],
                         [("説明資料.pdf", hashlib.sha256(pdf).hexdigest(), len(pdf)),
                          ("slide-1.png", hashlib.sha256(png).hexdigest(), len(png))])
        self.assertEqual(mats[1]["added_by"], "山田 太郎")

        page = self.screen(cookie)
        for m in mats:
            self.assertIn(m["sha256"], page)
        r = self.server.request("GET", "/erp/campaigns/%d/materials/%s" % (self.cid, mid_pdf), headers=cookie)
        self.assertEqual((r.status, r.body), (200, pdf))
        self.assertIn("attachment", r.headers["Content-Disposition"])
        r = self.server.request("GET", "/erp/campaigns/%d/materials/999" % self.cid, headers=cookie)
        self.assertEqual(r.status, 404)
        got = self.write("got.pdf", b"")
        self.cli("briefing", "material", "get", str(self.cid), mid_pdf, "--out", got)
        with open(got, "rb") as f:
            self.assertEqual(f.read(), pdf)

        # the invited supplier sees them with their SHA-256 and downloads them
        body, p, _ = self.supplier_page("V0003")
        self.assertIn(hashlib.sha256(png).hexdigest(), p.all_text())
        href = [a["href"] for t, a in p.tags if t == "a" and "/material?id=" in a.get("href", "")]
        self.assertEqual(len(href), 2)
        status, raw = self.fetch(href[1])
        self.assertEqual((status, hashlib.sha256(raw).hexdigest()), (200, hashlib.sha256(png).hexdigest()))

        actions = [e["action"] for e in self.audit()]
        self.assertEqual(actions.count("briefing.material_added"), 2)
        self.assertEqual(actions.count("briefing.material_downloaded"), 3)
        with self.assertRaises(Exception):
            self.sql("DELETE FROM briefing_materials")
        self.cli("verify")


class Invitation(CliTest):
    def test_the_invitation_mail_links_to_the_suppliers_briefing_page(self):
        self.init()
        self.import_file(os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv"), expect=0)
        spec = {"kind": "briefing", "template": "briefing", "suppliers": {"codes": ["V0001"]}, "event": EVENT}
        p = self.run_cli("campaign", "create", "--json", self.write("c.json", json.dumps(spec)), "--by", "山田")
        cid = p.out.strip()
        sink = Sink(self.tmp)
        try:
            p = self.run_cli("campaign", "send", cid, "--smtp", sink.url, "--by", "山田")
            self.assertEqual(p.returncode, 0, p.err)
            raws = sink.raw_messages()
        finally:
            sink.stop()
        self.assertEqual(len(raws), 1)
        m = email.message_from_bytes(raws[0], policy=email.policy.default)
        text = m.get_body(("plain",)).get_content()
        self.assertIn("貴社専用のページ", text)
        path = re.search(r"/s/[A-Za-z0-9_-]{43}", text).group(0)
        server = Server(self.db)
        try:
            browser = Browser(server.base)
            status, _, body = browser.open(path)
            self.assertEqual(status, 200, body[:300])
            self.assertIn(EVENT["title"], Page(body).all_text())
            csrf = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
            status, _, _ = browser.open(path + "/attendance", {"answer": "attend", "attendees": "1", "csrf": csrf})
            self.assertEqual(status, 303)
        finally:
            code, _, err = server.stop()
            self.assertEqual(code, 0, err)
        out = json.loads(self.run_cli("briefing", "attendance", cid, "--json").out)
        self.assertEqual(out["counts"]["attend"], 1)


if __name__ == "__main__":
    sys.exit(cli_support.main())
