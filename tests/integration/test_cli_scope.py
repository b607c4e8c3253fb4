#!/usr/bin/env python3
"""取適法 scope per supplier (issue 15 item 8): the 資本金 and 従業員数 import columns (bad
values named by row and column), their export and JSON, and the request that records at issue
whether 取適法 applies, 独禁法 only, or unknown, with a letter that says so (stdlib only).

    python3 test_cli_scope.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

The shipped policy (schemas/policy.yaml subcontract_scope) makes the buyer a manufacturer
(製造委託) with capital 5億円 and 850 regular employees.
"""
import csv
import io
import json
import sys

from requests_support import *  # noqa: F401,F403 (constants, helpers, RequestCase)
import cli_support
from cli_support import CliTest, JA_HEADER, EN_HEADER, csv_text, good_row


class SizeColumns(CliTest):
    def test_capital_and_employees_in_the_ways_people_write_them(self):
        header = JA_HEADER + ["資本金", "従業員数"]
        rows = [
            good_row("C1") + ["1,000万円", "12"],
            good_row("C2") + ["3億円", "１，２００人"],
            good_row("C3") + ["10000000", ""],
            good_row("C4") + ["１億５，０００万円", "45名"],
            good_row("C5") + ["", ""],
        ]
        self.import_csv(csv_text(header, rows), expect=0)
        got = {c: (self.status(c)["capital_yen"], self.status(c)["employees"]) for c in ("C1", "C2", "C3", "C4", "C5")}
        self.assertEqual(got, {"C1": (10000000, 12), "C2": (300000000, 1200), "C3": (10000000, None),
                               "C4": (150000000, 45), "C5": (None, None)})
        # a later import with the cells empty keeps them; a new value is a change in the history
        self.import_csv(csv_text(header, [good_row("C1") + ["", ""], good_row("C2") + ["2億円", ""]]), expect=0)
        self.assertEqual(self.status("C1")["capital_yen"], 10000000)
        self.assertEqual(self.status("C2")["capital_yen"], 200000000)
        changes = [(h["field"], h["from"], h["to"]) for h in self.history("C2") if h["field"] == "capital_yen"]
        self.assertEqual(changes, [("capital_yen", "300000000", "200000000")])

    def test_english_headers(self):
        header = EN_HEADER + ["capital_yen", "employees"]
        self.import_csv(csv_text(header, [good_row("E1") + ["5億円", "301"]]), expect=0)
        self.assertEqual((self.status("E1")["capital_yen"], self.status("E1")["employees"]), (500000000, 301))

    def test_bad_values_are_named_by_row_and_column_and_change_nothing(self):
        header = JA_HEADER + ["資本金", "従業員数"]
        rows = [
            good_row("G1") + ["1億円", "10"],        # 2 good
            good_row("B1") + ["三億円", "10"],       # 3 kanji digits
            good_row("B2") + ["-1000", ""],         # 4 negative
            good_row("B3") + ["1億円", "12.5"],      # 5 not whole
            good_row("B4") + ["", "約100"],          # 6 not a number
            good_row("B5") + ["1万3億円", ""],       # 7 units out of order
            good_row("B6") + ["", "-3"],            # 8 negative employees
        ]
        _, s, err = self.import_csv(csv_text(header, rows), expect=1)
        self.assert_rejected(s, [
            (3, "資本金", "資本金が読めません: \"三億円\""),
            (4, "資本金", "負の値"),
            (5, "従業員数", "整数"),
            (6, "従業員数", "整数"),
            (7, "資本金", "順序"),
            (8, "従業員数", "負の値"),
        ])
        self.assertIn(":3: 資本金: ", err)
        self.assertEqual(self.codes(), ["G1"])
        # all or nothing: one bad cell writes nothing
        _, s, _ = self.import_csv(csv_text(header, [good_row("G2") + ["1億円", "1"], good_row("B7") + ["x", ""]]),
                                  "--all-or-nothing", expect=1)
        self.assertEqual(self.codes(), ["G1"])

    def test_export_writes_the_columns_and_reads_back_the_same(self):
        header = JA_HEADER + ["資本金", "従業員数"]
        self.import_csv(csv_text(header, [good_row("X1") + ["3億円", "300"], good_row("X2") + ["", ""]]), expect=0)
        p = self.run_cli("export", "suppliers", "--encoding", "utf-8")
        self.assertEqual(p.returncode, 0, p.err)
        rows = list(csv.reader(io.StringIO(p.out.lstrip("\ufeff"))))
        at = rows[0].index("資本金")  # 同等のサービス and its date follow (test_equivalent.py)
        self.assertEqual(rows[0][at:at + 2], ["資本金", "従業員数"])
        by_code = {r[0]: r for r in rows[1:]}
        self.assertEqual(by_code["X1"][at:at + 2], ["300000000", "300"])
        self.assertEqual(by_code["X2"][at:at + 2], ["", ""])
        before = (self.status("X1"), self.status("X2"))
        _, s, _ = self.import_csv(p.out, expect=0)
        self.assertEqual((s["imported"], s["updated"]), (0, 0))
        self.assertEqual((self.status("X1"), self.status("X2")), before)


