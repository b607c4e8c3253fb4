#!/usr/bin/env python3
"""Shared set-up for the CLI contract suites (test_cli_import.py, test_cli_formats.py, and through
requests_support.py test_cli_requests.py and test_cli_audit.py).

    python3 test_cli_SUITE.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

BACKEND is sqlite or postgresql. PG_URL_FILE holds a postgresql://…/postgres URL of a
server where databases may be created (ignored for sqlite, but always passed).
SAMPLE_DIR is sample-data/; the catalogs are taken from $HOSHITORI_SCHEMAS or else
SAMPLE_DIR/../schemas. The clock is fixed at 2026-11-20 for every command run here.

Each test gets a fresh database and writes its own CSV files, byte for byte.
"""
import json
import os
import shutil
import signal
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


def terminate(proc, timeout=20):
    """SIGTERM by PID and up to `timeout` s for the exit; SIGKILL after that. True when it
    stopped by itself (or had already)."""
    if proc.poll() is not None:
        return True
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return False


def pg_admin_url():
    with open(PG_URL_FILE, encoding="utf-8") as f:
        return f.read().strip()


def psql(url, sql):
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True, timeout=60)


PAPER_SCAN = b"%PDF-1.4\n%%EOF\n"
PAPER_SCAN_SHA256 = "14bcd090baf31edba64e9cbd8cdfc15f943344aa72cb3675ad8e91bfcbce03ad"

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

    def sql(self, statement):
        """Runs one SQL statement on the test's database behind hoshitori's back (to set up a
        past that the CLI cannot write, such as old timestamps)."""
        if BACKEND == "sqlite":
            subprocess.run(["sqlite3", self.db, statement], check=True, capture_output=True, timeout=60)
        else:
            psql(self.db, statement)

    def init(self):
        p = self.run_cli("init")
        self.assertEqual(p.returncode, 0, p.err)

    def write(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    # the scan of an agreement a supplier signed on paper (記名押印): the only way staff
    # record the supplier's side (--paper-scan); its SHA-256 is PAPER_SCAN_SHA256
    def paper_scan(self):
        return self.write("signed-agreement.pdf", PAPER_SCAN)

    def on_paper(self):
        """`agreement` arguments recording the supplier's side from its signed paper copy."""
        return ["--confirm-as", "supplier", "--paper-scan", self.paper_scan()]

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
