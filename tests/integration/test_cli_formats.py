#!/usr/bin/env python3
"""The `hoshitori` command-line contract: encodings, spellings, CSV syntax, status and lists (stdlib only).

    python3 test_cli_*.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

See cli_support.py for the arguments and the set-up every test shares.
"""
import json
import os
import sys

from cli_support import *  # noqa: F401,F403 (helpers, CliTest, main)
import cli_support


class Encodings(CliTest):
    NAME = "㈱髙橋製作所"

    def rows(self):
        return [good_row("E1", name=self.NAME, contact="髙橋 勇", sa="★★"), good_row("E2", name="株式会社①②")]

    def test_utf8_with_bom(self):
        data = b"\xef\xbb\xbf" + csv_text(JA_HEADER, self.rows()).encode("utf-8")
        rc, s, err = self.import_csv(data, expect=0)
        self.assertEqual(s["imported"], 2)
        self.assertEqual(s.get("encoding", "utf-8"), "utf-8")
        st = self.status("E1")
        self.assertEqual(st["name"], self.NAME)
        self.assertEqual(st["sa"]["level"], 2)

    def test_utf8_without_bom(self):
        rc, s, err = self.import_csv(csv_text(JA_HEADER, self.rows()).encode("utf-8"), expect=0)
        self.assertEqual(s["imported"], 2)
        self.assertEqual(self.status("E1")["name"], self.NAME)

    def test_cp932_detected(self):
        data = csv_text(JA_HEADER, self.rows(), eol="\r\n").encode("cp932")
        self.assertIn(b"\x87\x8a", data)  # ㈱ in CP932 (an NEC special character)
        self.assertIn(b"\xee\xe0", data)  # 髙 as Python's cp932 writes it (NEC-selected IBM extension)
        rc, s, err = self.import_csv(data, expect=0)
        self.assertEqual(s["imported"], 2)
        self.assertEqual(s.get("encoding", "cp932"), "cp932")
        st = self.status("E1")
        self.assertEqual(st["name"], self.NAME)
        self.assertEqual(st["contact"], "髙橋 勇")
        self.assertEqual(self.status("E2")["name"], "株式会社①②")

    def test_cp932_ibm_extension_code_of_taka(self):
        # Windows writes 髙 as FB FC (IBM extension); both codes mean the same character
        data = csv_text(JA_HEADER, self.rows(), eol="\r\n").encode("cp932").replace(b"\xee\xe0", b"\xfb\xfc")
        self.assertIn(b"\xfb\xfc", data)
        rc, s, err = self.import_csv(data, expect=0)
        self.assertEqual(self.status("E1")["name"], self.NAME)
        self.assertEqual(self.status("E1")["contact"], "髙橋 勇")

    def test_cp932_forced(self):
        data = csv_text(JA_HEADER, self.rows()).encode("cp932")
        rc, s, err = self.import_csv(data, "--encoding", "cp932", expect=0)
        self.assertEqual(self.status("E1")["name"], self.NAME)

    def test_utf8_forced_on_cp932_exits_2(self):
        self.init()
        data = csv_text(JA_HEADER, self.rows()).encode("cp932")
        rc, s, err = self.import_csv(data, "--encoding", "utf-8", expect=2)
        self.assertEqual(self.suppliers(), [])

    def test_sample_files_agree(self):
        # the shipped CP932 sample is detected and decoded without rejections
        sample = os.path.abspath(os.path.join(cli_support.SAMPLE_DIR, "suppliers-cp932.csv"))
        rc, s, err = self.import_file(sample, expect=0)
        self.assertEqual(s["rejected"], [])
        self.assertGreater(s["imported"], 0)


# --- spellings --------------------------------------------------------------------------------

