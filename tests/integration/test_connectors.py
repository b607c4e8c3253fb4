#!/usr/bin/env python3
"""Connectors against a real Tryton server (tests/scripts/tryton_server.sh: tryton-server with
the party and purchase modules, its own SQLite database, on loopback) and webhooks to a real
HTTP receiver started here: suppliers made in Tryton through its own JSON-RPC API are synced,
changed and archived there, their standing appears on the Tryton party; every event reaches a
receiver that was down for a while exactly once, signed, in order per supplier.

usage: /usr/bin/python3 test_connectors.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import base64
import ctypes
import glob
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from cli_support import JA_HEADER, corporate_number, csv_text, env, good_row, terminate  # noqa: E402
from requests_support import ACCEPT, BUYER, ESTIMATE, SUPPLIER, TERMS, RequestCase, fair_request  # noqa: E402
from smtp_support import free_port  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TRYTON_SCRIPT = os.path.join(HERE, os.pardir, "scripts", "tryton_server.sh")
SECRET = "s3cret-for-the-test-only"
LABELS = {"meets": "充足", "expiring": "期限間近", "expired": "期限切れ", "below": "不足", "unknown": "未報告"}


class Tryton:
    """The Tryton server's own JSON-RPC API, as a user of Tryton would script it."""

    def __init__(self, state):
        self.state = state
        with open(os.path.join(state, "url")) as f:
            self.url = f.read().strip()
        with open(os.path.join(state, "password")) as f:
            self.password = f.read().strip()
        self.endpoint = self.url + "hoshitori/"
        uid, session = self.call("common.db.login", ["admin", {"password": self.password}, "en"], auth=False)
        self.auth = base64.b64encode(("admin:%s:%s" % (uid, session)).encode()).decode()

    def call(self, method, params, auth=True):
        req = urllib.request.Request(self.endpoint, data=json.dumps({"id": 1, "method": method, "params": params})
                                     .encode(), headers={"Content-Type": "application/json"})
        if auth:
            req.add_header("Authorization", "Session " + self.auth)
        with urllib.request.urlopen(req, timeout=60) as r:
            doc = json.loads(r.read())
        if doc.get("error"):
            raise RuntimeError(doc["error"])
        return doc["result"]

    def model(self, model, method, *args):
        return self.call("model.%s.%s" % (model, method), list(args) + [{}])

    def party(self, name, category, corporate=None, email=None):
        values = {"name": name, "categories": [["add", [category]]]}
        if corporate:
            values["identifiers"] = [["create", [{"type": "jp_cn", "code": corporate}]]]
        if email:
            values["contact_mechanisms"] = [["create", [{"type": "email", "value": email}]]]
        return self.model("party.party", "create", [values])[0]

    def categories_of(self, party):
        ids = self.model("party.party", "read", [party], ["categories"])[0]["categories"]
        return sorted(c["rec_name"] for c in self.model("party.category", "read", ids, ["rec_name"]))


