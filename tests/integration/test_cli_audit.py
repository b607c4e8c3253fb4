#!/usr/bin/env python3
"""The `hoshitori` command-line contract for the hash-chained audit trail of requirement
requests: export (CSV for spreadsheets, JSON Lines), filters, verify against tampering,
retention (expire and purge), and concurrent writers (stdlib only). The request story and
the guardrails are in test_cli_requests.py; both share requests_support.py.

    python3 test_cli_audit.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

See cli_support.py for the arguments and the set-up every test shares (a fresh database per
test, HOSHITORI_TODAY=2026-11-20). The database is tampered with directly through the `sqlite3`
or `psql` command-line tools. The LibreOffice round trip (sqlite only) needs `soffice` or
`libreoffice` on PATH; it fails when neither is there unless HOSHITORI_SKIP_LIBREOFFICE=1.
"""
import csv
import datetime
import io
import html
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import zipfile

from requests_support import *  # noqa: F401,F403 (constants, helpers, RequestCase)
import cli_support


# --- 4 and 5. the audit export -----------------------------------------------------------------------


class AuditExport(RequestCase):
    def some_history(self):
        self.start()
        a = self.issue(fair_request("V0001")).number
        self.step(a, ESTIMATE, SUPPLIER)
        b = self.issue(fair_request("V0002", level=4)).number
        self.step(b, {"side": "supplier", "kind": "acknowledge"}, "supplier-suzuki")
        self.issue(fair_request("V0001", level=4), expect=4)     # refused, still V0001's history
        self.step(a, PROPOSAL, BUYER)
        return a, b

    def test_supplier_filter(self):
        a, b = self.some_history()
        all_events, all_trailer = self.events()
        for code, number in (("V0001", a), ("V0002", b)):
            events, trailer = self.events("--supplier", code)
            self.assertTrue(events)
            self.assertEqual({e["vendor_code"] for e in events}, {code})
            self.assertEqual(events, [e for e in all_events if e["vendor_code"] == code])
            self.assertEqual(trailer["chain_head"], all_trailer["chain_head"], "the head is the whole chain's")
            self.assertEqual(trailer["exported"], len(events))
            self.assertIn(number, {e["subject"] for e in events})
            rows = self.csv_rows("--supplier", code)
            self.assertEqual({r[8] for r in rows[1:-1]}, {code})
            self.assertEqual(len(rows) - 2, len(events))
        v1 = [e["action"] for e in self.events("--supplier", "V0001")[0]]
        self.assertEqual(v1, ["request.drafted", "request.issued", "negotiation.estimate", "request.negotiating",
                              "request.refused", "negotiation.proposal"])
        events, trailer = self.events("--supplier", "V0024")
        self.assertEqual((events, trailer["exported"]), ([], 0))

    def test_empty_supplier_and_reversed_dates_are_refused(self):
        # An empty --supplier must not widen to every supplier, and --from after --to must not
        # quietly export nothing: both are unusable input (exit 2), and nothing is written.
        self.some_history()
        for opts in (["--supplier", ""], ["--supplier="], ["--from", "2027-01-01", "--to", "2026-01-01"]):
            for fmt in ("jsonl", "csv"):
                p = self.ok(self.run_cli("export", "audit", "--format", fmt, *opts), 2)
                self.assertEqual(p.stdout, b"", "%s %s exported something" % (fmt, opts))
        # one day, from and to the same, is a day
        all_events, _ = self.events()
        days = sorted({utc_to_jst(e["at"]).date().isoformat() for e in all_events})
        self.assertEqual(self.events("--from", days[0], "--to", days[-1])[0], all_events)
        if len(days) == 1:
            self.assertEqual(self.events("--from", days[0], "--to", days[0])[0], all_events)

    def test_events_record_the_login_as_via(self):
        # --by (and --user) is what the operator says; "via" is the operating-system login that
        # ran the command, recorded and hashed beside it.
        self.start()
        number = self.issue(fair_request("V0001")).number
        self.step(number, ESTIMATE, SUPPLIER)
        self.ok(self.run_cli("--user", "clerk-ito", "negotiate", number, "--json",
                             self.jfile({"side": "buyer", "kind": "message", "message": "受領しました"})))
        try:
            login = "cli:" + pwd.getpwuid(os.geteuid()).pw_name
        except KeyError:
            login = "cli:%d" % os.geteuid()
        events, _ = self.events()
        self.assertEqual([(e["actor"], e["via"]) for e in events],
                         [("cli-test", login), (BUYER, login), (BUYER, login), (SUPPLIER, login), (SUPPLIER, login),
                          ("clerk-ito", login)])
        for e in events:
            self.assertTrue(e["via"].startswith("cli:"), e)
            self.assertEqual(event_hash(e), e["hash"])
            self.assertNotEqual(event_hash(dict(e, via="cli:someone-else")), e["hash"], "via is hashed")
        rows = self.csv_rows()
        self.assertEqual(rows[0][3:5], ["実行者", "経由"])
        self.assertEqual([(r[3], r[4]) for r in rows[1:-1]], [(e["actor"], e["via"]) for e in events])

    def test_date_filters_are_japan_time_days(self):
        self.some_history()
        all_events, _ = self.events()
        days = sorted({utc_to_jst(e["at"]).date() for e in all_events})
        first, last = days[0].isoformat(), days[-1].isoformat()
        before = (days[0] - datetime.timedelta(days=1)).isoformat()
        after = (days[-1] + datetime.timedelta(days=1)).isoformat()
        self.assertEqual(self.events("--from", first, "--to", last)[0], all_events)
        self.assertEqual(self.events("--to", before)[0], [])
        self.assertEqual(self.events("--from", after)[0], [])
        self.ok(self.run_cli("export", "audit", "--format", "csv", "--from", "2026-13-01"), 2)
        self.ok(self.run_cli("export", "audit", "--format", "xml"), 2)

        # two events either side of midnight in Japan (15:00 UTC) on New Year's Eve, added
        # behind the program's back (the export does not verify the chain)
        head = all_events[-1]
        stamps = [("2025-12-31T14:59:59.999Z", "2025-12-31 23:59:59"),
                  ("2025-12-31T15:00:00.000Z", "2026-01-01 00:00:00")]
        sql = ""
        for i, (at, _) in enumerate(stamps):
            sql += ("INSERT INTO audit_events (seq, at, actor, action, subject, vendor_code, before_json, after_json, "
                    "payload_sha256, prev_hash, hash) VALUES (%d, '%s', 'night-owl', 'negotiation.message', '%s', "
                    "'V0001', NULL, '{}', '%s', '%s', '%s');\n" % (head["seq"] + 1 + i, at, "2026-00001", "0" * 64,
                                                                 "0" * 64, "%064d" % (i + 1)))
        self.db_exec(sql)
        eve, new_year = head["seq"] + 1, head["seq"] + 2
        everything, _ = self.events()
        self.assertEqual([e["seq"] for e in everything[-2:]], [eve, new_year])

        def jst_day(e):
            return utc_to_jst(e["at"]).date().isoformat()

        def expected(frm=None, to=None, supplier=None):
            return [e["seq"] for e in everything if (frm is None or jst_day(e) >= frm) and
                    (to is None or jst_day(e) <= to) and (supplier is None or e["vendor_code"] == supplier)]

        for frm, to, supplier in (("2025-12-31", "2025-12-31", None), ("2026-01-01", "2026-01-01", None),
                                  (None, "2025-12-31", None), ("2026-01-01", None, "V0001"),
                                  ("2025-12-30", "2026-01-01", None), ("2026-01-01", None, None)):
            opts = [o for k, v in (("--from", frm), ("--to", to), ("--supplier", supplier)) if v for o in (k, v)]
            want = expected(frm, to, supplier)
            self.assertEqual([e["seq"] for e in self.events(*opts)[0]], want, opts)
        self.assertIn(eve, expected("2025-12-31", "2025-12-31"))
        self.assertNotIn(new_year, expected("2025-12-31", "2025-12-31"))
        self.assertIn(new_year, expected("2026-01-01", "2026-01-01"))
        rows = self.csv_rows("--from", "2025-12-31", "--to", "2026-01-01")
        self.assertEqual([(r[0], r[1], r[2]) for r in rows[1:-1]],
                         [(str(eve), stamps[0][1], stamps[0][0]), (str(new_year), stamps[1][1], stamps[1][0])])
        self.ok(self.verify(), 1)   # and verify does notice them

    def test_csv_bom_header_and_formula_cells(self):
        self.start()
        # an import by a user whose name looks like a formula, and more such actors and texts
        self.ok(self.run_cli("--user", "+SUM(1,1)", "import", "suppliers",
                             self.write("x.csv", csv_text(JA_HEADER, [good_row("X1")]))))
        n = self.issue(fair_request("V0001", reason="=HYPERLINK(\"http://evil.example\")"),
                       by="=cmd|' /C calc'!A0").number
        self.step(n, ESTIMATE, "-2+3")
        self.step(n, {"side": "buyer", "kind": "message", "message": "@SUM(A1)"}, "@SUM(1)")
        self.step(n, {"side": "buyer", "kind": "message", "message": "tab"}, "\tTAB")
        data = self.export("csv")
        self.assertTrue(data.startswith(b"\xef\xbb\xbf\xe9\x80\xa3\xe7\x95\xaa,"), data[:20])   # BOM + 連番,
        rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
        self.assertEqual(rows[0], ["連番", "日時(日本時間)", "記録時刻(UTC)", "実行者", "経由", "操作", "操作の説明", "対象",
                                   "取引先コード", "変更前", "変更後", "内容ハッシュ", "前のハッシュ", "ハッシュ",
                                   "内容削除日時"])
        self.assertTrue(data.endswith(b"\r\n"))
        for i, r in enumerate(rows):
            self.assertEqual(len(r), len(rows[0]) if i < len(rows) - 1 else 4, r)
            for cell in r:
                self.assertFalse(cell[:1] in ("=", "+", "-", "@", "\t"),
                                 "row %d: a spreadsheet would run %r" % (i, cell))
        actors = [r[3] for r in rows[1:-1]]
        for a in ("'+SUM(1,1)", "'=cmd|' /C calc'!A0", "'-2+3", "'@SUM(1)"):
            self.assertIn(a, actors)
        self.assertTrue("'\tTAB" in actors or "TAB" in actors, actors)   # neutralised, or the name trimmed
        self.assertTrue(any(r[10].startswith('{') and "=HYPERLINK" in r[10] for r in rows[1:-1]),
                        "the reason is inside the JSON of 変更後")
        self.assertEqual(rows[-1][0], "#chain_head")
        self.assertEqual(rows[-1][3], "exported=%d" % (len(rows) - 2))

    def test_jsonl_round_trips_every_field(self):
        a, _ = self.some_history()
        events, trailer = self.events()
        rows = self.csv_rows()[1:-1]
        self.assertEqual(len(rows), len(events))
        keys = ["seq", "at", "actor", "via", "action", "subject", "vendor_code", "before_json", "after_json",
                "payload_sha256", "prev_hash", "hash", "redacted_at", "withheld"]
        for e, r in zip(events, rows):
            self.assertEqual(list(e), keys)
            self.assertTrue(e["via"].startswith("cli:"), e["via"])  # the login, beside the named actor
            self.assertEqual((r[0], r[2], r[3], r[5], r[7], r[8], r[9], r[10], r[11], r[12], r[13]),
                             (str(e["seq"]), e["at"], e["actor"], e["action"], e["subject"], e["vendor_code"] or "",
                              e["before_json"] or "", e["after_json"] or "", e["payload_sha256"], e["prev_hash"],
                              e["hash"]))
            self.assertEqual(event_hash(e), e["hash"])
        self.assertEqual(trailer["chain_head"], {"seq": events[-1]["seq"], "hash": events[-1]["hash"]})
        # to stdout: the same bytes as --out
        p = self.ok(self.run_cli("export", "audit", "--format", "jsonl"))
        self.assertEqual(p.stdout, self.export("jsonl"))
        self.assertIn("exported %d events" % len(events), p.err)

    def test_export_appended_to_an_archive_keeps_the_archive(self):
        # `hoshitori export audit --format jsonl >> archive.jsonl` must append, as any
        # command's stdout does; it must not truncate what the file already holds.
        self.some_history()
        path = os.path.join(self.tmp, "archive.jsonl")
        with open(path, "wb") as f:
            f.write(b'{"earlier":"export"}\n')
        with open(path, "ab") as f:
            p = self.run_at(TODAY, "export", "audit", "--format", "jsonl", "--supplier", "V0002", stdout=f)
        self.ok(p)
        with open(path, "rb") as f:
            data = f.read()
        self.assertTrue(data.startswith(b'{"earlier":"export"}\n'),
                        "the archive's earlier content was overwritten; the file now starts %r" % data[:60])
        self.assertEqual(len(data.splitlines()), 1 + 4 + 1)   # V0002: drafted, issued, acknowledge, acknowledged

    def test_libreoffice_opens_the_csv(self):
        if cli_support.BACKEND != "sqlite":
            self.skipTest("the LibreOffice round trip runs on the SQLite variant only")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            if os.environ.get("HOSHITORI_SKIP_LIBREOFFICE") == "1":
                self.skipTest("HOSHITORI_SKIP_LIBREOFFICE=1")
            self.fail("neither soffice nor libreoffice is on PATH: install libreoffice-calc-nogui "
                      "(or set HOSHITORI_SKIP_LIBREOFFICE=1 to skip this test)")
        self.start()
        n = self.issue(fair_request("V0001"), by="=cmd|' /C calc'!A0").number
        self.step(n, ESTIMATE, "-2+3")
        src = os.path.join(self.tmp, "監査記録.csv")
        self.ok(self.run_cli("export", "audit", "--format", "csv", "--out", src))
        out_dir = os.path.join(self.tmp, "xlsx")
        os.mkdir(out_dir)
        profile = "file://" + os.path.join(self.tmp, "lo-profile")
        p = subprocess.run([soffice, "-env:UserInstallation=" + profile, "--headless", "--norestore",
                            "--convert-to", "xlsx", "--infilter=CSV:44,34,76,1", "--outdir", out_dir, src],
                           capture_output=True, timeout=180, cwd=self.tmp)
        xlsx = os.path.join(out_dir, "監査記録.xlsx")
        self.assertTrue(os.path.exists(xlsx), "LibreOffice made no xlsx (exit %d):\n%s\n%s" % (
            p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")))
        with zipfile.ZipFile(xlsx) as z:
            strings = z.read("xl/sharedStrings.xml").decode("utf-8")
            sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        # a cell's text may be split into runs by font (<r><rPr>…</rPr><t>…</t></r>) when
        # LibreOffice mixes fonts for Japanese and Latin characters: join each cell's runs
        cells = [html.unescape("".join(re.findall(r"<t[^>]*>(.*?)</t>", si, re.S)))
                 for si in re.findall(r"<si>(.*?)</si>", strings, re.S)]
        for s in ("連番", "日時(日本時間)", "対策要請の発行", "協議: 費用の見積り"):
            self.assertIn(s, cells)
        self.assertTrue(any("株式会社青葉製作所" in c for c in cells))
        self.assertNotIn("<f>", sheet, "no cell became a formula")
        self.assertNotIn("<f ", sheet)


# --- 6. tampering ------------------------------------------------------------------------------------


class Tampering(RequestCase):
    def setUp(self):
        super().setUp()
        self.start()                                                  # 1
        a = self.issue(fair_request("V0001")).number                  # 2, 3
        self.step(a, ESTIMATE, SUPPLIER)                              # 4, 5
        self.step(a, PROPOSAL, BUYER)                                 # 6
        b = self.issue(fair_request("V0002", level=4)).number         # 7, 8
        self.step(b, {"side": "supplier", "kind": "acknowledge"}, SUPPLIER)   # 9, 10
        v = json.loads(self.ok(self.verify("--json")).out)
        self.assertEqual((v["intact"], v["events"]), (True, 10))
        self.head = v["head"]

    def assert_broken_at(self, seq, *opts):
        p = self.verify(*opts)
        self.assertEqual(p.returncode, 1, "verify must fail\nstdout: %s\nstderr: %s" % (p.out, p.err))
        self.assertTrue(p.out.startswith("BROKEN at event %d: " % seq), p.out)
        j = self.verify("--json", *opts)
        self.assertEqual(j.returncode, 1)
        doc = json.loads(j.out)
        self.assertEqual((doc["intact"], doc["bad_seq"]), (False, seq), doc)
        return p.out

    def test_append_only_without_dropping_the_triggers(self):
        for sql in ("UPDATE audit_events SET actor = 'x' WHERE seq = 3;", "DELETE FROM audit_events WHERE seq = 10;",
                    "UPDATE audit_events SET after_json = NULL WHERE seq = 4;"):
            rc, err = self.db_exec(sql, check=False)
            self.assertNotEqual(rc, 0, "%s was allowed" % sql)
            self.assertIn("append-only", err)
        self.ok(self.verify("--expected-head", self.head["hash"]))

    def test_edited_actor(self):
        self.drop_audit_triggers()
        self.db_exec("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 3;")
        out = self.assert_broken_at(3)
        self.assertIn("edited", out)

    def test_edited_payload(self):
        self.drop_audit_triggers()
        self.db_exec("UPDATE audit_events SET after_json = replace(after_json, '500000', '5000') WHERE seq = 4;")
        out = self.assert_broken_at(4)
        self.assertIn("payload", out)

    def test_deleted_event(self):
        self.drop_audit_triggers()
        self.db_exec("DELETE FROM audit_events WHERE seq = 4;")
        out = self.assert_broken_at(4)
        self.assertIn("missing", out)

    def test_swapped_events(self):
        self.drop_audit_triggers()
        cols = ["at", "actor", "action", "subject", "vendor_code", "before_json", "after_json", "payload_sha256"]
        self.db_exec(
            "CREATE TABLE swap_tmp AS SELECT * FROM audit_events WHERE seq IN (3, 4);\n"
            "UPDATE audit_events SET %s WHERE seq IN (3, 4);\nDROP TABLE swap_tmp;" % ", ".join(
                "%s = (SELECT t.%s FROM swap_tmp t WHERE t.seq = 7 - audit_events.seq)" % (c, c) for c in cols))
        events, _ = self.events()
        self.assertEqual([events[2]["action"], events[3]["action"]], ["negotiation.estimate", "request.issued"])
        self.assert_broken_at(3)

    def test_forged_event_inserted_by_renumbering(self):
        self.drop_audit_triggers()
        sql = "".join("UPDATE audit_events SET seq = seq + 1 WHERE seq = %d;\n" % s for s in range(10, 4, -1))
        sql += ("INSERT INTO audit_events (seq, at, actor, action, subject, vendor_code, before_json, after_json, "
                "payload_sha256, prev_hash, hash) SELECT 5, at, 'forger', 'negotiation.message', subject, vendor_code, "
                "NULL, '{\"message\":\"値下げに同意します\"}', payload_sha256, prev_hash, hash FROM audit_events "
                "WHERE seq = 6;\n")
        sql += "UPDATE meta SET value = 11 WHERE key = 'audit_seq';\n"
        self.db_exec(sql)
        self.assertEqual(len(self.events()[0]), 11)
        self.assert_broken_at(5)

    def test_deleted_last_event(self):
        self.drop_audit_triggers()
        self.db_exec("DELETE FROM audit_events WHERE seq = 10;")
        out = self.assert_broken_at(10)
        self.assertIn("missing at the end", out)

    def test_rewritten_chain_is_caught_by_the_expected_head(self):
        # Whoever can write the table can re-hash the whole chain after an edit; verify then
        # finds it consistent, and only a head kept elsewhere (--expected-head) shows it.
        self.drop_audit_triggers()
        events, _ = self.events()
        prev = None
        sql = ""
        for e in events:
            if e["seq"] == 3:
                e["actor"] = "someone-else"
            if prev is not None:
                e["prev_hash"] = prev
            if e["seq"] >= 3:
                e["hash"] = event_hash(e)
                sql += "UPDATE audit_events SET actor = %s, prev_hash = '%s', hash = '%s' WHERE seq = %d;\n" % (
                    sql_str(e["actor"]), e["prev_hash"], e["hash"], e["seq"])
            prev = e["hash"]
        self.db_exec(sql)
        self.ok(self.verify())
        self.assert_broken_at(0, "--expected-head", self.head["hash"])
        self.ok(self.verify("--expected-head", events[-1]["hash"]))
        self.assert_broken_at(0, "--expected-head", "0" * 64)

    def test_a_mistyped_expected_head_is_a_usage_error_not_a_tamper_alarm(self):
        for bad in ("zz", self.head["hash"][:63], self.head["hash"] + "0", "g" * 64, " " + self.head["hash"]):
            p = self.verify("--expected-head", bad)
            self.assertEqual(p.returncode, 2, "%r: %s %s" % (bad, p.out, p.err))
            self.assertNotIn("BROKEN", p.out + p.err)
            self.assertIn("64 hexadecimal digits", p.err)
        self.ok(self.verify("--expected-head", self.head["hash"].upper()))  # either case, as copied

    def test_added_event_past_the_counter(self):
        events, _ = self.events()
        e = dict(events[-1], seq=11, actor="ghost", prev_hash=events[-1]["hash"])
        e["hash"] = event_hash(e)
        self.db_exec("INSERT INTO audit_events (seq, at, actor, via, action, subject, vendor_code, before_json, "
                     "after_json, payload_sha256, prev_hash, hash) VALUES (11, %s, 'ghost', %s, %s, %s, %s, %s, %s, "
                     "'%s', '%s', '%s');"
                     % (sql_str(e["at"]), sql_str(e["via"]), sql_str(e["action"]), sql_str(e["subject"]),
                        sql_str(e["vendor_code"]),
                        sql_str(e["before_json"]), sql_str(e["after_json"]), e["payload_sha256"], e["prev_hash"],
                        e["hash"]))
        out = self.assert_broken_at(11)
        self.assertIn("outside Hoshitori", out)


# --- retention: expire and purge ------------------------------------------------------------------------


class Retention(RequestCase):
    def test_expire(self):
        self.start()
        a = self.issue(fair_request("V0001", due="2027-02-18")).number
        b = self.issue(fair_request("V0004", due="2027-02-18")).number
        self.step(b, {"side": "supplier", "kind": "acknowledge"}, SUPPLIER)
        c = self.issue(fair_request("V0010", due="2027-02-18")).number
        self.step(c, ESTIMATE, SUPPLIER)                     # negotiating: not expired
        p = self.ok(self.run_at("2027-02-18", "request", "expire", "--by", "batch"))
        self.assertEqual(p.out, "")
        p = self.ok(self.run_at("2027-02-19", "request", "expire", "--by", "batch"))
        self.assertEqual(p.out.split(), [a, b])
        self.assertEqual([self.show(n)["state"] for n in (a, b, c)], ["expired", "expired", "negotiating"])
        self.step(a, {"side": "supplier", "kind": "acknowledge"}, SUPPLIER, expect=2)
        self.assertEqual(self.ok(self.run_at("2027-02-19", "request", "expire", "--by", "batch")).out, "")
        self.ok(self.verify())

    def test_expire_spares_a_request_the_supplier_answered(self):
        # A supplier's message keeps the request open for the buyer to read; only a request
        # the supplier never answered (an acknowledgement is no answer) expires.
        self.start()
        answered = self.issue(fair_request("V0001", due="2027-02-18")).number
        s = self.step(answered, {"side": "supplier", "kind": "message", "message": "社内で検討中です。来月回答します。"},
                      SUPPLIER)
        self.assertEqual(s.state, "issued", "a plain message does not move the request")
        silent = self.issue(fair_request("V0004", due="2027-02-18")).number
        acked = self.issue(fair_request("V0010", due="2027-02-18")).number
        self.step(acked, {"side": "supplier", "kind": "acknowledge"}, SUPPLIER)
        p = self.ok(self.run_at("2027-02-19", "request", "expire", "--by", "batch"))
        self.assertEqual(p.out.split(), [silent, acked])
        self.assertEqual([self.show(n)["state"] for n in (answered, silent, acked)], ["issued", "expired", "expired"])
        self.assertEqual(self.ok(self.run_at("2027-12-31", "request", "expire", "--by", "batch")).out, "")
        self.assertEqual(self.show(answered)["state"], "issued")
        self.step(answered, {"side": "buyer", "kind": "message", "message": "ご検討ありがとうございます"}, BUYER)
        self.ok(self.verify())

    def test_purge_after_retention(self):
        self.start()
        done = self.issue(fair_request("V0003")).number
        self.step(done, {"side": "supplier", "kind": "decline", "reason": "対応できません"}, SUPPLIER)
        open_ = self.issue(fair_request("V0001")).number
        self.step(open_, ESTIMATE, SUPPLIER)
        last = self.show(done)["last_step_at"][:10]
        d = datetime.date.fromisoformat(last)
        not_yet = (d.replace(year=d.year + 2) - datetime.timedelta(days=1)).isoformat()
        self.assertEqual(self.ok(self.run_at(not_yet, "purge", "--dry-run", "--by", "records")).out, "")
        p = self.ok(self.run_at("2029-12-01", "purge", "--dry-run", "--by", "records"))
        self.assertEqual(p.out.splitlines(), ["request\t%s\t%s" % (done, last)])  # by kind: no agreement
        self.assertEqual(self.show(done)["state"], "declined", "a dry run removes nothing")
        before, _ = self.events()
        p = self.ok(self.run_at("2029-12-01", "purge", "--by", "records"))
        self.assertEqual(p.out.split(), [done])
        self.ok(self.run_cli("request", "show", done), 3)
        self.assertEqual(self.show(open_)["state"], "negotiating")
        self.assertEqual([r["number"] for r in self.requests()["requests"]], [open_])
        events, _ = self.events()
        self.assertEqual(len(events), len(before) + 1)
        self.assertEqual(events[-1]["action"], "records.purged")
        self.assertEqual(json.loads(events[-1]["after_json"])["requests"], [done])
        for old, new in zip(before, events):
            self.assertEqual((old["seq"], old["hash"]), (new["seq"], new["hash"]))
            if old["subject"] == done:
                self.assertIsNone(new["after_json"])
                self.assertIsNotNone(new["redacted_at"])
            else:
                self.assertEqual(old, new)
        self.ok(self.verify())
        self.assertEqual(self.ok(self.run_at("2029-12-01", "purge", "--by", "records")).out, "")


# --- 7. concurrent writers ---------------------------------------------------------------------------


class Concurrency(RequestCase):
    WORKERS = 4
    PER_WORKER = 6

    def test_four_processes_issue_and_negotiate(self):
        if cli_support.BACKEND != "postgresql":
            self.skipTest("concurrent writers are tested on PostgreSQL")
        self.start()
        codes = ["V%04d" % i for i in range(1, 25)]
        estimate = self.jfile(ESTIMATE)
        procs = []
        for w in range(self.WORKERS):
            mine = codes[w * self.PER_WORKER:(w + 1) * self.PER_WORKER]
            # due after every ★ the sample suppliers hold ends: a renewal at most, never needless
            files = " ".join(self.jfile(fair_request(c, level=3, due="2028-12-31")) for c in mine)
            script = ('set -e\nfor f in %s; do\n  n=$("$BIN" --db "$DB" request issue --by worker-%d --json "$f")\n'
                      '  "$BIN" --db "$DB" negotiate "$n" --by supplier-%d --json "$EST" >/dev/null\n'
                      '  echo "$n"\ndone\n' % (files, w, w))
            e = env()
            e.update(BIN=cli_support.BIN, DB=self.db, EST=estimate)
            procs.append(subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          env=e))
        results = []
        try:
            for p in procs:
                results.append(p.communicate(timeout=120))
        finally:
            for p in procs:                      # only the workers started above, by their own handle
                if p.poll() is None:
                    p.kill()
                    p.wait()
        numbers = []
        for w, (p, (out, err)) in enumerate(zip(procs, results)):
            self.assertEqual(p.returncode, 0, "worker %d failed:\n%s" % (w, err.decode("utf-8", "replace")))
            got = out.decode().split()
            self.assertEqual(len(got), self.PER_WORKER, err)
            numbers += got
        total = self.WORKERS * self.PER_WORKER
        self.assertEqual(sorted(numbers), ["2026-%05d" % i for i in range(1, total + 1)])
        lst = self.requests()
        self.assertEqual(lst["count"], total)
        self.assertEqual({r["state"] for r in lst["requests"]}, {"negotiating"})
        self.assertEqual(sorted(r["supplier"] for r in lst["requests"]), codes)
        v = json.loads(self.ok(self.verify("--json")).out)
        # the import, then per request: drafted, issued, the estimate, negotiating
        self.assertEqual((v["intact"], v["events"]), (True, 1 + 4 * total))
        events, _ = self.events()
        self.assertEqual([e["seq"] for e in events], list(range(1, 2 + 4 * total)))
        for n in numbers:
            self.assertEqual([e["action"] for e in events if e["subject"] == n],
                             ["request.drafted", "request.issued", "negotiation.estimate", "request.negotiating"])


if __name__ == "__main__":
    sys.exit(cli_support.main())