class Spellings(CliTest):
    def test_english_headers(self):
        r = good_row("EN1", sa="2", sa_on="2026-06-01", ota="SOMPO SHERIFF", ota_end="2027-03-31", scs="★3",
                     scs_until="2027-10-31", c1="no", c2="no", c3="yes")
        rc, s, err = self.import_csv(csv_text(EN_HEADER, [r]), expect=0)
        st = self.status("EN1")
        self.assertEqual(st["name"], "株式会社テストEN1")
        self.assertEqual(st["email"], "it@en1.example")
        self.assertEqual(st["sa"]["level"], 2)
        self.assertEqual(st["sa"]["declared_on"], "2026-06-01")
        self.assertEqual(st["otasuketai"]["service"], "SOMPO SHERIFF")
        self.assertEqual(st["otasuketai"]["end"], "2027-03-31")
        self.assertEqual(st["scs"]["level"], 3)
        self.assertEqual(st["scs"]["valid_until"], "2027-10-31")
        self.assertEqual(st["required_scs"], 4)

    def test_japanese_headers(self):
        r = good_row("JA1", sa="二つ星", sa_on="2026-06-01", ota="防検サイバー", ota_end="2027/3/31", scs="",
                     c1="いいえ", c2="いいえ", c3="いいえ")
        rc, s, err = self.import_csv(csv_text(JA_HEADER, [r]), expect=0)
        st = self.status("JA1")
        self.assertEqual(st["sa"]["level"], 2)
        self.assertEqual(st["otasuketai"]["service"], "防検サイバー")
        self.assertTrue(st["otasuketai"]["active"])
        self.assertEqual(st["required_scs"], 3)
        self.assertEqual(st["standing"], "meets")  # interim: SA★★ + お助け隊 until 2027-03-31

    def test_sa_spellings(self):
        cases = [("★", 1), ("★★", 2), ("一つ星", 1), ("二つ星", 2), ("1", 1), ("2", 2), ("なし", 0)]
        rows = [good_row("S%d" % i, sa=v) for i, (v, _) in enumerate(cases)]
        self.import_csv(csv_text(JA_HEADER, rows), expect=0)
        for i, (v, level) in enumerate(cases):
            self.assertEqual(self.status("S%d" % i)["sa"]["level"], level, v)

    def test_scs_spellings(self):
        cases = [("★3", 3), ("★4", 4), ("3", 3), ("4", 4), ("★5", 5)]
        rows = [good_row("C%d" % i, scs=v, scs_until="2028-01-31") for i, (v, _) in enumerate(cases)]
        self.import_csv(csv_text(JA_HEADER, rows), expect=0)
        for i, (v, level) in enumerate(cases):
            self.assertEqual(self.status("C%d" % i)["scs"]["level"], level, v)

    def test_date_spellings(self):
        cases = ["2026-04-01", "2026/4/1", "2026/04/01", "令和8年4月1日", "R8.4.1", "r8.4.1",
                 "２０２６－０４－０１", "令和８年４月１日", "２０２６/４/１"]
        rows = [good_row("D%d" % i, sa="★", sa_on=v, scs="3", scs_until=v) for i, v in enumerate(cases)]
        rc, s, err = self.import_csv(csv_text(JA_HEADER, rows), expect=0)
        for i, v in enumerate(cases):
            st = self.status("D%d" % i)
            self.assertEqual(st["sa"]["declared_on"], "2026-04-01", v)
            self.assertEqual(st["scs"]["valid_until"], "2026-04-01", v)

    def test_era_boundaries(self):
        good = [("令和元年5月1日", "2019-05-01"), ("R1.5.1", "2019-05-01"), ("平成31年4月30日", "2019-04-30"),
                ("H31.4.30", "2019-04-30"), ("平成元年1月8日", "1989-01-08"), ("2026年4月1日", "2026-04-01"),
                ("2026-4-1", "2026-04-01")]
        bad = ["令和元年4月30日", "平成31年5月1日", "平成元年1月7日", "令和8年4月1", "26/4/1"]
        rows = [good_row("G%d" % i, sa="★", sa_on=v) for i, (v, _) in enumerate(good)]
        rows += [good_row("X%d" % i, sa="★", sa_on=v) for i, v in enumerate(bad)]
        rc, s, err = self.import_csv(csv_text(JA_HEADER, rows), expect=1)
        self.assertEqual(sorted(r["line"] for r in s["rejected"]), list(range(len(good) + 2, len(rows) + 2)))
        for r in s["rejected"]:
            self.assertEqual(r["column"], "SA宣言日")
        for i, (v, iso) in enumerate(good):
            self.assertEqual(self.status("G%d" % i)["sa"]["declared_on"], iso, v)

    def test_same_data_spelled_differently_is_unchanged(self):
        cn = corporate_number(77)
        fw = "".join(chr(ord(c) + 0xFEE0) for c in cn)
        a = good_row("W1", cn=cn, sa="★★", sa_on="2026-04-01", ota="SOMPO SHERIFF", ota_end="2027-03-31",
                     scs="★3", scs_until="2027-09-30", c1="いいえ", c2="はい", c3="いいえ")
        b = good_row("W1", cn=fw[:4] + "-" + fw[4:], sa="二つ星", sa_on="令和8年4月1日", ota="ＳＯＭＰＯ　ＳＨＥＲＩＦＦ",
                     ota_end="R9.3.31", scs="3", scs_until="2027/9/30", c1="no", c2="yes", c3="n")
        self.import_csv(csv_text(JA_HEADER, [a]), expect=0, name="a.csv")
        before = self.history("W1")
        rc, s, err = self.import_csv(csv_text(JA_HEADER, [b]), expect=0, name="b.csv")
        self.assertEqual((s["imported"], s["updated"], s["unchanged"]), (0, 0, 1))
        self.assertEqual(self.history("W1"), before)

    def test_corporate_number_spellings(self):
        cn = corporate_number(42)
        fw = "".join(chr(ord(c) + 0xFEE0) for c in cn)
        cases = [cn, fw, "%s-%s-%s-%s" % (cn[0], cn[1:5], cn[5:9], cn[9:]),
                 "%s－%s－%s" % (fw[:4], fw[4:8], fw[8:]), " %s " % cn]
        for i, v in enumerate(cases):
            self.import_csv(csv_text(JA_HEADER, [good_row("N%d" % i, cn=v)]), expect=0, name="n%d.csv" % i)
            self.assertEqual(self.status("N%d" % i)["corporate_number"], cn, v)
        # five vendor codes share the number: a look-up by it is ambiguous, and says so
        p = self.run_cli("status", cn, "--json")
        self.assertEqual(p.returncode, 2, p.err)
        self.assertIn("複数の取引先コード", p.err)

    def test_decision_chart(self):
        cases = [("いいえ", "いいえ", "いいえ", 3), ("はい", "いいえ", "いいえ", 4), ("いいえ", "はい", "いいえ", 4),
                 ("いいえ", "いいえ", "はい", 4), ("はい", "はい", "はい", 4), ("", "", "", 3), ("", "はい", "", 4)]
        rows = [good_row("Q%d" % i, c1=a, c2=b, c3=c) for i, (a, b, c, _) in enumerate(cases)]
        self.import_csv(csv_text(JA_HEADER, rows), expect=0)
        for i, (a, b, c, req) in enumerate(cases):
            st = self.status("Q%d" % i)
            self.assertEqual(st["required_scs"], req, (a, b, c))


