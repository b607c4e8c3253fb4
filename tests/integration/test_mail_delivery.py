#!/usr/bin/env python3
"""Mail delivery against a real SMTP server on loopback (aiosmtpd, smtp_sink.py): ISO-2022-JP,
4xx retries and 5xx failures, AUTH + STARTTLS, a server that is down, a schedule; reminders
and agreement notices; and the buyer's staff screen (/erp/campaigns) on `hoshitori serve
--smtp`: a briefing to 1,000 suppliers, request letters with working links, who answered.

usage: /usr/bin/python3 test_mail_delivery.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import email
import email.policy
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import JA_HEADER, csv_text, good_row  # noqa: E402
from requests_support import ACCEPT, BUYER, ESTIMATE, SUPPLIER, TERMS, fair_request  # noqa: E402
from smtp_support import free_port, recipient  # noqa: E402
from test_campaigns import BRIEFING_SUBJECT, CHART_NO, EVENT, CampaignCase  # noqa: E402


class Delivery(CampaignCase):
    def setUp(self):
        super().setUp()
        rows = [good_row("V%03d" % i, i) for i in range(1, 5)]
        rows.append(good_row("V005", 5, name="株式会社①番製作所"))
        self.import_csv(csv_text(JA_HEADER, rows), expect=0)

    def briefing(self, **kw):
        spec = {"kind": "briefing", "template": "briefing", "suppliers": "all", "event": EVENT}
        spec.update(kw)
        return self.campaign(spec)

    def test_iso_2022_jp_for_older_clients_and_utf8_where_it_cannot(self):
        cid = self.briefing(charset="iso-2022-jp")
        sink = self.sink()
        self.cli("campaign", "send", str(cid), "--smtp", sink.url)
        raws = {recipient(r): r for r in sink.raw_messages()}
        self.assertEqual(len(raws), 5)
        for addr, raw in raws.items():
            self.assert_wellformed(raw)
            m = email.message_from_bytes(raw, policy=email.policy.default)
            self.assertEqual(str(m["Subject"]), BRIEFING_SUBJECT)
            charset = m.get_body(("plain",)).get_content_charset()
            if addr == "it@v005.example":
                self.assertEqual(charset, "utf-8")
                self.assertIn("株式会社①番製作所", m.get_body(("plain",)).get_content())
            else:
                self.assertEqual(charset, "iso-2022-jp")
                self.assertIn(b"=?ISO-2022-JP?B?", raw)
                self.assertIn(b"Content-Transfer-Encoding: 7bit", raw)
                self.assertIn("本社3F会議室", m.get_body(("plain",)).get_content())
        problems = [r.get("problem") for r in json.loads(
            self.cli("campaign", "status", str(cid), "--json").out)["recipients"] if r["vendor_code"] == "V005"]
        self.assertIn("ISO-2022-JP", problems[0])

    def test_4xx_is_retried_with_back_off_and_5xx_is_a_permanent_failure(self):
        sink = self.sink("--tempfail", "it@v001.example:2", "--reject", "it@v002.example")
        cid = self.briefing()
        p = self.cli("campaign", "send", str(cid), "--smtp", sink.url, code=1)  # one failed
        self.assertIn("deferred 1", p.err)
        deadline = time.time() + 30
        while time.time() < deadline:
            self.cli("outbox", "run", "--once", "--smtp", sink.url)
            if json.loads(self.cli("outbox", "status", "--json").out)["queued"] == 0:
                break
            time.sleep(0.5)
        rcpts = sorted(recipient(r) for r in sink.raw_messages())
        self.assertEqual(rcpts, ["it@v001.example", "it@v003.example", "it@v004.example", "it@v005.example"])
        lines = {r["vendor_code"]: r for r in json.loads(self.cli("campaign", "status", str(cid), "--json").out)[
            "recipients"]}
        self.assertEqual(lines["V001"]["mail_state"], "sent")
        self.assertEqual(lines["V002"]["mail_state"], "failed")
        self.assertIn("550", lines["V002"]["reply"])
        actions = self.audit_actions()
        self.assertEqual(actions.count("mail.deferred"), 2)
        self.assertEqual(actions.count("mail.failed"), 1)
        # the next campaign knows that address bounced
        dry = json.loads(self.cli("campaign", "send", str(self.briefing()), "--dry-run", "--json").out)
        v2 = [r for r in dry["recipients"] if r["vendor_code"] == "V002"][0]
        self.assertEqual(v2["channel"], "post")
        self.assertIn("failed permanently", v2["problem"])

    def test_auth_and_starttls(self):
        cert, key = os.path.join(self.tmp, "cert.pem"), os.path.join(self.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        sink = self.sink("--auth", "buyer:s3cret", "--tls", cert, key)
        url = "smtp://buyer@127.0.0.1:%d?starttls=1&verify=0" % sink.port
        cid = self.briefing()
        p = self.cli("campaign", "send", str(cid), "--smtp", url, code=2,
                     env_extra={"HOSHITORI_SMTP_PASSWORD": "wrong"})
        self.assertIn("SMTP server unavailable", p.err)
        self.assertEqual(json.loads(self.cli("outbox", "status", "--json").out)["queued"], 5)
        plain = "smtp://buyer@127.0.0.1:%d" % sink.port  # no STARTTLS: the server refuses AUTH in clear
        self.cli("outbox", "run", "--once", "--smtp", plain, code=2, env_extra={"HOSHITORI_SMTP_PASSWORD": "s3cret"})
        self.cli("outbox", "run", "--once", "--smtp", url, env_extra={"HOSHITORI_SMTP_PASSWORD": "s3cret"})
        self.assertEqual(len(sink.raw_messages()), 5)
        self.assertEqual(json.loads(self.cli("outbox", "status", "--json").out)["sent"], 5)

    def test_a_server_that_is_down_loses_nothing_and_a_schedule_holds_messages_back(self):
        cid = self.briefing()
        dead = "smtp://127.0.0.1:%d" % free_port()
        p = self.cli("campaign", "send", str(cid), "--smtp", dead, code=2)
        self.assertIn("nothing lost", p.err)
        self.assertEqual(json.loads(self.cli("outbox", "status", "--json").out)["queued"], 5)
        sink = self.sink()
        self.cli("outbox", "run", "--once", "--smtp", sink.url)
        self.assertEqual(len(sink.raw_messages()), 5)
        later = self.briefing(send_at="2099-01-01T09:00:00+09:00")
        self.cli("campaign", "send", str(later), "--smtp", sink.url)
        self.assertEqual(len(sink.raw_messages()), 5)
        self.assertEqual(self.status(later)["mail"]["queued"], 5)


class StaffScreen(CampaignCase):
    """The buyer's way: /erp/campaigns on a real `hoshitori serve --smtp`, signed in through a link."""

    def setUp(self):
        super().setUp()
        rows = []
        for i in range(1, 1001):
            kw = {"dept": "品質保証部"} if i % 200 == 1 else {}
            if i % 100 == 0:
                kw["email"] = ""
            rows.append(good_row("S%04d" % i, i, **CHART_NO, **kw))
        self.import_csv(csv_text(JA_HEADER, rows), expect=0)
        self.mail = self.sink()
        self.server = Server(self.db, "--smtp", self.mail.url, pre=("--policy", self.policy))
        link = self.cli("erp-link", "--for", "山田 太郎", "--role", "buyer", "--base", self.server.base).out.strip()
        r = self.server.request("GET", link[len(self.server.base):])
        self.assertEqual(r.status, 303)
        self.cookie = {"Cookie": r.headers["Set-Cookie"].split(";")[0]}

    def tearDown(self):
        code, _, err = self.server.stop()
        self.assertEqual(code, 0, err)
        super().tearDown()

    def get(self, path):
        r = self.server.request("GET", path, headers=self.cookie)
        self.assertEqual(r.status, 200, r)
        return r.body.decode("utf-8")

    def post(self, path, fields):
        csrf = re.search(r'name="csrf" value="([^"]+)"', self.get("/erp/campaigns")).group(1)
        body = urllib.parse.urlencode(dict(fields, csrf=csrf), doseq=True).encode()
        r = self.server.request("POST", path, raw=body,
                                headers=dict(self.cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))
        return r

    def wait_sent(self, cid, n):
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.status(cid)["mail"]["sent"] >= n:
                return
            time.sleep(0.5)
        self.fail("campaign %d: %s" % (cid, self.status(cid)))

    def test_invite_a_thousand_send_request_letters_and_see_who_answered(self):
        r = self.post("/erp/campaigns", {"kind": "briefing", "title": "取引先向けセキュリティ説明会",
                                         "date": "2027-01-20", "start": "14:00", "end": "15:30",
                                         "location": "本社3F会議室", "standing": ["below", "unknown"]})
        self.assertEqual(r.status, 303, r)
        cid = int(re.search(r"/erp/campaigns/(\d+)$", r.headers["Location"]).group(1))
        page = self.get("/erp/campaigns/%d" % cid)
        self.assertIn(BRIEFING_SUBJECT, page)  # the preview
        self.assertIn("まだ何も送っていません", page)
        self.assertEqual(self.mail.raw_messages(), [])
        self.assertEqual(self.post("/erp/campaigns/%d/send" % cid, {}).status, 303)
        self.wait_sent(cid, 990)
        self.assertEqual(len({recipient(m) for m in self.mail.raw_messages()}), 990)
        self.assertEqual(len(self.mail.raw_messages()), 990)
        page = self.get("/erp/campaigns/%d" % cid)
        self.assertIn("送付済み", page)
        self.assertEqual(self.post("/erp/campaigns/%d/send" % cid, {}).status, 400)  # once only

        r = self.post("/erp/campaigns", {"kind": "request", "level": "3", "due": "2027-03-31",
                                         "reason": "取引で当社の図面を共有するため", "cost_method": "折半",
                                         "cost_explanation": "初期費用は当社と貴社で折半し、運用費用は取引価格への反映を協議します。",
                                         "negotiable": "yes", "standing": ["unknown"], "department": "品質保証部"})
        self.assertEqual(r.status, 303, r)
        rid = int(re.search(r"/erp/campaigns/(\d+)$", r.headers["Location"]).group(1))
        self.assertEqual(self.post("/erp/campaigns/%d/send" % rid, {}).status, 303)
        self.wait_sent(rid, 5)  # S0001, S0201 … S0801: 品質保証部
        st = self.status(rid)
        self.assertEqual(st["answers"]["requests"], 5)
        letters = [m for m in self.mail.raw_messages() if b"X-Hoshitori-Campaign: %d" % rid in m]
        token = re.search(rb"/s/([A-Za-z0-9_-]{43})", b"".join(
            email.message_from_bytes(m, policy=email.policy.default).get_body(("plain",)).get_content().encode()
            for m in letters[:1])).group(1).decode()
        self.assertEqual(self.server.request("GET", "/s/" + token).status, 200)
        number = [x["request"] for x in json.loads(self.cli("campaign", "status", str(rid), "--json").out)[
            "recipients"]][0]
        self.step(number, {"side": "supplier", "kind": "acknowledge", "message": "確認しました"}, by="supplier")
        page = self.get("/erp/campaigns/%d" % rid)
        self.assertIn("回答あり", page)
        self.assertEqual(self.status(rid)["answers"]["answered"], 1)


