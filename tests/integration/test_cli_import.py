#!/usr/bin/env python3
"""The `hoshitori` command-line contract: opening, importing, exit codes, rejections, history (stdlib only).

    python3 test_cli_*.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

See cli_support.py for the arguments and the set-up every test shares.
"""
import sys

from cli_support import *  # noqa: F401,F403 (helpers, CliTest, main)
import cli_support


class InitAndOpen(CliTest):
    def test_init_twice(self):
        for _ in range(2):
            p = self.run_cli("init")
            self.assertEqual(p.returncode, 0, p.err)
        self.assertEqual(self.suppliers(), [])

    def test_status_on_missing_sqlite_file_exits_2(self):
        if cli_support.BACKEND != "sqlite":
            self.skipTest("a missing file only exists for SQLite")
        p = self.run_cli("status", "V0001")
        self.assertEqual(p.returncode, 2, p.err)
        self.assertFalse(os.path.exists(self.db), "status must not create the database")
        p = self.run_cli("suppliers")
        self.assertEqual(p.returncode, 2)

    def test_status_of_unknown_code_exits_3(self):
        self.init()
        p = self.run_cli("status", "NOPE", "--json")
        self.assertEqual(p.returncode, 3, p.err)
        self.assertIn("NOPE", p.err)
        p = self.run_cli("history", "NOPE", "--json")
        self.assertEqual(p.returncode, 3, p.err)


# --- import exit codes ------------------------------------------------------------------

class ImportExitCodes(CliTest):
    def test_all_written_exit_0(self):
        rc, s, err = self.import_csv(csv_text(JA_HEADER, [good_row("A1"), good_row("A2")]), expect=0)
        self.assertEqual((s["imported"], s["updated"], s["unchanged"], s["rejected"]), (2, 0, 0, []))
        self.assertEqual(self.codes(), ["A1", "A2"])

    def test_some_rejected_exit_1_good_rows_written(self):
        rc, s, err = self.import_csv(csv_text(JA_HEADER, [good_row("A1"), good_row("A2", name=""), good_row("A3")]),
                                     expect=1)
        self.assertEqual(s["imported"], 2)
        self.assertEqual(len(s["rejected"]), 1)
        self.assertEqual(self.codes(), ["A1", "A3"])

    def assert_unusable(self, content=None, path=None, line=None):
        self.init()
        if path is None:
            path = self.write("bad.csv", content)
        p = self.run_cli("import", "suppliers", path)
        self.assertEqual(p.returncode, 2, "stdout: %s\nstderr: %s" % (p.out, p.err))
        self.assertTrue(p.err.strip(), "an unusable file must say why on stderr")
        if line is not None:
            self.assertIn("%s:%d:" % (path, line), p.err)
        p = self.run_cli("import", "suppliers", path, "--json")
        self.assertEqual(p.returncode, 2, p.err)
        self.assertEqual(self.suppliers(), [])
        return p.err

    def test_missing_file(self):
        self.assert_unusable(path=os.path.join(self.tmp, "no-such.csv"))

    def test_empty_file(self):
        self.assert_unusable(b"", line=1)

    def test_bom_only_file(self):
        self.assert_unusable(b"\xef\xbb\xbf", line=1)

    def test_header_without_vendor_code(self):
        header = [h for h in JA_HEADER if h != "取引先コード"]
        err = self.assert_unusable(csv_text(header, [good_row("A1")[1:]]), line=1)
        self.assertIn("取引先コード", err)

    def test_english_header_without_vendor_code(self):
        self.assert_unusable("name,email\n株式会社A,a@a.example\n", line=1)

    def test_unterminated_quote(self):
        text = csv_text(JA_HEADER, [good_row("A1"), good_row("A2")]) + 'A3,"株式会社 閉じない,,,,,,,,,,,,,\n'
        self.assert_unusable(text, line=4)

    def test_bytes_neither_utf8_nor_cp932(self):
        self.assert_unusable(b"\x80\xff", line=1)
        self.assert_unusable(b"vendor_code,name\nA1,\x80\xff\xfe\n", line=2)

    def test_broken_bytes_in_a_utf8_file_reject_only_their_row(self):
        # lines 1-2 are valid UTF-8 (Japanese header); the broken bytes are on line 3: that
        # row is rejected at line 3, the good row is kept, nothing is read as CP932 gibberish
        body = csv_text(JA_HEADER, [good_row("A1")]).encode("utf-8") + b"A2,\x80\xff,,,,,,,,,,,,,\n"
        _, _, err = self.import_csv(body, expect=1)
        self.assertIn("suppliers.csv:3: 会社名: 文字化け", err)
        codes = [s["vendor_code"] for s in self.suppliers()]
        self.assertEqual(codes, ["A1"])