class CsvSyntax(CliTest):
    def test_quotes_commas_newlines_crlf_trailing_blank_lines(self):
        header = JA_HEADER + ["備考"]
        rows = [
            good_row("Q1", name="株式会社ABC, 東日本") + ["メモ"],
            good_row("Q2", name='有限会社 "引用" 商店') + ["一行目\r\n二行目, カンマ付き"],
            good_row("Q3", dept="営業部, 第二課") + [""],
        ]
        text = csv_text(header, rows, eol="\r\n") + "\r\n\r\n\r\n"
        rc, s, err = self.import_csv(text, expect=0)
        self.assertEqual((s["imported"], s["rejected"]), (3, []))
        self.assertEqual(self.status("Q1")["name"], "株式会社ABC, 東日本")
        self.assertEqual(self.status("Q2")["name"], '有限会社 "引用" 商店')
        self.assertEqual(self.status("Q3")["department"], "営業部, 第二課")
        self.assertEqual(self.codes(), ["Q1", "Q2", "Q3"])

    def test_lf_and_no_final_newline(self):
        text = csv_text(JA_HEADER, [good_row("L1"), good_row("L2")]).rstrip("\n")
        rc, s, err = self.import_csv(text, expect=0)
        self.assertEqual(self.codes(), ["L1", "L2"])


# --- status and suppliers ----------------------------------------------------------------

