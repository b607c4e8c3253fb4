#!/usr/bin/env python3
"""Campaigns and the outbox against a real SMTP server on loopback (aiosmtpd, smtp_sink.py):
every delivered message is parsed back with Python's email package and its invitation with
icalendar. Briefing to 1,000 suppliers, request letters with working token links and who
answered, ISO-2022-JP, 4xx retries and 5xx failures, AUTH + STARTTLS, a server that is down,
a schedule, and campaign files with mistakes.

usage: /usr/bin/python3 test_campaigns.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import datetime
import email
import email.header
import email.policy
import hashlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

import icalendar

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import JA_HEADER, csv_text, good_row  # noqa: E402
from requests_support import BUYER, ESTIMATE, SUPPLIER, TERMS, RequestCase, fair_request  # noqa: E402
from smtp_support import Sink, free_port, recipient  # noqa: E402

EVENT = {"title": "取引先向けセキュリティ説明会", "start": "2027-01-20T14:00:00+09:00",
         "end": "2027-01-20T15:30:00+09:00", "location": "本社3F会議室 / オンライン", "capacity": 40}
BRIEFING_SUBJECT = "【ご案内】取引先向けセキュリティ説明会（令和9年1月20日（水））"
CHART_NO = dict(c1="いいえ", c2="いいえ", c3="いいえ")


def decoded(raw, name):
    """A header decoded by RFC 2047's rules (email.header), unfolded."""
    head = raw.partition(b"\r\n\r\n")[0].decode("ascii")
    m = re.search(r"^%s: (.*?)\r\n(?! )" % name.decode(), head + "\r\n", re.M | re.S)
    value = m.group(1).replace("\r\n ", " ")
    return str(email.header.make_header(email.header.decode_header(value)))


class CampaignCase(RequestCase):
    def setUp(self):
        super().setUp()
        self.sinks = []
        src = os.path.join(cli_support.SAMPLE_DIR, os.pardir, "schemas", "policy.yaml")
        with open(src, encoding="utf-8") as f:
            policy = f.read()
        policy = re.sub(r"per_minute: \d+", "per_minute: 0", policy)
        policy = re.sub(r"retry_base_seconds: \d+", "retry_base_seconds: 1", policy)
        policy = re.sub(r"min_due_days: \d+", "min_due_days: 0", policy)  # reminders need a near due date
        self.policy = self.write("policy.yaml", policy)

    def tearDown(self):
        for s in self.sinks:
            s.stop()
        super().tearDown()

    def sink(self, *options):
        s = Sink(self.tmp, *options)
        self.sinks.append(s)
        return s

    def cli(self, *args, code=0, env_extra=None, today=None):
        e = cli_support.env()
        if today:
            e["HOSHITORI_TODAY"] = today
        e.update(env_extra or {})
        p = subprocess.run([cli_support.BIN, "--db", self.db, "--policy", self.policy] + list(args),
                           capture_output=True, env=e, timeout=300)
        p.out, p.err = p.stdout.decode("utf-8"), p.stderr.decode("utf-8")
        self.assertEqual(p.returncode, code, "args %s\nstdout: %s\nstderr: %s" % (args, p.out, p.err))
        return p

    def campaign(self, spec, code=0):
        p = self.cli("campaign", "create", "--json", self.jfile(spec), code=code)
        return int(p.out.strip()) if code == 0 else p

    def status(self, cid):
        return json.loads(self.cli("campaign", "status", str(cid), "--json").out)

    def audit_actions(self):
        return [json.loads(line).get("action") for line in self.export("jsonl").decode("utf-8").splitlines() if line]

    def assert_wellformed(self, raw):
        """Our header lines within 78 characters, body lines within RFC 5322's 998 (base64 at 76)."""
        head, _, body = raw.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            if line.startswith((b"X-Sink-Rcpt", b"X-Peer", b"X-MailFrom", b"X-RcptTo")):
                continue
            self.assertLessEqual(len(line), 78, line)
            line.decode("ascii")  # 8-bit bytes never appear in headers
        for line in body.split(b"\r\n"):
            self.assertLessEqual(len(line), 998)
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""), "bare LF")