class Receiver:
    """A webhook receiver on loopback: checks each signature, keeps what it was sent."""

    def __init__(self, port):
        self.port = port
        self.got = []
        self.bad = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                sig = dict(p.split("=", 1) for p in self.headers["Hoshitori-Signature"].split(","))
                want = hmac.new(SECRET.encode(), sig["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(want, sig["v1"]) or abs(time.time() - int(sig["t"])) > 300:
                    outer.bad.append(body)
                    self.send_response(401)
                else:
                    outer.got.append((dict(self.headers), json.loads(body)))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Abi:
    """libhoshitori through ctypes, as a host embeds it."""

    def __init__(self, database):
        self.c = ctypes
        lib = ctypes.CDLL(sorted(glob.glob(os.path.join(os.path.dirname(cli_support.BIN), "libhoshitori.so*")))[0])
        lib.hoshitori_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
        lib.hoshitori_query_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
        lib.hoshitori_render_html.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                              ctypes.POINTER(ctypes.c_void_p)]
        lib.hoshitori_free.argtypes = [ctypes.c_void_p]
        lib.hoshitori_close.argtypes = [ctypes.c_void_p]
        self.lib = lib
        os.environ["HOSHITORI_SCHEMAS"] = env()["HOSHITORI_SCHEMAS"]
        self.db = ctypes.c_void_p()
        assert lib.hoshitori_open(database.encode(), ctypes.byref(self.db)) == 0

    def _taken(self, out):
        text = self.c.string_at(out).decode() if out.value else ""
        self.lib.hoshitori_free(out)
        return text

    def query(self, doc):
        out = self.c.c_void_p()
        rc = self.lib.hoshitori_query_json(self.db, json.dumps(doc).encode(), self.c.byref(out))
        text = self._taken(out)
        return rc, json.loads(text) if text else None

    def screen(self, path="/erp/"):
        out = self.c.c_void_p()
        rc = self.lib.hoshitori_render_html(self.db, path.encode(), b"staff", b"viewer", self.c.byref(out))
        assert rc == 0, rc
        return self._taken(out)

    def close(self):
        self.lib.hoshitori_close(self.db)


def board(database, path="/erp/"):
    """The 星取表 as a fresh host renders it (its notice is read anew)."""
    abi = Abi(database)
    try:
        return abi.screen(path)
    finally:
        abi.close()


class ConnectorCase(RequestCase):
    @classmethod
    def setUpClass(cls):
        cls.tryton_state = os.path.join(os.environ.get("TMPDIR", "/tmp"), "hoshitori-tryton-%d" % os.getpid())
        subprocess.run(["sh", TRYTON_SCRIPT, "start", cls.tryton_state], check=True, capture_output=True,
                       timeout=600)
        cls.tryton = Tryton(cls.tryton_state)

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["sh", TRYTON_SCRIPT, "stop", cls.tryton_state], check=True, timeout=60)

    def setUp(self):
        super().setUp()
        self.init()
        # each test its own supplier category (one Tryton database serves the class)
        self.category_name = "仕入先-%s" % self.id().rsplit(".", 1)[1][:40]
        self.category = self.tryton.model("party.category", "create", [{"name": self.category_name}])[0]
        self.hook_port = free_port()

    def config(self, url=None, webhook=None, name="connectors.yaml", **hook):
        lines = ["connectors:",
                 "  - name: tryton", "    kind: tryton",
                 "    url: %s" % (url or self.tryton.url), "    database: hoshitori", "    user: admin",
                 "    password_file: %s" % os.path.join(self.tryton_state, "password"),
                 "    suppliers:", "      category: %s" % self.category_name,
                 "    standing_category: 星取表-%s" % self.category, "    timeout_seconds: 5",
                 "    every_minutes: 1"]
        if webhook:
            lines += ["webhooks:", "  - name: %s" % webhook, "    url: http://127.0.0.1:%d/hook" % self.hook_port,
                      "    secret_env: TEST_WEBHOOK_SECRET"]
            lines += ["    %s: %s" % kv for kv in sorted(hook.items())]
        return self.write(name, "\n".join(lines) + "\n")

    def cli(self, *args, expect=0):
        e = env()
        e["TEST_WEBHOOK_SECRET"] = SECRET
        p = subprocess.run([cli_support.BIN, "--db", self.db] + list(args), capture_output=True, env=e, timeout=120)
        p.out, p.err = p.stdout.decode(), p.stderr.decode()
        self.assertEqual(p.returncode, expect, "stdout: %s\nstderr: %s" % (p.out, p.err))
        return p

    def sync(self, cfg, *extra, expect=0):
        p = self.cli("sync", "--config", cfg, "--json", *extra, expect=expect)
        return json.loads(p.out)[0], p

    def counts(self, report):
        return tuple(report[k] for k in ("read", "created", "updated", "unchanged", "deactivated")) + (
            len(report["rejected"]),)