STANDING_ROWS = [
    # meets: SCS★3 valid for another ~10 months
    good_row("M1", scs="★3", scs_until="2027-09-30", c1="いいえ", c2="いいえ", c3="いいえ"),
    # meets: interim rule (SA★★ declared within a year + お助け隊 to 2027-03-31, 131 days left)
    good_row("M2", sa="★★", sa_on="2026-06-01", ota="ランサムガード", ota_end="2027-03-31"),
    # meets: SCS★4 against a required ★4
    good_row("M3", scs="4", scs_until="2029-03-31", c1="はい"),
    # expiring: SCS★3 until 2026-12-15 (25 days, inside the 60-day window)
    good_row("X1", scs="★3", scs_until="2026-12-15"),
    # expiring: interim rule, but SA declared more than 365 days ago
    good_row("X2", sa="★★", sa_on="2025-06-01", ota="防検サイバー", ota_end="2027-03-31"),
    # expiring: interim rule, お助け隊 ends in 30 days
    good_row("X3", sa="★★", sa_on="2026-06-01", ota="PCセキュリティみまもりパック", ota_end="2026-12-20"),
    # expiring: exactly 60 days left (2027-01-19)
    good_row("X4", scs="★3", scs_until="2027-01-19"),
    # meets: 61 days left
    good_row("M4", scs="★3", scs_until="2027-01-20"),
    # expired: SCS★3 lapsed
    good_row("P1", scs="★3", scs_until="2026-10-01"),
    # expired: お助け隊 contract ended, nothing else reaches ★3
    good_row("P2", sa="★★", sa_on="2026-03-01", ota="CSPサイバーガード", ota_end="2026-11-19"),
    # below: SA★ only
    good_row("B1", sa="★", sa_on="2026-01-10"),
    # below: SA★★ without お助け隊
    good_row("B2", sa="★★", sa_on="2026-01-10"),
    # below: required ★4, SCS★3 only
    good_row("B3", scs="★3", scs_until="2027-09-30", c3="はい"),
    # below: interim rule is for required ★3 only
    good_row("B4", sa="★★", sa_on="2026-06-01", ota="SOMPO SHERIFF", ota_end="2027-03-31", c2="はい"),
    # below: explicitly none
    good_row("B5", sa="なし", scs="なし"),
    # unknown: nothing reported
    good_row("U1"),
    good_row("U2", c1="いいえ"),
]
EXPECTED_STANDING = {
    "meets": ["M1", "M2", "M3", "M4"],
    "expiring": ["X1", "X2", "X3", "X4"],
    "expired": ["P1", "P2"],
    "below": ["B1", "B2", "B3", "B4", "B5"],
    "unknown": ["U1", "U2"],
}


class StatusAndSuppliers(CliTest):
    def setUp(self):
        super().setUp()
        self.import_csv(csv_text(JA_HEADER, STANDING_ROWS), expect=0)

    def test_suppliers_by_standing(self):
        everything = self.suppliers()
        self.assertEqual(len(everything), len(STANDING_ROWS))
        for standing, codes in EXPECTED_STANDING.items():
            got = self.suppliers("--standing", standing)
            self.assertEqual(sorted(s["vendor_code"] for s in got), sorted(codes), standing)
            for s in got:
                self.assertEqual(s["standing"], standing)
        p = self.run_cli("suppliers", "--standing", "nonsense")
        self.assertEqual(p.returncode, 2)

    def test_status_json_shape(self):
        for code in [c for codes in EXPECTED_STANDING.values() for c in codes]:
            st = self.status(code)
            for key in ("vendor_code", "name", "corporate_number", "sa", "otasuketai", "scs", "required_scs",
                        "standing", "reason"):
                self.assertIn(key, st, code)
            self.assertEqual(st["vendor_code"], code)
            self.assertIn(st["sa"]["level"], (0, 1, 2), code)
            self.assertIsInstance(st["otasuketai"], dict)
            self.assertIn(st["scs"]["level"], (0, 3, 4, 5), code)
            self.assertIn("valid_until", st["scs"])
            self.assertIn(st["required_scs"], (3, 4), code)
            self.assertIn(st["standing"], EXPECTED_STANDING)
            self.assertIn(code, EXPECTED_STANDING[st["standing"]])
            self.assertIsInstance(st["reason"], str)
            self.assertTrue(st["reason"])
            cn = st["corporate_number"]
            self.assertTrue(len(cn) == 13 and cn.isdigit(), cn)
        st = self.status("M1")
        self.assertEqual(st["scs"]["valid_until"], "2027-09-30")
        self.assertEqual(st["required_scs"], 3)
        self.assertIn("★", st["reason"])
        self.assertEqual(self.status("X2")["otasuketai"]["service"], "防検サイバー")
        self.assertIsNone(self.status("U1")["scs"]["valid_until"])

    def test_sole_proprietor_has_null_corporate_number(self):
        self.import_csv(csv_text(JA_HEADER, [good_row("SP1", name="山本塗装（山本 健一）", cn="", sa="★")]), expect=0,
                        name="sp.csv")
        st = self.status("SP1")
        self.assertIsNone(st["corporate_number"])
        self.assertEqual(st["sa"]["level"], 1)

    def test_status_by_corporate_number(self):
        st = self.status("M1")
        self.assertEqual(self.status(st["corporate_number"])["vendor_code"], "M1")



