#!/usr/bin/env python3
"""The `hoshitori` command-line contract (stdlib only).

    python3 test_cli.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

BACKEND is sqlite or postgresql. PG_URL_FILE holds a postgresql://…/postgres URL of a
server where databases may be created (ignored for sqlite, but always passed).
SAMPLE_DIR is sample-data/; the catalogs are taken from $HOSHITORI_SCHEMAS or else
SAMPLE_DIR/../schemas. The clock is fixed at 2026-11-20 for every command run here.

Each test gets a fresh database and writes its own CSV files, byte for byte.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = BACKEND = PG_URL_FILE = SAMPLE_DIR = None
TODAY = "2026-11-20"

# --- CSV building ---------------------------------------------------------------------

JA_HEADER = ["取引先コード", "会社名", "法人番号", "メールアドレス", "担当者", "部署", "SA", "SA宣言日",
             "お助け隊サービス", "お助け隊契約期限", "SCS", "SCS有効期限", "機密情報取扱い", "事業停止影響",
             "社内システム接続"]
EN_HEADER = ["vendor_code", "name", "corporate_number", "email", "contact", "department", "security_action",
             "sa_declared_on", "otasuketai", "otasuketai_end", "scs_level", "scs_valid_until", "confidential_info",
             "critical_dependency", "network_access"]
# keyword → column position, shared by both headers
KEYS = ["code", "name", "cn", "email", "contact", "dept", "sa", "sa_on", "ota", "ota_end", "scs", "scs_until",
        "c1", "c2", "c3"]


def check_digit(base12):
    total = 0
    for n in range(1, 13):
        total += int(base12[12 - n]) * (1 if n % 2 == 1 else 2)
    return 9 - total % 9


def corporate_number(i):
    """A valid 13-digit 法人番号, different for each i."""
    base = "%012d" % (700000000000 + i * 7919)
    return str(check_digit(base)) + base


def wrong_check_digit(i):
    good = corporate_number(i)
    return str((int(good[0]) + 1) % 10) + good[1:]


def quote(cell):
    if any(ch in cell for ch in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def row(**kw):
    unknown = set(kw) - set(KEYS)
    assert not unknown, unknown
    return [kw.get(k, "") for k in KEYS]


_cn_index = {}


def good_row(code, i=None, **kw):
    """A row that imports cleanly; keyword arguments override cells."""
    if i is None:
        i = _cn_index.setdefault(code, len(_cn_index) + 1)
    cells = dict(code=code, name="株式会社テスト" + code, cn=corporate_number(i),
                 email="it@%s.example" % code.lower(), contact="担当 太郎", dept="総務部")
    cells.update(kw)
    return row(**cells)


def csv_text(header, rows, eol="\n"):
    lines = [",".join(quote(c) for c in header)]
    for r in rows:
        lines.append(r if isinstance(r, str) else ",".join(quote(c) for c in r))
    return eol.join(lines) + eol


# --- the harness ------------------------------------------------------------------------

def env():
    e = dict(os.environ)
    e["HOSHITORI_TODAY"] = TODAY
    e["HOSHITORI_SCHEMAS"] = os.environ.get("HOSHITORI_SCHEMAS") or os.path.join(SAMPLE_DIR, os.pardir, "schemas")
    e["HOSHITORI_USER"] = "cli-test"
    for k in ("HOSHITORI_DB", "HOSHITORI_POLICY"):
        e.pop(k, None)
    return e


_counter = [0]


def pg_admin_url():
    with open(PG_URL_FILE, encoding="utf-8") as f:
        return f.read().strip()


def psql(url, sql):
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True, timeout=60)


class CliTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="hoshitori-cli-")
        if BACKEND == "sqlite":
            self.db = os.path.join(self.tmp, "test.db")
            self.pg_name = None
        else:
            _counter[0] += 1
            self.pg_name = "hoshi_cli_%d_%d" % (os.getpid(), _counter[0])
            admin = pg_admin_url()
            psql(admin, "CREATE DATABASE %s" % self.pg_name)
            self.db = admin.rsplit("/", 1)[0] + "/" + self.pg_name

    def tearDown(self):
        if self.pg_name:
            psql(pg_admin_url(), "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.pg_name)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- running -----------------------------------------------------------------------

    def run_cli(self, *args):
        p = subprocess.run([BIN, "--db", self.db] + list(args), capture_output=True, env=env(), timeout=60)
        p.out = p.stdout.decode("utf-8")
        p.err = p.stderr.decode("utf-8")
        return p

    def init(self):
        p = self.run_cli("init")
        self.assertEqual(p.returncode, 0, p.err)

    def write(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    def import_file(self, path, *opts, expect=None):
        """Runs `import suppliers PATH --json`; returns (exit code, summary or None, stderr)."""
        p = self.run_cli("import", "suppliers", path, "--json", *opts)
        summary = json.loads(p.out) if p.out.strip() else None
        if expect is not None:
            self.assertEqual(p.returncode, expect, "stdout: %s\nstderr: %s" % (p.out, p.err))
        return p.returncode, summary, p.err

    def import_csv(self, text_or_bytes, *opts, expect=None, name="suppliers.csv"):
        return self.import_file(self.write(name, text_or_bytes), *opts, expect=expect)

    def status(self, code, expect=0):
        p = self.run_cli("status", code, "--json")
        self.assertEqual(p.returncode, expect, p.err)
        return json.loads(p.out) if expect == 0 else None

    def suppliers(self, *opts):
        p = self.run_cli("suppliers", "--json", *opts)
        self.assertEqual(p.returncode, 0, p.err)
        return json.loads(p.out)

    def codes(self, *opts):
        return sorted(s["vendor_code"] for s in self.suppliers(*opts))

    def history(self, code):
        p = self.run_cli("history", code, "--json")
        self.assertEqual(p.returncode, 0, p.err)
        return json.loads(p.out)

    def assert_rejected(self, summary, expected):
        """expected: [(line, column, reason substring)] in any order."""
        got = sorted((r["line"], r["column"], r["reason"]) for r in summary["rejected"])
        self.assertEqual(len(got), len(expected), json.dumps(summary["rejected"], ensure_ascii=False, indent=1))
        for (line, column, part), (gl, gc, gr) in zip(sorted(expected), got):
            self.assertEqual((gl, gc), (line, column), gr)
            self.assertIn(part, gr, "line %d" % line)


# --- init / open ------------------------------------------------------------------------

class InitAndOpen(CliTest):
    def test_init_twice(self):
        for _ in range(2):
            p = self.run_cli("init")
            self.assertEqual(p.returncode, 0, p.err)
        self.assertEqual(self.suppliers(), [])

    def test_status_on_missing_sqlite_file_exits_2(self):
        if BACKEND != "sqlite":
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
        body = csv_text(JA_HEADER, [good_row("A1")]).encode("utf-8") + b"A2,\x80\xff,,,,,,,,,,,,,\n"
        self.assert_unusable(body)

    def test_bytes_neither_utf8_nor_cp932_named_at_their_line(self):
        # lines 1-2 are valid UTF-8 (Japanese header); the bad bytes are on line 3, so the
        # message must point at line 3, not at a line that is perfectly good UTF-8
        body = csv_text(JA_HEADER, [good_row("A1")]).encode("utf-8") + b"A2,\x80\xff,,,,,,,,,,,,,\n"
        self.assert_unusable(body, line=3)


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
            good_row("B14") + ["2026-12-01"],                             # 18 future お助け隊 start
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
            (18, "お助け隊契約開始日", "未来の日付"),
            (19, "メールアドレス", "メールアドレスの形式ではありません"),
            (20, "SA宣言日", "存在しない日付"),
            (21, "SCS有効期限", "存在しない日付"),
            (22, "SCS有効期限", "日付の形式が読めません"),
        ])
        self.assertEqual(s["imported"], 2)
        self.assertEqual(self.codes(), ["G1", "G2"])
        self.assertEqual(self.status("G2")["sa"]["declared_on"], TODAY)
        # the first G1 (line 2) is the one kept
        self.assertEqual(self.status("G1")["name"], "株式会社テストG1")

    def test_line_numbers_are_physical_lines_where_the_record_starts(self):
        header = JA_HEADER + ["備考"]
        text = csv_text(header, [
            good_row("A1") + ["一行目\n二行目\n三行目"],               # lines 2-4
            good_row("A2", sa="bad") + [""],                           # line 5
            good_row("A3") + ['引用 ""符"" と,カンマ\n改行']              # lines 6-7
        ]) + "\n" + ",".join(quote(c) for c in good_row("A4", name="改行\nのある社名") + [""]) + "\n" + \
            ",".join(good_row("A5", scs="9") + [""]) + "\n"
        # blank line 8, A4 starts on line 9 (and spans 10), A5 on line 11
        rc, s, err = self.import_csv(text, expect=1)
        self.assert_rejected(s, [(5, "SA", "SECURITY ACTION"), (9, "会社名", "改行"), (11, "SCS", "SCS")])
        self.assertEqual(self.codes(), ["A1", "A3"])

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
        sample = os.path.abspath(os.path.join(SAMPLE_DIR, "suppliers-cp932.csv"))
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
        # looked up by the 法人番号 too
        self.assertEqual(self.status(cn)["corporate_number"], cn)

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


def main():
    global BIN, BACKEND, PG_URL_FILE, SAMPLE_DIR
    if len(sys.argv) < 5:
        sys.stderr.write("usage: %s HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR [unittest args]\n" % sys.argv[0])
        return 2
    BIN, BACKEND, PG_URL_FILE, SAMPLE_DIR = sys.argv[1:5]
    BIN = os.path.abspath(BIN)
    SAMPLE_DIR = os.path.abspath(SAMPLE_DIR)
    if BACKEND not in ("sqlite", "postgresql"):
        sys.stderr.write("BACKEND must be sqlite or postgresql\n")
        return 2
    prog = unittest.main(argv=[sys.argv[0]] + sys.argv[5:], exit=False, verbosity=2)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