# --- the import report --------------------------------------------------------------------

class ImportReport(CliTest):
    def test_json_summary_shape_and_stderr_lines(self):
        path = self.write("r.csv", csv_text(JA_HEADER, [
            good_row("A1"),
            good_row("A2", sa="★★★"),
            good_row("A3"),
            good_row("A4", email="not-an-email"),
        ]))
        rc, s, err = self.import_file(path, expect=1)
        for key, kind in (("imported", int), ("updated", int), ("unchanged", int), ("rejected", list)):
            self.assertIn(key, s)
            self.assertIsInstance(s[key], kind, key)
        self.assertEqual((s["imported"], s["updated"], s["unchanged"]), (2, 0, 0))
        self.assertEqual(len(s["rejected"]), 2)
        for r in s["rejected"]:
            self.assertEqual(set(r), {"line", "column", "reason"})
            self.assertIsInstance(r["line"], int)
            self.assertIsInstance(r["column"], str)
            self.assertIsInstance(r["reason"], str)
            self.assertTrue(r["reason"])
        self.assert_rejected(s, [(3, "SA", "SECURITY ACTION"), (5, "メールアドレス", "メールアドレス")])
        lines = [l for l in err.splitlines() if l.strip()]
        for r in s["rejected"]:
            self.assertIn("%s:%d: %s: %s" % (path, r["line"], r["column"], r["reason"]), lines)
        self.assertEqual(len(lines), 2, err)

    def test_stderr_names_row_for_whole_row_problems(self):
        path = self.write("r.csv", csv_text(JA_HEADER, [good_row("A1"), ",".join(good_row("A2")) + ",extra"]))
        rc, s, err = self.import_file(path, expect=1)
        self.assert_rejected(s, [(3, "", "列が多すぎます")])
        self.assertIn("%s:3: row: " % path, err)

    def test_every_rejection_reason(self):
        header = JA_HEADER + ["お助け隊契約開始日"]

        def r(code, **kw):
            return good_row(code, **kw) + [""]  # no お助け隊契約開始日

        rows = [
            good_row("G1") + [""],                                        # 2 good
            r("B1", name=""),                                             # 3 empty 会社名
            r("B2", cn=wrong_check_digit(5)),                             # 4 check digit
            r("B3", cn="123456789012"),                                   # 5 12 digits
            r("B4", cn="12345678901234"),                                 # 6 14 digits
            r("B5", sa="三つ星"),                                          # 7 bad SA
            r("B6", scs="★2"),                                            # 8 bad SCS
            r("B7", sa="★", sa_on="2026-02-30"),                          # 9 no such day
            r("B8", scs="3", scs_until="令和0年1月1日"),                   # 10 era year 0
            r("B9", scs="3", scs_until="平成32年1月1日"),                  # 11 past the end of 平成
            r("B10", email="a@@b.example"),                               # 12 bad email
            r("B11", sa="★★", ota="どこかのお助けサービス"),                 # 13 not registered
            r("G1"),                                                      # 14 duplicate of line 2
            ",".join(good_row("B12") + [""]) + ",surplus",                # 15 too many columns
            r("B13", sa="★", sa_on="2026-11-21"),                         # 16 future declaration
            r("G2", sa="★", sa_on="2026-11-20"),                          # 17 today is fine
            good_row("G3", sa="★★", ota="なし") + ["2026-12-01"],          # 18 a later お助け隊 start is fine
            r("B15", email="a b@c.example"),                              # 19 space in email
            r("B16", sa_on="2026/13/01"),                                 # 20 month 13
            r("B17", scs_until="R8.2.29"),                                # 21 not a leap year
            r("B18", scs_until="sometime"),                               # 22 not a date at all
        ]
        rc, s, err = self.import_csv(csv_text(header, rows), expect=1)
        self.assert_rejected(s, [
            (3, "会社名", "必須"),
            (4, "法人番号", "チェックデジット"),
            (5, "法人番号", "13桁"),
            (6, "法人番号", "13桁"),
            (7, "SA", "SECURITY ACTION の段階が読めません"),
            (8, "SCS", "SCS の段階が読めません"),
            (9, "SA宣言日", "存在しない日付"),
            (10, "SCS有効期限", "元号の年が不正"),
            (11, "SCS有効期限", "元号の範囲外"),
            (12, "メールアドレス", "メールアドレスの形式ではありません"),
            (13, "お助け隊サービス", "登録一覧にありません"),
            (14, "取引先コード", "2 行目と重複"),
            (15, "", "列が多すぎます"),
            (16, "SA宣言日", "未来の日付"),
            (19, "メールアドレス", "メールアドレスの形式ではありません"),
            (20, "SA宣言日", "存在しない日付"),
            (21, "SCS有効期限", "存在しない日付"),
            (22, "SCS有効期限", "日付の形式が読めません"),
        ])
        self.assertEqual(s["imported"], 3)
        self.assertEqual(self.codes(), ["G1", "G2", "G3"])
        g3 = self.status("G3")["otasuketai"]
        self.assertEqual((g3["service"], g3["reported"], g3["active"]), (None, True, False))  # explicitly none
        self.assertEqual(self.status("G2")["sa"]["declared_on"], TODAY)
        # the first G1 (line 2) is the one kept
        self.assertEqual(self.status("G1")["name"], "株式会社テストG1")

    def test_line_numbers_are_physical_lines_where_the_record_starts(self):
        header = JA_HEADER + ["備考"]
        text = csv_text(header, [
            good_row("A1") + ["一行目\n二行目\n三行目"],               # lines 2-4
            good_row("A2", sa="bad") + [""],                           # line 5
            good_row("A3") + ['引用 ""符"" と,カンマ\n改行']              # lines 6-7
        ]) + "\n" + ",".join(quote(c) for c in good_row("A4", name="改行\nのある社名", sa="★★★") + [""]) + \
            "\n" + ",".join(good_row("A5", scs="9") + [""]) + "\n"
        # blank line 8, A4 starts on line 9 (and spans 10), A5 on line 11
        rc, s, err = self.import_csv(text, expect=1)
        self.assert_rejected(s, [(5, "SA", "SECURITY ACTION"), (9, "SA", "SECURITY ACTION"), (11, "SCS", "SCS")])
        self.assertEqual(self.codes(), ["A1", "A3"])

    def test_a_line_break_inside_a_name_becomes_a_space(self):
        text = csv_text(JA_HEADER, [good_row("N1", name="株式会社\n改行商事", contact="山田\r\n太郎")])
        self.import_csv(text, expect=0)
        self.assertEqual(self.status("N1")["name"], "株式会社 改行商事")
        self.assertEqual(self.status("N1")["contact"], "山田 太郎")

    def test_line_numbers_with_crlf(self):
        header = JA_HEADER + ["備考"]
        text = csv_text(header, [
            good_row("A1") + ["一\r\n二"],      # lines 2-3
            good_row("A2", email="x") + [""],  # line 4
        ], eol="\r\n")
        rc, s, err = self.import_csv(text, expect=1)
        self.assert_rejected(s, [(4, "メールアドレス", "メールアドレス")])