class Briefing(CampaignCase):
    def test_thousand_suppliers_invited_once_each_in_decodable_japanese_with_an_ics(self):
        rows = []
        for i in range(1, 1001):
            code = "S%04d" % i
            kw = {}
            if i % 50 == 0:
                kw.update(scs="★3", scs_until="2027-09-30", **CHART_NO)  # meets: not selected
            if i % 33 == 0:
                kw["email"] = ""  # by post
            rows.append(good_row(code, i, name="株式会社テスト%04d" % i, contact="担当 %d郎" % i, **kw))
        self.import_csv(csv_text(JA_HEADER, rows), expect=0)
        selected = [i for i in range(1, 1001) if i % 50 != 0]
        by_post = [i for i in selected if i % 33 == 0]
        by_mail = [i for i in selected if i % 33 != 0]
        cid = self.campaign({"kind": "briefing", "template": "briefing",
                             "suppliers": {"standing": ["below", "unknown"]}, "event": EVENT})

        dry = json.loads(self.cli("campaign", "send", str(cid), "--dry-run", "--json").out)
        self.assertEqual((dry["email"], dry["post"], dry["none"]), (len(by_mail), len(by_post), 0))
        post_codes = sorted(r["vendor_code"] for r in dry["recipients"] if r["channel"] == "post")
        self.assertEqual(post_codes, ["S%04d" % i for i in by_post])
        self.assertTrue(all(r["problem"] == "no mail address" for r in dry["recipients"] if r["channel"] == "post"))
        self.assertEqual(self.status(cid)["state"], "draft")  # the dry run wrote nothing

        preview = json.loads(self.cli("campaign", "preview", str(cid), "--json").out)
        self.assertEqual(preview["subject"], BRIEFING_SUBJECT)
        self.assertIn("令和9年1月20日（水） 14:00〜15:30", preview["text"])
        en = json.loads(self.cli("campaign", "preview", str(cid), "--lang", "en", "--json").out)
        self.assertIn("Wed 2027-01-20", en["subject"])

        sink = self.sink()
        p = self.cli("campaign", "send", str(cid), "--smtp", sink.url, "--json")
        st = json.loads(p.out)
        self.assertEqual(st["mail"]["sent"], len(by_mail), p.err)
        self.assertEqual(st["recipients_by_channel"], {"email": len(by_mail), "post": len(by_post), "none": 0})

        raws = sink.raw_messages()
        self.assertEqual(len(raws), len(by_mail))
        rcpts = sorted(recipient(r) for r in raws)
        self.assertEqual(rcpts, sorted("it@s%04d.example" % i for i in by_mail))  # each exactly once
        ids = set()
        for raw in raws:
            self.assert_wellformed(raw)
            m = email.message_from_bytes(raw, policy=email.policy.default)
            self.assertEqual(str(m["Subject"]), BRIEFING_SUBJECT)
            self.assertEqual(m["From"].addresses[0].display_name, "株式会社星取精機 調達部")
            to = m["To"].addresses[0]
            n = int(to.addr_spec[4:8])
            # RFC 2047 §6.2: the space between two encoded words is not part of the name (the
            # legacy decoder applies that rule; headerregistry keeps it inside a display name)
            self.assertEqual(decoded(raw, b"To"), "株式会社テスト%04d 担当 %d郎 <%s>" % (n, n, to.addr_spec))
            self.assertEqual(to.addr_spec, recipient(raw))
            self.assertTrue(m["Date"].datetime.tzinfo)
            ids.add(m["Message-ID"])
            types = [part.get_content_type() for part in m.walk()]
            self.assertEqual(types, ["multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                                     "text/calendar"])
            text = m.get_body(("plain",)).get_content()
            self.assertIn("株式会社テスト%04d" % n, text)
            self.assertIn("本社3F会議室 / オンライン", text)
            html = m.get_body(("html",)).get_content()
            self.assertIn("株式会社テスト%04d" % n, html)
            cal_part = [part for part in m.walk() if part.get_content_type() == "text/calendar"][0]
            self.assertEqual(cal_part.get_param("method"), "REQUEST")
            cal = icalendar.Calendar.from_ical(cal_part.get_content())
            self.assertEqual(str(cal["METHOD"]), "REQUEST")
            ev = cal.walk("VEVENT")[0]
            self.assertEqual(ev["DTSTART"].params["TZID"], "Asia/Tokyo")
            self.assertEqual(ev["DTSTART"].dt.replace(tzinfo=None), datetime.datetime(2027, 1, 20, 14, 0))
            self.assertEqual(ev["DTEND"].dt.replace(tzinfo=None), datetime.datetime(2027, 1, 20, 15, 30))
            self.assertEqual(str(ev["SUMMARY"]), EVENT["title"])
            self.assertEqual(str(ev["LOCATION"]), EVENT["location"])
            self.assertEqual(str(ev["ATTENDEE"]), "mailto:" + to.addr_spec)
            self.assertEqual([c.name for c in cal.walk("VTIMEZONE")], ["VTIMEZONE"])
        self.assertEqual(len(ids), len(raws))

        actions = self.audit_actions()
        self.assertEqual(actions.count("mail.sent"), len(by_mail))
        self.assertEqual(actions.count("campaign.queued"), 1)
        self.cli("verify")

        # a second send finds nothing more to send: no duplicates
        self.cli("campaign", "send", str(cid), "--smtp", sink.url)
        self.assertEqual(len(sink.raw_messages()), len(by_mail))

        out = os.path.join(self.tmp, "letters")
        self.cli("campaign", "letters", str(cid), "--out", out)
        files = sorted(f for f in os.listdir(out) if f.endswith(".txt"))
        self.assertEqual(files, ["S%04d.txt" % i for i in by_post])
        with open(os.path.join(out, "S0033.txt"), encoding="utf-8") as f:
            self.assertIn("株式会社テスト0033", f.read())


class RequestLetters(CampaignCase):
    def setUp(self):
        super().setUp()
        rows = [good_row("V%03d" % i, i, **CHART_NO) for i in range(1, 6)]
        rows.append(good_row("V006", 6, email="", **CHART_NO))
        self.import_csv(csv_text(JA_HEADER, rows), expect=0)

    def request_spec(self, **kw):
        r = fair_request()
        del r["supplier"]
        r.update(kw)
        return {"kind": "request", "template": "request_mail", "suppliers": {"codes": ["V%03d" % i for i in range(1, 7)]},
                "request": r}

    def test_request_letters_carry_working_links_and_the_campaign_shows_who_answered(self):
        cid = self.campaign(self.request_spec())
        sink = self.sink()
        st = json.loads(self.cli("campaign", "send", str(cid), "--smtp", sink.url, "--json").out)
        self.assertEqual(st["mail"]["sent"], 5)
        self.assertEqual(st["answers"], {"requests": 6, "answered": 0, "waiting": 6})
        msgs = {recipient(r): r for r in sink.raw_messages()}
        self.assertEqual(sorted(msgs), ["it@v%03d.example" % i for i in range(1, 6)])
        server = Server(self.db)
        try:
            tokens = {}
            for addr, raw in msgs.items():
                m = email.message_from_bytes(raw, policy=email.policy.default)
                self.assertIn("サイバーセキュリティ対策のお願い", str(m["Subject"]))
                self.assertIn("令和9年3月31日", str(m["Subject"]))
                text = m.get_body(("plain",)).get_content()
                links = re.findall(r"http://127\.0\.0\.1:8470/s/([A-Za-z0-9_-]{43})", text)
                self.assertTrue(links, text[:500])
                self.assertEqual(len(set(links)), 1)
                token = links[0]
                tokens[addr] = token
                self.assertIn("拝啓", text)  # the formal letter is in the mail
                self.assertIn(token, m.get_body(("html",)).get_content())
                page = server.request("GET", "/s/" + token)
                self.assertEqual(page.status, 200)
                number = re.search(r"(\d{4}-\d{5})", str(m["Subject"])).group(1)
                self.assertIn(number, page.body.decode("utf-8"))
                # hashed at rest: neither the link table nor the outbox holds the token
                digest = hashlib.sha256(token.encode()).hexdigest()
                self.assertEqual(self.count("SELECT COUNT(*) FROM supplier_links WHERE token_sha256 = '%s'" % digest), 1)
                self.assertEqual(self.count("SELECT COUNT(*) FROM outbox_bodies WHERE text_body LIKE '%%%s%%'" % token), 0)
            self.assertEqual(len(set(tokens.values())), 5)
        finally:
            server.stop()
        number = [r["request"] for r in self.status_recipients(cid) if r["vendor_code"] == "V002"][0]
        self.step(number, {"side": "supplier", "kind": "acknowledge", "message": "確認しました"}, by="supplier-v002")
        st = self.status(cid)
        self.assertEqual(st["answers"], {"requests": 6, "answered": 1, "waiting": 5})
        answered = [r["vendor_code"] for r in self.status_recipients(cid) if r["answered"]]
        self.assertEqual(answered, ["V002"])
        post = [r for r in self.status_recipients(cid) if r["channel"] == "post"]
        self.assertEqual([r["vendor_code"] for r in post], ["V006"])
        out = os.path.join(self.tmp, "letters")
        self.cli("campaign", "letters", str(cid), "--out", out)
        with open(os.path.join(out, "V006.txt"), encoding="utf-8") as f:
            letter = f.read()
        self.assertIn("対策要請書", letter)
        self.assertRegex(letter, r"ご回答はこちら: http://127\.0\.0\.1:8470/s/[A-Za-z0-9_-]{43}")

    def test_a_request_campaign_without_a_cost_sharing_explanation_sends_nothing(self):
        spec = self.request_spec(cost_sharing={"method": "折半", "explanation": "", "negotiable": True})
        cid = self.campaign(spec)
        dry = json.loads(self.cli("campaign", "send", str(cid), "--dry-run", "--json").out)
        self.assertEqual((dry["email"], dry["none"]), (0, 6))
        self.assertTrue(all("cost-sharing-explained" in r["problem"] for r in dry["recipients"]), dry)
        sink = self.sink()
        self.cli("campaign", "send", str(cid), "--smtp", sink.url)
        self.assertEqual(sink.raw_messages(), [])
        self.assertEqual(self.requests()["requests"], [])
        self.assertEqual(self.audit_actions().count("request.refused"), 6)

    def status_recipients(self, cid):
        return json.loads(self.cli("campaign", "status", str(cid), "--recipients", "--json").out)["recipients"]

    def count(self, sql):
        if cli_support.BACKEND == "sqlite":
            out = subprocess.run(["sqlite3", self.db, sql], capture_output=True, check=True).stdout
        else:
            out = subprocess.run(["psql", self.db, "-Atc", sql], capture_output=True, check=True).stdout
        return int(out.decode().strip())


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
        s = self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER)
        sha = s.out.split()[-1]
        self.cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha)
        self.cli("agreement", number, "--confirm-as", "supplier", "--by", SUPPLIER, "--sha256", sha)
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


class BadFiles(CampaignCase):
    def test_mistakes_in_a_campaign_file_are_named(self):
        good = {"kind": "briefing", "template": "briefing", "suppliers": "all", "event": EVENT}
        cases = [
            (dict(good, kind="webinar"), "kind: 'webinar'"),
            (dict(good, suppliers={"standing": ["below", "bellow"]}), "suppliers.standing[1]"),
            (dict(good, event=dict(EVENT, start="2027-01-20 14:00")), "event.start"),
            (dict(good, event=dict(EVENT, end="2027-01-20T13:00:00+09:00")), "event.end: must be after"),
            (dict(good, template="../../etc/passwd"), "template"),
            (dict(good, colour="red"), "colour: unknown key"),
            (dict(good, suppliers={"codes": []}), "suppliers: selects nobody"),
            ({"kind": "request", "suppliers": "all"}, "request: is required"),
            (dict(good, charset="shift_jis"), "charset"),
        ]
        for spec, words in cases:
            p = self.campaign(spec, code=2)
            self.assertIn(words, p.err, spec)
        self.assertEqual(json.loads(self.cli("campaign", "list", "--json").out)["campaigns"], [])


if __name__ == "__main__":
    sys.exit(cli_support.main())
