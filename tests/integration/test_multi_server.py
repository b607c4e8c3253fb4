#!/usr/bin/env python3
"""One truth across processes: three `hoshitori serve` processes and a long-lived ctypes
host on one database (a SQLite file, or one PostgreSQL database). Every process's caches
are filled first; then after each kind of write — a REST PATCH, a CSV import by the CLI,
an answer on the supplier page, a campaign sent by the CLI, a connector sync — every
process answers the new state on its very next request (no waiting), through the REST API
(the row and the standing filter agreeing), the 星取表 (/erp/) and, in the ctypes host,
hoshitori_supplier_status and hoshitori_render_html("/erp/").

    python3 test_multi_server.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import ctypes
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import JA_HEADER, CliTest, csv_text, good_row  # noqa: E402
from requests_support import fair_request  # noqa: E402
from supplier_page_support import Browser  # noqa: E402
from test_ctypes import SupplierStatus, load  # noqa: E402
from test_screens import Page  # noqa: E402

STANDINGS = ["meets", "expiring", "expired", "below", "unknown"]


class Host:
    """A host program that keeps one handle open for the whole test, as an ERP does."""

    def __init__(self, db):
        self.lib = load(os.path.join(os.path.dirname(cli_support.BIN), "libhoshitori.so"))
        self.lib.hoshitori_render_html.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                                   ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
        self.lib.hoshitori_render_html.restype = ctypes.c_int
        self.handle = ctypes.c_void_p()
        rc = self.lib.hoshitori_open(db.encode(), ctypes.byref(self.handle))
        if rc != 0:
            raise AssertionError("hoshitori_open: %d" % rc)

    def standing(self, code):
        st = SupplierStatus()
        st.size = ctypes.sizeof(SupplierStatus)
        rc = self.lib.hoshitori_supplier_status(self.handle, code.encode(), ctypes.byref(st))
        assert rc == 0, rc
        return self.lib.hoshitori_standing_name(st.standing).decode()

    def html(self, path):
        out = ctypes.c_void_p()
        rc = self.lib.hoshitori_render_html(self.handle, path.encode(), b"host-user", b"viewer", ctypes.byref(out))
        assert rc == 0, (rc, self.lib.hoshitori_errmsg(self.handle))
        text = ctypes.string_at(out).decode("utf-8")
        self.lib.hoshitori_free(out)
        return text

    def close(self):
        self.lib.hoshitori_close(self.handle)


def board_standing(html, code):
    """The standing class of the supplier's row on a page of the 星取表."""
    m = re.search(r'<tr class="hs-st-(\w+)[^"]*">\s*<td><a href="[^"]*">%s</a>' % re.escape(code), html)
    return m.group(1) if m else None