class ScopeInTheLetter(RequestCase):
    """V0001 capital 1億円 (≤ 3億円, buyer 5億円): 取適法. V0003 capital 4億円 and 400 employees
    (neither test met): 独禁法 only. V0004 without figures: unknown."""

    def setUp(self):
        super().setUp()
        self.start()
        self.import_csv(csv_text(["取引先コード", "会社名", "資本金", "従業員数"], [
            ["V0001", "株式会社青葉製作所", "1億円", "80"],
            ["V0003", "㈱北斗電子", "4億円", "400"],
        ]), expect=0)

    def letter(self, number, *opts):
        return self.ok(self.run_cli("request", "letter", number, *opts)).out

    def test_the_request_records_the_scope_and_the_letter_follows_it(self):
        toriteki = self.issue(fair_request("V0001")).number
        antimonopoly = self.issue(fair_request("V0003")).number
        unknown = self.issue(fair_request("V0004")).number
        recorded = {n: self.show(n)["request"]["scope"] for n in (toriteki, antimonopoly, unknown)}
        self.assertEqual([recorded[n]["result"] for n in (toriteki, antimonopoly, unknown)],
                         ["toriteki", "antimonopoly", "unknown"])
        self.assertEqual(recorded[toriteki]["supplier"], {"capital_yen": 100000000, "employees": 80})
        self.assertEqual(recorded[toriteki]["buyer"], {"capital_yen": 500000000, "employees": 850})
        self.assertEqual(recorded[toriteki]["transaction_kind"], "manufacturing")
        self.assertIn("資本金基準: 発注者 5億円（3億円超）、取引先 1億円（3億円以下）", recorded[toriteki]["basis"])
        self.assertEqual(recorded[unknown]["supplier"], {"capital_yen": None, "employees": None})

        t = self.letter(toriteki)
        self.assertIn("中小受託取引適正化法（取適法）の対象です", t)
        self.assertIn("資本金基準: 発注者 5億円（3億円超）、取引先 1億円（3億円以下）", t)
        self.assertNotIn("独占禁止法", t)
        a = self.letter(antimonopoly)
        self.assertNotIn("取適法", a)
        self.assertNotIn("中小受託取引適正化法", a)
        self.assertIn("独占禁止法（優越的地位の濫用の禁止）に照らして", a)
        self.assertIn("資本金基準に該当しない（発注者 5億円、取引先 4億円）", a)
        u = self.letter(unknown)
        self.assertIn("中小受託取引適正化法の対象かどうかは、判定に必要な", u)
        self.assertIn("確認できていません", u)
        self.assertNotIn("（取適法）の対象です", u)
        self.assertIn("独占禁止法", u)
        # the HTML letter and the English one say the same
        self.assertIn("中小受託取引適正化法（取適法）の対象です", self.letter(toriteki, "--format", "html"))
        self.assertNotIn("取適法", self.letter(antimonopoly, "--format", "html"))
        self.assertIn("is covered by the 中小受託取引適正化法", self.letter(toriteki, "--lang", "en"))
        en_a = self.letter(antimonopoly, "--lang", "en")
        self.assertIn("Antimonopoly Act", en_a)
        self.assertNotIn("取適法", en_a)
        self.assertIn("have not determined whether", self.letter(unknown, "--lang", "en"))

    def test_the_scope_is_the_one_recorded_at_issue(self):
        number = self.issue(fair_request("V0004")).number
        # the supplier's figures arrive later: the issued letter still reads as issued
        self.import_csv(csv_text(["取引先コード", "会社名", "資本金"], [["V0004", "有限会社みどり金型", "300万円"]]),
                        expect=0)
        self.assertEqual(self.show(number)["request"]["scope"]["result"], "unknown")
        self.assertIn("確認できていません", self.letter(number))


if __name__ == "__main__":
    sys.exit(cli_support.main())