class TrytonSync(ConnectorCase):
    def test_suppliers_flow_in_and_standings_flow_back(self):
        t = self.tryton
        a = t.party("株式会社青葉製作所", self.category, corporate_number(1), "info@aoba.example.jp")
        b = t.party("有限会社みどり工業", self.category, None, "sales@midori.example.jp")
        c = t.party("個人事業 山田", self.category)
        t.model("party.party", "create", [{"name": "得意先商事"}])  # not a supplier: not read
        codes = {p["id"]: p["code"] for p in t.model("party.party", "read", [a, b, c], ["code"])}
        cfg = self.config()

        dry, _ = self.sync(cfg, "--dry-run")
        self.assertEqual(self.counts(dry), (3, 3, 0, 0, 0, 0))
        self.assertEqual(dry["standings"], {"written": 3, "unchanged": 0}, "what a real run would write")
        self.assertEqual(self.codes(), [], "a dry run keeps nothing")

        first, _ = self.sync(cfg)
        self.assertEqual(self.counts(first), (3, 3, 0, 0, 0, 0))
        self.assertEqual(first["standings"], {"written": 3, "unchanged": 0})
        s = self.status(codes[a])
        self.assertEqual((s["name"], s["corporate_number"], s["email"]),
                         ("株式会社青葉製作所", corporate_number(1), "info@aoba.example.jp"))
        self.assertIsNone(self.status(codes[c])["corporate_number"], "a sole proprietor has no 法人番号")
        for p in (a, b, c):
            self.assertIn("星取表-%s / 未報告" % self.category, t.categories_of(p))

        again, _ = self.sync(cfg)
        self.assertEqual(self.counts(again), (3, 0, 0, 3, 0, 0), "idempotent")
        self.assertEqual(again["standings"], {"written": 0, "unchanged": 3})

        # the ERP renames a supplier; Hoshitori's statuses are not the ERP's to change
        t.model("party.party", "write", [b], {"name": "みどり工業株式会社"})
        rows = [good_row(codes[b], 2, name="別の名前", scs="★3", scs_until="2027-06-30", c1="はい"),
                good_row(codes[a], 1, name="株式会社青葉製作所", email="info@aoba.example.jp", scs="★3",
                         scs_until="2026-10-31", c1="いいえ", c2="いいえ", c3="いいえ")]
        self.import_csv(csv_text(JA_HEADER, rows), expect=0)
        renamed, _ = self.sync(cfg)
        self.assertEqual(self.counts(renamed), (3, 0, 1, 2, 0, 0))
        s = self.status(codes[b])
        self.assertEqual(s["name"], "みどり工業株式会社", "the ERP owns the name")
        self.assertEqual(s["scs"]["level"], 3, "Hoshitori owns the statuses")
        self.assertEqual(renamed["standings"], {"written": 2, "unchanged": 1})
        labels = {}
        for p in (a, b):  # two standings, written in one Tryton call
            labels[p] = LABELS[self.status(codes[p])["standing"]]
            cats = t.categories_of(p)
            self.assertIn("星取表-%s / %s" % (self.category, labels[p]), cats)
            self.assertEqual(len([c for c in cats if c.startswith("星取表-")]), 1, cats)
            self.assertIn(self.category_name, cats, "the buyer's own categories stay")
        self.assertNotEqual(labels[a], labels[b])
        self.assertNotIn("未報告", labels.values(), "the old standing is taken off")
        self.assertIn("sync:tryton", json.dumps(self.history(codes[b]), ensure_ascii=False))

        # archived in Tryton: inactive here, never deleted
        t.model("party.party", "write", [c], {"active": False})
        gone, _ = self.sync(cfg)
        self.assertEqual(self.counts(gone), (2, 0, 0, 2, 1, 0))
        self.assertFalse(self.status(codes[c])["active"])
        self.assertEqual(sorted(self.codes()), sorted(codes.values()))

        # the run is in the audit trail
        events, _ = self.events()
        runs = [e for e in events if e["action"] == "sync.run"]
        self.assertEqual(len(runs), 5 - 1, "one per sync that was not a dry run")
        self.assertEqual(self.cli("verify").returncode, 0)

    def test_an_interim_standing_is_the_buyers_own_category_not_meets(self):
        # issue 15 item 6: SA★★ + an equivalent service meets only the buyer's own interim
        # rule; the ERP party says so (当社の暫定基準（★3相当）), never 充足
        t = self.tryton
        a = t.party("株式会社かもめ", self.category, corporate_number(21))
        b = t.party("株式会社つぐみ", self.category, corporate_number(22))
        cfg = self.config()
        self.sync(cfg)
        codes = {p["id"]: p["code"] for p in t.model("party.party", "read", [a, b], ["code"])}
        no = dict(c1="いいえ", c2="いいえ", c3="いいえ")
        rows = [good_row(codes[a], 21, name="株式会社かもめ", sa="★★", sa_on="2026-06-01", **no)
                + ["自社の監視と駆け付け対応", "2027-06-30"],
                good_row(codes[b], 22, name="株式会社つぐみ", scs="★3", scs_until="2027-09-30", **no) + ["", ""]]
        self.import_csv(csv_text(JA_HEADER + ["同等のサービス", "同等のサービス有効期限"], rows), expect=0)
        report, _ = self.sync(cfg)
        self.assertEqual(report["standings"], {"written": 2, "unchanged": 0})
        root = "星取表-%s / " % self.category
        self.assertEqual([c for c in t.categories_of(a) if c.startswith(root)], [root + "当社の暫定基準（★3相当）"])
        self.assertEqual([c for c in t.categories_of(b) if c.startswith(root)], [root + "充足"])
        again, _ = self.sync(cfg)
        self.assertEqual(again["standings"], {"written": 0, "unchanged": 2})

    def test_tryton_down_is_a_clear_error_and_nothing_is_half_applied(self):
        self.tryton.party("株式会社はやぶさ", self.category, corporate_number(5))
        cfg = self.config()
        self.sync(cfg)
        down = self.config(url="http://127.0.0.1:%d/" % free_port(), name="down.yaml")
        report, p = self.sync(down, expect=2)
        self.assertFalse(report["ok"])
        self.assertIn("Tryton is not reachable", report["error"])
        self.assertEqual(self.counts(report)[0], 0)
        self.assertEqual(len(self.codes()), 1, "nothing was made inactive by a failed read")
        self.assertTrue(self.suppliers()[0]["active"])
        page = board(self.db)
        self.assertIn("取引先マスタの同期が失敗しました", page)
        self.assertIn("Tryton is not reachable", page)
        text = self.cli("sync", "--config", down, expect=2)
        self.assertIn("failed", text.err)
        self.assertIn("next run tries again", text.err)
        # a wrong password is said as such
        with open(os.path.join(self.tmp, "wrong.pass"), "w") as f:
            f.write("not-the-password\n")
        with open(cfg, encoding="utf-8") as f:
            wrong = f.read().replace(os.path.join(self.tryton_state, "password"), os.path.join(self.tmp, "wrong.pass"))
        report, _ = self.sync(self.write("wrong.yaml", wrong), expect=2)
        self.assertIn("refused the login", report["error"])
        # Tryton back: the next run goes through
        report, _ = self.sync(cfg)
        self.assertTrue(report["ok"])
        self.assertNotIn('role="alert"', board(self.db))

    def test_bad_configuration_names_file_and_line(self):
        bad = self.write("bad.yaml", "connectors:\n  - name: x\n    kind: tryton\n    url: ftp://x\n")
        p = self.cli("sync", "--config", bad, expect=2)
        self.assertIn("bad.yaml:4:", p.err)
        unknown = self.write("unknown.yaml", "connectors:\n  - name: x\n    kind: sap\n")
        p = self.cli("sync", "--config", unknown, expect=2)
        self.assertIn("unknown kind 'sap' (known: tryton, csv)", p.err)
        secret = self.write("secret.yaml", "webhooks:\n  - name: h\n    url: http://127.0.0.1:1/\n    secret: abc\n")
        p = self.cli("webhook", "run", "--once", "--config", secret, expect=2)
        self.assertIn("secret.yaml:4: unknown key 'secret'", p.err)

    def test_serve_syncs_on_schedule_and_posts_webhooks(self):
        a = self.tryton.party("株式会社つばめ", self.category, corporate_number(7))
        code = self.tryton.model("party.party", "read", [a], ["code"])[0]["code"]
        receiver = Receiver(self.hook_port)
        try:
            cfg = self.config(webhook="host", retry_base_seconds=1)
            e = env()
            e["TEST_WEBHOOK_SECRET"] = SECRET
            proc = subprocess.Popen([cli_support.BIN, "--db", self.db, "serve", "--listen", "127.0.0.1:0",
                                     "--connectors", cfg], env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                deadline = time.time() + 60
                while time.time() < deadline and code not in self.codes():
                    time.sleep(0.3)
                self.assertIn(code, self.codes(), "serve ran the sync at start (never run before)")
                rows = [good_row(code, 7, name="株式会社つばめ", scs="★3", scs_until="2027-06-30")]
                self.import_csv(csv_text(JA_HEADER, rows), expect=0)
                while time.time() < deadline and not receiver.got:
                    time.sleep(0.2)
                self.assertEqual([b["type"] for _, b in receiver.got], ["supplier.standing_changed"])
                self.assertEqual(receiver.got[0][1]["data"]["changes"]["scs_level"], {"before": None, "after": "3"})
            finally:
                terminate(proc)
        finally:
            receiver.stop()


class Webhooks(ConnectorCase):
    def changes(self, codes, rounds):
        """Imports `rounds` files, each moving every supplier's SCS date: one event per supplier and round."""
        for r in range(rounds):
            rows = [good_row(c, i + 1, scs="★3", scs_until="2027-%02d-28" % (r + 1)) for i, c in enumerate(codes)]
            self.import_csv(csv_text(JA_HEADER, rows), expect=0)

    def test_receiver_down_then_up_gets_every_event_once_in_order(self):
        cfg = self.config(webhook="host", retry_base_seconds=1, max_backoff_seconds=2, disable_after=1000)
        self.cli("webhook", "run", "--once", "--config", cfg)  # registers the endpoint: events queue from now
        self.start()  # the 24 sample suppliers: a standing event for each with statuses
        # a request answered and an agreement confirmed
        number = self.issue(fair_request("V0001")).number
        self.step(number, ESTIMATE, SUPPLIER)
        self.step(number, ACCEPT, BUYER)
        s = self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER)
        sha = s.out.splitlines()[1].split()[-1]
        self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha))
        self.ok(self.run_cli("agreement", number, *self.on_paper(), "--by", SUPPLIER, "--sha256", sha))
        codes = ["V%04d" % i for i in range(1, 11)]
        self.changes(codes, 3)
        status = json.loads(self.cli("webhook", "status", "--json").out)[0]
        expected = status["pending"]
        self.assertGreaterEqual(expected, 30 + 2)

        e = env()
        e["TEST_WEBHOOK_SECRET"] = SECRET
        runner = subprocess.Popen([cli_support.BIN, "--db", self.db, "webhook", "run", "--config", cfg], env=e,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            time.sleep(3)  # the receiver is down: attempts fail, nothing is lost
            down = json.loads(self.cli("webhook", "status", "--json").out)[0]
            self.assertEqual((down["state"], down["delivered"], down["pending"]), ("active", 0, expected))
            self.assertGreaterEqual(down["failures"], 1)
            self.assertIn("127.0.0.1:%d" % self.hook_port, down["last_error"])
            receiver = Receiver(self.hook_port)
            try:
                deadline = time.time() + 90
                while time.time() < deadline and len(receiver.got) < expected:
                    time.sleep(0.2)
                time.sleep(1)  # nothing more arrives
            finally:
                receiver.stop()
        finally:
            terminate(runner)
        self.assertEqual(receiver.bad, [])
        ids = [b["id"] for _, b in receiver.got]
        self.assertEqual(len(ids), expected)
        self.assertEqual(len(set(ids)), expected, "exactly once")
        per_supplier = {}
        for headers, body in receiver.got:
            self.assertEqual(headers["Hoshitori-Event-Id"], body["id"])
            self.assertEqual(headers["Hoshitori-Event"], body["type"])
            per_supplier.setdefault(body["vendor_code"], []).append(body["sequence"])
        for code, seqs in per_supplier.items():
            self.assertEqual(seqs, sorted(seqs), "in order for " + code)
        self.assertGreater(int(receiver.got[0][0]["Hoshitori-Attempt"]), 1, "the first went again after the outage")
        types = [b["type"] for _, b in receiver.got]
        self.assertEqual(types.count("request.answered"), 1)
        self.assertEqual(types.count("agreement.confirmed"), 1)
        answered = next(b for _, b in receiver.got if b["type"] == "request.answered")
        self.assertEqual((answered["data"]["request"], answered["data"]["answer"]), (number, "negotiating"))
        v1 = [b["data"] for _, b in receiver.got if b["vendor_code"] == "V0001" and
              b["type"] == "supplier.standing_changed"]
        self.assertEqual([d["changes"]["scs_valid_until"]["after"] for d in v1[-3:]],
                         ["2027-01-28", "2027-02-28", "2027-03-28"])
        after = json.loads(self.cli("webhook", "status", "--json").out)[0]
        self.assertEqual((after["pending"], after["delivered"], after["failures"]), (0, expected, 0))

    def test_two_workers_on_one_queue_deliver_each_event_once(self):
        cfg = self.config(webhook="host")
        self.cli("webhook", "run", "--once", "--config", cfg)
        codes = ["W%03d" % i for i in range(1, 121)]
        self.changes(codes, 2)
        receiver = Receiver(self.hook_port)
        try:
            e = env()
            e["TEST_WEBHOOK_SECRET"] = SECRET
            workers = [subprocess.Popen([cli_support.BIN, "--db", self.db, "webhook", "run", "--config", cfg], env=e,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
            try:
                deadline = time.time() + 60
                while time.time() < deadline and len(receiver.got) < 240:
                    time.sleep(0.2)
                time.sleep(1.5)
            finally:
                for w in workers:
                    terminate(w)
        finally:
            receiver.stop()
        ids = [b["id"] for _, b in receiver.got]
        self.assertEqual((len(ids), len(set(ids))), (240, 240), "each once, though two workers ran")
        seqs = [b["sequence"] for _, b in receiver.got]
        self.assertEqual(seqs, sorted(seqs), "in order: one worker holds the webhook at a time")

    def test_disabled_after_repeated_failure_reported_and_resumed(self):
        cfg = self.config(webhook="host", retry_base_seconds=1, max_backoff_seconds=1, disable_after=3)
        self.cli("webhook", "run", "--once", "--config", cfg)
        self.start()
        for _ in range(3):
            self.cli("webhook", "run", "--once", "--config", cfg, expect=1)
            time.sleep(1.2)
        self.cli("webhook", "run", "--once", "--config", cfg)  # disabled: not even tried
        st = json.loads(self.cli("webhook", "status", "--json", expect=1).out)[0]
        queued = st["pending"]
        self.assertGreater(queued, 0)
        self.assertEqual((st["state"], st["failures"], st["delivered"]), ("disabled", 3, 0))
        self.assertIsNotNone(st["disabled_at"])
        text = self.cli("webhook", "status", expect=1).out
        self.assertIn("disabled", text)
        events, _ = self.events()
        self.assertEqual([e["action"] for e in events if e["action"].startswith("webhook.")],
                         ["webhook.registered", "webhook.disabled"])
        page = board(self.db)
        self.assertIn('role="alert"', page, "staff see it on the 星取表")
        self.assertIn("通知先（Webhook）が失敗の連続で停止しています", page)
        self.assertIn("hoshitori webhook enable host", page)
        self.assertIn("Webhook disabled after repeated failures", board(self.db, "/erp/?lang=en"))
        # still queueing while disabled
        self.changes(["V0001"], 1)
        receiver = Receiver(self.hook_port)
        try:
            self.cli("webhook", "enable", "host", "--by", "ops")
            p = self.cli("webhook", "run", "--once", "--config", cfg)
            self.assertIn("delivered %d," % (queued + 1), p.out)
        finally:
            receiver.stop()
        self.assertEqual(len({b["id"] for _, b in receiver.got}), queued + 1)
        self.assertNotIn('role="alert"', board(self.db), "gone once it delivers again")
        self.cli("webhook", "enable", "nosuch", expect=3)


class CsvOut(ConnectorCase):
    def test_export_then_import_changes_nothing(self):
        rows = [good_row("V001", 1, name="=HYPERLINK(\"http://evil\")", scs="★4", scs_until="2027-01-31",
                         c1="はい", c2="いいえ", sa="★★", sa_on="2025-04-01"),
                good_row("-002", 2, name="+81 商事", contact="@山田", dept="-"),
                good_row("V003", 3, name="株式会社\"引用\",カンマ"),
                good_row("V004", 4, name="髙橋製作所", ota="なし")]
        self.import_csv(csv_text(JA_HEADER, rows), expect=0)
        self.sql("UPDATE suppliers SET active = 0 WHERE vendor_code = 'V004'")
        out = os.path.join(self.tmp, "out.csv")
        self.cli("export", "suppliers", "--out", out)
        with open(out, "rb") as f:
            data = f.read()
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for Excel")
        text = data.decode("utf-8-sig")
        header = text.split("\r\n")[0].split(",")
        self.assertEqual([h for h in JA_HEADER if h not in header], [], "the import's own headers")
        self.assertEqual(header[-1], "取引状態")
        for cell in ('"\'=HYPERLINK(""http://evil"")"', "'+81 商事", "'@山田", "'-002", "'-"):
            self.assertIn(cell, text)
        self.assertIn("取引停止", text)
        before = self.suppliers()
        _, summary, _ = self.import_file(out, expect=0)
        self.assertEqual((summary["imported"], summary["updated"], summary["unchanged"]), (0, 0, 4))
        self.assertEqual(self.suppliers(), before)
        self.assertEqual(self.status("V001")["name"], '=HYPERLINK("http://evil")')
        # CP932 for older tools; the same import reads it back
        cp = os.path.join(self.tmp, "out-sjis.csv")
        self.cli("export", "suppliers", "--encoding", "cp932", "--out", cp)
        with open(cp, "rb") as f:
            self.assertEqual(f.read().decode("cp932").split("\r\n")[0], header_line(text))
        _, summary, _ = self.import_file(cp, expect=0)
        self.assertEqual(summary["unchanged"], 4)
        # a character CP932 cannot write: named, and nothing written
        self.import_csv(csv_text(JA_HEADER, [good_row("V005", 5, name="𠮷野家")]), expect=0)
        bad = os.path.join(self.tmp, "bad.csv")
        p = self.cli("export", "suppliers", "--encoding", "cp932", "--out", bad, expect=1)
        self.assertIn("取引先コード V005, 会社名", p.err)
        self.assertFalse(os.path.exists(bad))

    def test_csv_connector_rejects_rows_by_line_and_writes_standings(self):
        master = self.write("master.csv", csv_text(["取引先コード", "会社名", "法人番号", "メールアドレス"], [
            ["K1", "株式会社甲", corporate_number(11), "a@k1.example.jp"],
            ["K2", "株式会社乙", "1234567890123", ""],
            ["K1", "株式会社丙", "", ""],
            ["", "名無し", "", ""]]).encode("cp932"))
        out = os.path.join(self.tmp, "standings.csv")
        cfg = self.write("csv.yaml", "connectors:\n  - name: erp-csv\n    kind: csv\n    path: %s\n"
                         "    standings_out: %s\n" % (master, out))
        report, p = self.sync(cfg, expect=1)
        self.assertEqual(self.counts(report), (4, 1, 0, 0, 0, 3))
        where = sorted((r["where"].rsplit(":", 1)[1], r["field"]) for r in report["rejected"])
        self.assertEqual(where, [("3", "法人番号"), ("4", "取引先コード"), ("5", "取引先コード")])
        with open(out, encoding="utf-8-sig") as f:
            self.assertEqual(f.read().splitlines(), ["取引先コード,星取表,要求SCS", "K1,未報告,★3"])

    def test_a_host_syncs_and_reads_webhooks_through_the_c_abi(self):
        master = self.write("m.csv", csv_text(["取引先コード", "会社名"], [["H1", "株式会社丁"], ["H2", "株式会社戊"]]))
        cfg = self.write("abi.yaml", "connectors:\n  - name: files\n    kind: csv\n    path: %s\nwebhooks:\n"
                         "  - name: erp\n    url: http://127.0.0.1:%d/\n    secret_env: TEST_WEBHOOK_SECRET\n"
                         % (master, self.hook_port))
        abi = Abi(self.db)
        query = abi.query
        try:
            rc, out = query({"op": "sync", "config": cfg, "actor": "erp:batch"})
            self.assertEqual(rc, 0, out)
            self.assertEqual((out["runs"][0]["created"], out["runs"][0]["ok"]), (2, True))
            rc, out = query({"op": "webhook_status"})
            self.assertEqual([(h["name"], h["state"], h["events"]) for h in out["webhooks"]],
                             [("erp", "active", ["supplier.standing_changed", "request.answered",
                                                 "agreement.confirmed"])])
            rc, out = query({"op": "sync", "config": cfg, "actor": "erp:batch", "connector": "nosuch"})
            self.assertEqual(rc, -3)
            rc, out = query({"op": "sync", "config": "/nonexistent.yaml", "actor": "erp:batch"})
            self.assertEqual(rc, -2)
            self.assertIn("file not found", out["error"])
            path = os.path.join(self.tmp, "abi.csv")
            rc, out = query({"op": "export_suppliers", "out": path})
            self.assertEqual((rc, out["exported"]), (0, 2))
        finally:
            abi.close()
        self.assertEqual(self.status("H1")["name"], "株式会社丁")


def header_line(text):
    return text.split("\r\n")[0]


if __name__ == "__main__":
    cli_support.main()