class AllOrNothing(CliTest):
    ROWS = [good_row("A1"), good_row("A2"), good_row("A3", scs="★9"), good_row("A4")]

    def test_one_bad_row_writes_nothing(self):
        self.init()
        rc, s, err = self.import_csv(csv_text(JA_HEADER, self.ROWS), "--all-or-nothing", expect=1)
        self.assertEqual(s["imported"], 0)
        self.assertEqual(s["updated"], 0)
        self.assert_rejected(s, [(4, "SCS", "SCS")])
        self.assertEqual(self.suppliers(), [])

    def test_without_the_switch_good_rows_land(self):
        rc, s, err = self.import_csv(csv_text(JA_HEADER, self.ROWS), expect=1)
        self.assertEqual(s["imported"], 3)
        self.assertEqual(self.codes(), ["A1", "A2", "A4"])

    def test_all_good_with_the_switch(self):
        rc, s, err = self.import_csv(csv_text(JA_HEADER, [self.ROWS[0], self.ROWS[1]]), "--all-or-nothing", expect=0)
        self.assertEqual(s["imported"], 2)
        self.assertEqual(self.codes(), ["A1", "A2"])


class Reimport(CliTest):
    def test_reimport_changes_and_history(self):
        rows = [good_row("A1", sa="★", sa_on="2026-04-01"), good_row("A2"), good_row("A3")]
        path = self.write("m.csv", csv_text(JA_HEADER, rows))
        rc, s, err = self.import_file(path, expect=0)
        self.assertEqual((s["imported"], s["updated"], s["unchanged"]), (3, 0, 0))
        h0 = self.history("A1")
        self.assertGreaterEqual(len(h0), 1)

        rc, s, err = self.import_file(path, expect=0)
        self.assertEqual((s["imported"], s["updated"], s["unchanged"], s["rejected"]), (0, 0, 3, []))
        self.assertEqual(self.history("A1"), h0, "an unchanged re-import records nothing")

        rows[0] = good_row("A1", sa="★★", sa_on="2026-04-01")
        path2 = self.write("m2.csv", csv_text(JA_HEADER, rows))
        rc, s, err = self.import_file(path2, expect=0)
        self.assertEqual((s["imported"], s["updated"], s["unchanged"]), (0, 1, 2))
        self.assertEqual(self.status("A1")["sa"]["level"], 2)
        h1 = self.history("A1")
        self.assertGreater(len(h1), len(h0))
        for e in h0:
            self.assertIn(e, h1, "history is never rewritten")
        changes = [e for e in h1 if e["field"] == "sa_level"]
        self.assertEqual(len(changes), 1, h1)
        self.assertEqual((changes[0]["from"], changes[0]["to"]), ("1", "2"))
        self.assertEqual(changes[0]["actor"], "cli-test")
        for key in ("changed_at", "actor", "source", "field", "from", "to"):
            self.assertIn(key, changes[0])

        # back again: a second change is appended, the first one stays
        rc, s, err = self.import_file(path, expect=0)
        self.assertEqual((s["imported"], s["updated"], s["unchanged"]), (0, 1, 2))
        h2 = self.history("A1")
        self.assertGreater(len(h2), len(h1))
        for e in h1:
            self.assertIn(e, h2)
        changes = [(e["from"], e["to"]) for e in h2 if e["field"] == "sa_level"]
        self.assertEqual(sorted(changes), [("1", "2"), ("2", "1")])
        # the other suppliers' history did not move
        self.assertEqual(len(self.history("A2")), len(h0))


# --- encodings ------------------------------------------------------------------------------


if __name__ == "__main__":
    sys.exit(cli_support.main())