class RemindersAndNotices(CampaignCase):
    def setUp(self):
        super().setUp()
        rows = [good_row("V%03d" % i, i, **CHART_NO) for i in range(1, 4)]
        self.import_csv(csv_text(JA_HEADER, rows), expect=0)

    def issue_at(self, code, due):
        p = self.cli("request", "issue", "--by", BUYER, "--json", self.jfile(fair_request(code, due=due)))
        return p.out.strip()

    def test_reminders_go_once_per_window_before_the_due_date_to_those_who_have_not_answered(self):
        due_soon = self.issue_at("V001", "2026-11-27")     # 7 days after 2026-11-20
        answered = self.issue_at("V002", "2026-11-27")
        self.step(answered, {"side": "supplier", "kind": "acknowledge", "message": "確認しました"}, by=SUPPLIER)
        self.issue_at("V003", "2027-01-31")                  # far away: no reminder yet
        cid = self.campaign({"kind": "reminder", "suppliers": {"unanswered": True}})
        sink = self.sink()
        self.cli("campaign", "send", str(cid), "--smtp", sink.url)
        raws = sink.raw_messages()
        self.assertEqual([recipient(r) for r in raws], ["it@v001.example"])
        m = email.message_from_bytes(raws[0], policy=email.policy.default)
        self.assertEqual(str(m["Subject"]),
                         "【ご確認のお願い】サイバーセキュリティ対策のご回答期限まであと7日（%s）" % due_soon)
        text = m.get_body(("plain",)).get_content()
        self.assertIn("令和8年11月27日（2026-11-27、あと7日）", text)
        self.assertRegex(text, r"ご回答ページ：http://127\.0\.0\.1:8470/s/[A-Za-z0-9_-]{43}")
        # the same day again: nothing new; three days before: the next window
        self.cli("campaign", "send", str(cid), "--smtp", sink.url)
        self.assertEqual(len(sink.raw_messages()), 1)
        self.cli("campaign", "send", str(cid), "--smtp", sink.url, today="2026-11-24")
        subjects = sorted(str(email.message_from_bytes(r, policy=email.policy.default)["Subject"])
                          for r in sink.raw_messages())
        self.assertEqual(len(subjects), 2)
        self.assertIn("あと3日", subjects[1] if "あと3日" in subjects[1] else subjects[0])

    def test_an_agreement_notice_carries_the_agreed_text_and_its_hash(self):
        number = self.issue_at("V001", "2027-03-31")
        self.step(number, ESTIMATE, SUPPLIER)
        self.step(number, ACCEPT, BUYER)
        s = self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER)
        sha = s.out.split()[-1]
        self.cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha)
        self.cli("agreement", number, *self.on_paper(), "--by", SUPPLIER, "--sha256", sha)
        cid = self.campaign({"kind": "agreement_notice", "suppliers": "all"})
        sink = self.sink()
        self.cli("campaign", "send", str(cid), "--smtp", sink.url)
        raws = sink.raw_messages()
        self.assertEqual([recipient(r) for r in raws], ["it@v001.example"])
        m = email.message_from_bytes(raws[0], policy=email.policy.default)
        self.assertIn(number, str(m["Subject"]))
        text = m.get_body(("plain",)).get_content()
        self.assertIn(sha, text)
        document = self.cli("agreement", number).out
        self.assertIn(document.strip().splitlines()[0], text)
        self.assertNotIn("/s/", text)  # an agreed request has no answer page any more
        self.cli("campaign", "send", str(cid), "--smtp", sink.url)
        self.assertEqual(len(sink.raw_messages()), 1)  # once



if __name__ == "__main__":
    sys.exit(cli_support.main())
