#!/usr/bin/env python3
"""The README's embedding guide, run: every code block marked `<!-- example: PATH -->` in
README.md is byte for byte the file at PATH, and each of those files is compiled and run
here — the C host, the Python ctypes host, the REST API with curl, the webhook receiver
and the Tryton walkthrough (a real tryton-server; a standing change flowing both ways).

usage: /usr/bin/python3 test_examples.py HOSHITORI_BINARY LIBHOSHITORI EMBED_HOST_EXE ROOT
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_support import terminate  # noqa: E402

BIN = LIB = EMBED = ROOT = None


def run(args, **kw):
    p = subprocess.run(args, capture_output=True, timeout=kw.pop("timeout", 120), **kw)
    p.out, p.err = p.stdout.decode("utf-8"), p.stderr.decode("utf-8")
    return p


class Examples(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="hoshitori-examples-")
        cls.db = os.path.join(cls.tmp, "hoshitori.db")
        cls.env = dict(os.environ, HOSHITORI_SCHEMAS=os.path.join(ROOT, "schemas"), HOSHITORI_TODAY="2026-11-20")
        for args in (["init"], ["import", "suppliers", os.path.join(ROOT, "sample-data", "suppliers.csv")]):
            p = run([BIN, "--db", cls.db] + args, env=cls.env)
            assert p.returncode == 0, p.err

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def ok(self, p):
        self.assertEqual(p.returncode, 0, "stdout: %s\nstderr: %s" % (p.out, p.err))
        return p

    def test_readme_shows_the_example_files_as_they_are(self):
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        blocks = re.findall(r"<!-- example: (\S+) -->\n```[a-z]*\n(.*?)```\n", readme, re.S)
        named = sorted(path for path, _ in blocks)
        self.assertEqual(named, sorted(["examples/embed_host.c", "examples/embed_host.py", "examples/rest_api.sh",
                                        "examples/webhook_receiver.py", "examples/connectors.yaml",
                                        "examples/tryton_walkthrough.sh"]))
        for path, text in blocks:
            with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                self.assertEqual(text, f.read(), path + " in README.md differs from the file")

    def test_example_configuration_loads(self):
        p = run([BIN, "--db", self.db, "sync", "--config", os.path.join(ROOT, "examples", "connectors.yaml"),
                 "--connector", "nosuch"], env=self.env)
        self.assertEqual(p.returncode, 3, p.err)
        self.assertIn("has no connector named nosuch", p.err, "the file itself was read without a complaint")

    def test_c_host(self):
        p = self.ok(run([EMBED, self.db, "V0001"], env=self.env))
        lines = p.out.splitlines()
        self.assertRegex(lines[0], r"^V0001: (meets|expiring|expired|below|unknown) \(SCS \d, required [34], until ")
        self.assertTrue(lines[1].startswith("reason: "))
        self.assertRegex(lines[2], r"^panel: [1-9]\d+ bytes of HTML$")
        p = run([EMBED, self.db, "NOPE"], env=self.env)
        self.assertEqual((p.returncode, p.out), (3, "NOPE: no such supplier\n"))

    def test_python_ctypes_host(self):
        script = os.path.join(ROOT, "examples", "embed_host.py")
        p = self.ok(run([sys.executable, script, LIB, self.db, "V0001"], env=self.env))
        c = self.ok(run([EMBED, self.db, "V0001"], env=self.env))
        self.assertEqual(p.out.splitlines()[:2], c.out.splitlines()[:2], "the same answer as the C host")
        self.assertRegex(p.out, r"history: [1-9]\d* entries")
        self.assertRegex(p.out, r"panel: [1-9]\d+ bytes of HTML")

    def test_rest_api_with_curl(self):
        db = os.path.join(self.tmp, "rest.db")
        shutil.copy(self.db, db)
        key = self.ok(run([BIN, "--db", db, "apikey", "create", "--name", "erp", "--role", "buyer"],
                          env=self.env)).out.strip().split()[-1]
        self.assertTrue(key.startswith("hsk_"), key)
        server = subprocess.Popen([BIN, "--db", db, "serve", "--listen", "127.0.0.1:0"], env=self.env,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            line = server.stdout.readline().decode()
            url = re.search(r"serving (http://127\.0\.0\.1:\d+)/", line).group(1)
            p = self.ok(run(["sh", os.path.join(ROOT, "examples", "rest_api.sh"), url],
                            env=dict(self.env, HOSHITORI_KEY=key)))
        finally:
            terminate(server)
        docs = p.out.strip().split("\n")
        self.assertEqual(json.loads(docs[0])["vendor_code"], "V0001")
        self.assertIn("suppliers", json.loads(docs[1]))
        patched = json.loads(docs[2])
        self.assertEqual((patched["vendor_code"], patched["scs"]["level"]), ("V0008", 3))
        audit = [json.loads(line) for line in docs[3:]]
        self.assertEqual(audit[-2]["action"], "supplier.updated")
        self.assertEqual(audit[-2]["actor"], "yamada")

    def test_tryton_walkthrough_standing_flows_both_ways(self):
        p = self.ok(run(["sh", os.path.join(ROOT, "examples", "tryton_walkthrough.sh"), BIN], env=self.env,
                        timeout=600))
        self.assertIn("created 1", p.out)
        self.assertRegex(p.out, r'"rec_name": "星取表 / 未報告"|standings written 1')
        cats = re.search(r"categories: (\[.*\])", p.out).group(1)
        names = [c["rec_name"] for c in json.loads(cats)]
        self.assertIn("仕入先", names)
        self.assertTrue(any(n.startswith("星取表 / ") and n != "星取表 / 未報告" for n in names), names)
        self.assertRegex(p.out, r"received: supplier\.standing_changed \S+ evt_")
        self.assertIn("delivered 1,", p.out)
        self.assertFalse([d for d in os.listdir("/tmp") if d.startswith("hoshitori-walkthrough.")
                          and os.path.getmtime(os.path.join("/tmp", d)) > time.time() - 600],
                         "the walkthrough cleans up after itself")


if __name__ == "__main__":
    BIN, LIB, EMBED, ROOT = sys.argv[1:5]
    unittest.main(argv=sys.argv[:1], verbosity=2)
