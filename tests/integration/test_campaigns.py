#!/usr/bin/env python3
"""Campaigns and the outbox against a real SMTP server on loopback (aiosmtpd, smtp_sink.py):
every delivered message is parsed back with Python's email package and its invitation with
icalendar. Briefing to 1,000 suppliers, request letters with working token links and who
answered, and campaign files with mistakes (delivery's error paths, reminders and the staff
screen: test_mail_delivery.py).

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

import icalendar

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import JA_HEADER, csv_text, good_row  # noqa: E402
from requests_support import RequestCase, fair_request  # noqa: E402
from smtp_support import Sink, recipient  # noqa: E402

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