class OneTruth(CliTest):
    def setUp(self):
        super().setUp()
        self.init()
        self.import_file(os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv"), expect=0)
        self.key = self.run_cli("apikey", "create", "--name", "erp", "--role", "buyer").out.strip()
        self.servers = [Server(self.db) for _ in range(3)]
        self.host = Host(self.db)

    def tearDown(self):
        self.host.close()
        for s in self.servers:
            code, _, err = s.stop()
            self.assertEqual(code, 0, err)
        super().tearDown()

    def call(self, server, method, path, body=None, expect=200):
        r = server.request(method, path, body=body, key=self.key, user="buyer-tanaka")
        self.assertEqual(r.status, expect, r)
        return r

    def look_everywhere(self, code):
        """Every process's every view of the supplier's standing (and its name), which must agree."""
        seen = {}
        for i, s in enumerate(self.servers):
            row = self.call(s, "GET", "/api/v1/suppliers/" + code).json()
            seen["rest%d" % i] = row["standing"]
            seen["name%d" % i] = row["name"]
            listed = [st for st in STANDINGS
                      if code in [x["vendor_code"] for x in
                                  self.call(s, "GET", "/api/v1/suppliers?limit=1000&standing=" + st).json()["suppliers"]]]
            seen["filter%d" % i] = listed[0] if len(listed) == 1 else listed
            board = self.call(s, "GET", "/erp/?name=" + "").text
            seen["board%d" % i] = board_standing(board, code)
        seen["capi"] = self.host.standing(code)
        seen["capi_board"] = board_standing(self.host.html("/erp/"), code)
        return seen

    def assert_everywhere(self, code, standing, name=None):
        seen = self.look_everywhere(code)
        for k, v in seen.items():
            if k.startswith("name"):
                if name:
                    self.assertEqual(v, name, "%s: %s" % (k, seen))
            else:
                self.assertEqual(v, standing, "%s: %s" % (k, seen))

    def test_every_kind_of_write_is_seen_by_every_process_at_once(self):
        a, b, c = self.servers
        self.assert_everywhere("V0001", "meets")  # every cache filled
        self.assert_everywhere("V0002", "meets")

        # 1. a REST PATCH through A
        self.call(a, "PATCH", "/api/v1/suppliers/V0001", {"scs": {"level": 0}})
        self.assert_everywhere("V0001", "below")

        # 2. a CSV import by another process (the CLI)
        path = os.path.join(self.tmp, "back.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(csv_text(JA_HEADER, [good_row("V0001", 1, name="株式会社青葉製作所", scs="★3",
                                                  scs_until="2027-09-30")]))
        self.import_file(path, expect=0)
        self.assert_everywhere("V0001", "meets", name="株式会社青葉製作所")

        # 3. the supplier answers on its page, served by B
        number = self.call(a, "POST", "/api/v1/requests", {"request": fair_request("V0002")}, expect=201).json()["number"]
        link = self.run_cli("request", "link", number).out.strip()
        browser = Browser(b.base)
        _, _, body = browser.open(link)
        csrf = [x["value"] for t, x in Page(body).tags if t == "input" and x.get("name") == "csrf"][0]
        status, _, body = browser.open(link + "/status", {"scs_level": "★4", "scs_valid_until": "2029-03-31",
                                                          "scs_evidence": "確認書", "name": "佐藤", "csrf": csrf})
        self.assertEqual(status, 303, body[:500])
        status, _, body = browser.open(link + "/answer", {"choice": "plan", "plan_date": "2027-03-31", "name": "佐藤",
                                                          "csrf": csrf})
        self.assertEqual(status, 303, body[:500])
        seen = self.look_everywhere("V0002")
        self.assertEqual(len(set(v for k, v in seen.items() if not k.startswith("name"))), 1, seen)
        for s in self.servers:
            self.assertEqual(self.call(s, "GET", "/api/v1/suppliers/V0002").json()["scs"]["level"], 4)
        for s in self.servers:
            self.assertNotEqual(self.call(s, "GET", "/api/v1/requests/" + number).json()["state"], "issued")

        # 4. a campaign sent by the CLI: its requests are seen everywhere
        spec = os.path.join(self.tmp, "campaign.json")
        r = fair_request()
        del r["supplier"]
        with open(spec, "w", encoding="utf-8") as f:
            json.dump({"kind": "request", "template": "request_mail", "suppliers": {"codes": ["V0003", "V0004"]},
                       "request": r}, f, ensure_ascii=False)
        cid = self.run_cli("campaign", "create", "--json", spec).out.strip()
        p = self.run_cli("campaign", "send", cid, "--queue-only")
        self.assertEqual(p.returncode, 0, p.err)
        for s in self.servers:
            listed = self.call(s, "GET", "/api/v1/requests?vendor_code=V0003").json()
            self.assertTrue(listed["requests"], listed)

        # 5. a connector sync renames V0002 and lowers nothing: the name is everywhere
        master = os.path.join(self.tmp, "master.csv")
        with open(master, "w", encoding="utf-8") as f:
            f.write("取引先コード,会社名\nV0002,東邦精密工業株式会社（新）\n")
        conf = os.path.join(self.tmp, "connectors.yaml")
        with open(conf, "w", encoding="utf-8") as f:
            f.write("connectors:\n  - name: master\n    kind: csv\n    path: %s\n" % master)
        p = self.run_cli("sync", "--config", conf)
        self.assertIn(p.returncode, (0, 1), p.err)
        for i, s in enumerate(self.servers):
            self.assertEqual(self.call(s, "GET", "/api/v1/suppliers/V0002").json()["name"], "東邦精密工業株式会社（新）")
            self.assertIn("東邦精密工業株式会社（新）", self.call(s, "GET", "/erp/").text)
        self.assertIn("東邦精密工業株式会社（新）", self.host.html("/erp/"))


    def test_a_filtered_list_never_contradicts_itself_under_writes(self):
        """A writes standings back and forth while B and C list by standing: every row of a
        page filtered for a standing has that standing (the page and its rows are read in
        one snapshot; a retry loop let 13 contradictions through in 20 s on PostgreSQL)."""
        import threading
        a, b, c = self.servers
        codes = ["V0001", "V0002", "V0005", "V0008"]
        done = threading.Event()
        problems = []

        def write():
            for i in range(240):
                level = 0 if (i // 4) % 2 == 0 else 4
                self.call(a, "PATCH", "/api/v1/suppliers/" + codes[i % 4], {"scs": {"level": level,
                                                                                    "valid_until": "2027-09-30"}})
            done.set()

        def read(server):
            while not done.is_set():
                for st in ("meets", "below"):
                    for row in self.call(server, "GET", "/api/v1/suppliers?limit=1000&standing=" + st).json()[
                            "suppliers"]:
                        if row["standing"] != st:
                            problems.append((st, row["vendor_code"], row["standing"]))
                    board = self.call(server, "GET", "/erp/?standing=" + st).text
                    for code, shown in re.findall(r'<tr class="hs-st-(\w+)[^"]*">\s*<td><a href="[^"]*">(V\d+)</a>',
                                                  board):
                        if code != st:
                            problems.append(("board", st, shown, code))

        threads = [threading.Thread(target=write)] + [threading.Thread(target=read, args=(s,)) for s in (b, c)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(problems, [])


if __name__ == "__main__":
    sys.exit(cli_support.main())