class ConfigFiles(CliTest):
    """A policy or connectors file that is not what a person wrote on purpose is refused,
    naming the file, the line and what is wrong; JSON files too."""

    BOMB = "\n".join(['policy: buyer', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] +
                     ["%s: &%s [%s]" % (c, c, ",".join(["*" + p] * 9)) for p, c in zip("abcdefgh", "bcdefghi")])

    def setUp(self):
        super().setUp()
        self.init()

    def test_a_cut_policy_is_refused_not_filled_with_defaults(self):
        with open(os.path.join(cli_support.SAMPLE_DIR, os.pardir, "schemas", "policy.yaml"), encoding="utf-8") as f:
            lines = f.read().splitlines(True)
        cut = self.write("policy.yaml", "".join(lines[:14]))
        p = self.run_cli("--policy", cut, "status", "V0001")
        self.assertEqual(p.returncode, 2, p.out + p.err)
        self.assertIn(cut + ":", p.err)
        self.assertIn("missing section 'interim' (required)", p.err)
        whole = self.write("whole.yaml", "".join(lines))
        self.assertEqual(self.run_cli("--policy", whole, "suppliers").returncode, 0)

    def test_an_alias_bomb_fails_at_once(self):
        # yaml-cpp would build and walk 9^9 nodes: the run_cli timeout turns a hang into an error
        bomb = self.write("policy.yaml", self.BOMB + "\n")
        p = self.run_cli("--policy", bomb, "status", "V0001")
        self.assertEqual(p.returncode, 2, p.out + p.err)
        self.assertIn(bomb + ":2: YAML anchors (&a) are not accepted", p.err)
        config = self.write("connectors.yaml", "connectors:\n  - name: x\n    kind: csv\n    path: *p\n")
        p = self.run_cli("sync", "--config", config)
        self.assertEqual(p.returncode, 2, p.out + p.err)
        self.assertIn(config + ":4:", p.err)

    def test_duplicate_keys_in_a_json_file_are_named(self):
        self.import_csv("取引先コード,会社名\nV1,株式会社一\nV2,株式会社二\n", expect=0)
        f = self.write("request.json", '{"supplier": "V1", "level": 3, "due": "2027-12-31", "supplier": "V2"}')
        p = self.run_cli("request", "issue", "--by", "buyer-tanaka", "--json", f)
        self.assertEqual(p.returncode, 2, p.out + p.err)
        self.assertIn('duplicate key "supplier"', p.err)
        self.assertEqual(self.run_cli("request", "list", "--json").out.count('"number"'), 0)

    def test_hidden_characters_are_removed_from_imported_names(self):
        self.import_csv("取引先コード,会社名,担当者\nH1,\u202e株式会社\u200bヒドゥン\ufeff,山田\u2066太郎\u2069\n", expect=0)
        st = self.status("H1")
        self.assertEqual(st["name"], "株式会社ヒドゥン")
        p = self.run_cli("export", "suppliers", "--encoding", "utf-8")
        for hidden in ("\u202e", "\u200b", "\u2066", "\u2069"):
            self.assertNotIn(hidden, p.out)
        # a vendor code is a key: one that holds a hidden character is refused, not changed
        _, summary, _ = self.import_csv("取引先コード,会社名\nH\u200b2,株式会社二\n", expect=1)
        self.assertIn("見えない文字", json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(cli_support.main())
