#!/usr/bin/env python3
"""The REST API as a host uses it: a real `hoshitori serve`, real keys, every answer
checked against schemas/openapi.yaml, and the security rules (keys, roles, limits, the
acting user in the audit trail).

usage: /usr/bin/python3 test_api.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import base64
import concurrent.futures
import http.client
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import OpenApi, Server, quote  # noqa: E402
from cli_support import PAPER_SCAN, PAPER_SCAN_SHA256, CliTest  # noqa: E402
from requests_support import ESTIMATE, EXPLANATION, TERMS, fair_request  # noqa: E402
from supplier_page_support import Browser, jpeg_bytes, pdf_bytes  # noqa: E402
from test_screens import Page  # noqa: E402

def query_json_texts(db, texts):
    """[(result code, answer document)] of hoshitori_query_json(text) for each text as given,
    on one handle opened on `db`."""
    import ctypes
    lib = ctypes.CDLL(os.path.join(os.path.dirname(cli_support.BIN), "libhoshitori.so"))
    lib.hoshitori_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.hoshitori_close.argtypes = [ctypes.c_void_p]
    lib.hoshitori_query_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.hoshitori_free.argtypes = [ctypes.c_void_p]
    saved = dict(os.environ)
    os.environ.update(cli_support.env())
    handle = ctypes.c_void_p()
    try:
        assert lib.hoshitori_open(db.encode(), ctypes.byref(handle)) == 0
        out = []
        for text in texts:
            answer = ctypes.c_void_p()
            rc = lib.hoshitori_query_json(handle, text.encode(), ctypes.byref(answer))
            out.append((rc, json.loads(ctypes.string_at(answer.value).decode("utf-8")) if answer.value else None))
            lib.hoshitori_free(answer)
        return out
    finally:
        lib.hoshitori_close(handle)
        os.environ.clear()
        os.environ.update(saved)


def query_json_raw(db, text):
    """(result code, answer document) of hoshitori_query_json(text) on `db`, text as given."""
    return query_json_texts(db, [text])[0]


SPEC = None  # OpenApi, loaded once; remembers the operations the suites reached


def spec():
    global SPEC
    if SPEC is None:
        SPEC = OpenApi(os.path.join(cli_support.SAMPLE_DIR, os.pardir, "schemas", "openapi.yaml"))
    return SPEC


class ApiCase(CliTest):
    """A database with the sample suppliers, three keys, and a server on it."""

    server_args = ()

    def setUp(self):
        super().setUp()
        self.init()
        self.import_file(os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv"), expect=0)
        self.keys = {role: self.make_key("host-" + role, role) for role in ("viewer", "buyer", "admin")}
        self.server = Server(self.db, *self.server_args)

    def tearDown(self):
        code, out, err = self.server.stop()
        self.assertEqual(code, 0, "serve exit code; stderr: %s" % err)
        self.assertIn("stopped", out)
        super().tearDown()

    def make_key(self, name, role):
        p = self.run_cli("apikey", "create", "--name", name, "--role", role)
        self.assertEqual(p.returncode, 0, p.err)
        key = p.out.strip()
        self.assertRegex(key, r"^hsk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$")
        return key

    def call(self, method, path, body=None, role="buyer", user="buyer-tanaka", expect=None, check=True, **kw):
        key = self.keys[role] if role else None
        r = self.server.request(method, path, body=body, key=key, user=user, **kw)
        if expect is not None:
            self.assertEqual(r.status, expect, "%s %s → %r" % (method, path, r))
        if check:
            spec().check(method, path, r)
        return r

    def issue(self, supplier="V0001", **kw):
        r = self.call("POST", "/api/v1/requests", {"request": fair_request(supplier, **kw)}, expect=201)
        return r.json()["number"]


class Story(ApiCase):
    def test_request_to_agreement_through_the_api(self):
        """The whole fair story through HTTP, every answer as openapi.yaml describes it."""
        self.call("GET", "/api/v1/", expect=200)
        page = self.call("GET", "/api/v1/suppliers?limit=5&offset=0", role="viewer", expect=200).json()
        self.assertEqual(len(page["suppliers"]), 5)
        self.assertGreater(page["total"], 5)
        one = self.call("GET", "/api/v1/suppliers/V0001", role="viewer", expect=200).json()
        self.assertEqual(one["vendor_code"], "V0001")

        draft = self.call("POST", "/api/v1/requests", {"request": fair_request("V0001"), "draft": True},
                          expect=201)
        number = draft.json()["number"]
        self.assertEqual(draft.json()["state"], "draft")
        self.assertEqual(draft.headers["Location"], "/api/v1/requests/" + number)
        issued = self.call("POST", "/api/v1/requests/%s/issue" % number, expect=200).json()
        self.assertEqual(issued["state"], "issued")

        link = self.call("POST", "/api/v1/requests/%s/supplier-links" % number, {"ttl_days": 30}, expect=201).json()
        self.assertEqual(self.server.request("GET", link["path"]).status, 200)
        self.call("POST", "/api/v1/requests/%s/supplier-links" % number, {"ttl_days": 9999}, expect=400)
        self.call("POST", "/api/v1/requests/%s/supplier-links" % number, role="viewer", expect=403)
        gone = self.call("DELETE", "/api/v1/requests/%s/supplier-links" % number, expect=200).json()
        self.assertEqual(gone["revoked"], 1)
        self.assertEqual(self.server.request("GET", link["path"]).status, 410)
        # the supplier's standing link for order documents (test_initiate.py has the rest)
        self.assertIsNone(self.call("GET", "/api/v1/suppliers/V0001/standing-link", role="viewer",
                                    expect=200).json()["link"])
        standing = self.call("POST", "/api/v1/suppliers/V0001/standing-link", {"days": 365}, expect=201).json()
        self.call("POST", "/api/v1/suppliers/V0001/standing-link", role="viewer", expect=403)
        self.assertEqual(self.call("GET", "/api/v1/suppliers/V0001/standing-link", role="viewer",
                                   expect=200).json()["link"]["state"], "live")
        self.assertEqual(self.server.request("GET", standing["path"]).status, 200)
        self.assertTrue(self.call("DELETE", "/api/v1/suppliers/V0001/standing-link", expect=200).json()["revoked"])
        self.assertEqual(self.server.request("GET", standing["path"]).status, 410)
        listed = self.call("GET", "/api/v1/requests?vendor_code=V0001", role="viewer", expect=200).json()
        self.assertEqual([r["number"] for r in listed["requests"]], [number])
        letter = self.call("GET", "/api/v1/requests/%s/letter?format=html&lang=ja" % number, role="viewer",
                           expect=200).json()
        self.assertIn("<!DOCTYPE html>", letter["content"])
        self.assertIn(EXPLANATION, letter["content"])

        step = self.call("POST", "/api/v1/requests/%s/steps" % number, {"step": ESTIMATE}, user="supplier-sato",
                         expect=201).json()
        self.assertEqual(step["state"], "negotiating")
        self.call("POST", "/api/v1/requests/%s/steps" % number, {"step": {"side": "buyer", "kind": "accept", "message": "お見積りの金額を受け入れます"}}, expect=201)
        agreement = self.call("POST", "/api/v1/requests/%s/steps" % number,
                              {"step": {"side": "buyer", "kind": "agreement", "terms": TERMS}}, expect=201).json()
        doc = self.call("GET", "/api/v1/requests/%s/agreement" % number, role="viewer", expect=200).json()
        self.assertEqual(doc["sha256"], agreement["agreement_sha256"])
        import hashlib
        self.assertEqual(hashlib.sha256(doc["document"].encode("utf-8")).hexdigest(), doc["sha256"])

        c1 = self.call("POST", "/api/v1/requests/%s/agreement/confirmations" % number,
                       {"side": "buyer", "sha256": doc["sha256"], "method": "erp"}, expect=201).json()
        self.assertEqual(c1["confirmed_by"], ["buyer"])
        # a buyer key never confirms for the supplier, whatever X-Hoshitori-User says; nor an
        # admin without the scan of the copy the supplier signed on paper. Nothing recorded.
        confirmations = "/api/v1/requests/%s/agreement/confirmations" % number
        scan = {"filename": "署名済み合意書.pdf", "content_base64": base64.b64encode(PAPER_SCAN).decode()}
        for role, body in (("buyer", {}), ("buyer", {"scan": scan}), ("admin", {})):
            r = self.call("POST", confirmations, dict(body, side="supplier", sha256=doc["sha256"]), role=role,
                          user="supplier-sato", expect=403).json()
            self.assertEqual(r["code"], -7)
            self.assertIn("only the supplier confirms the supplier's side", r["detail"])
        bad = dict(scan, content_base64=base64.b64encode(b"not a scan").decode())
        r = self.call("POST", confirmations, {"side": "supplier", "sha256": doc["sha256"], "scan": bad}, role="admin",
                      user="admin-suzuki", expect=400).json()
        self.assertIn("not a PDF, PNG or JPEG", r["detail"])
        shown = self.call("GET", "/api/v1/requests/%s" % number, role="viewer", expect=200).json()
        self.assertEqual([c["side"] for c in shown["agreements"][0]["confirmations"]], ["buyer"])
        # the paper path: an admin records it with the scan; its SHA-256 is kept with the confirmation
        c2 = self.call("POST", confirmations, {"side": "supplier", "sha256": doc["sha256"], "scan": scan},
                       role="admin", user="admin-suzuki", expect=201).json()
        self.assertEqual(c2["state"], "agreed")
        shown = self.call("GET", "/api/v1/requests/%s" % number, role="viewer", expect=200).json()
        self.assertEqual(shown["state"], "agreed")
        conf = shown["agreements"][0]["confirmations"]
        self.assertEqual(len(conf), 2)
        self.assertEqual((conf[1]["side"], conf[1]["actor"]), ("supplier", "admin-suzuki"))
        self.assertEqual(conf[1]["method"], "paper-scan sha256=%s file=署名済み合意書.pdf" % PAPER_SCAN_SHA256)
        # the scan itself is kept: staff download the very bytes
        kept = self.call("GET", "/api/v1/requests/%s/agreement/scan" % number, role="viewer", expect=200)
        self.assertEqual(kept.body, PAPER_SCAN)
        self.assertEqual(kept.headers["X-Hoshitori-Scan-SHA256"], PAPER_SCAN_SHA256)

        patched = self.call("PATCH", "/api/v1/suppliers/V0002", {"scs": {"level": 3, "valid_until": "2028-03-31"}},
                            expect=200).json()
        self.assertEqual(patched["scs"]["level"], 3)
        history = self.call("GET", "/api/v1/suppliers/V0002/history", role="viewer", expect=200).json()
        self.assertIn("scs_level", [h["field"] for h in history["history"]])

        verdict = self.call("GET", "/api/v1/audit/verify", role="viewer", expect=200).json()
        self.assertTrue(verdict["intact"])
        self.assertEqual(self.call("POST", "/api/v1/admin/expire-requests", role="admin", expect=200).json(),
                         {"expired": []})
        purge = self.call("POST", "/api/v1/admin/purge?dry_run=true", role="admin", expect=200).json()
        self.assertTrue(purge["dry_run"])
        self.call("GET", "/api/v1/openapi.yaml", role=None, expect=200)

    def test_acting_user_and_key_are_in_the_audit_trail(self):
        number = self.issue("V0001")
        # RFC 8187 form, for hosts that cannot send UTF-8 in a header
        self.call("POST", "/api/v1/requests/%s/steps" % number,
                  {"step": {"side": "buyer", "kind": "message", "message": "ご検討ください"}},
                  user="UTF-8''%E5%B1%B1%E7%94%B0", expect=201)
        self.call("PATCH", "/api/v1/suppliers/V0003", {"contact": "新担当"}, user=None, expect=200)
        r = self.call("GET", "/api/v1/audit/export?format=jsonl", role="viewer", expect=200)
        lines = [json.loads(x) for x in r.text.splitlines()]
        events = {e["action"]: e for e in lines[:-1]}
        self.assertEqual(events["request.issued"]["actor"], "buyer-tanaka")
        self.assertEqual(events["request.issued"]["via"], "apikey:host-buyer")
        self.assertEqual(events["negotiation.message"]["actor"], "山田")
        # without the header, the key's own name is the actor
        self.assertEqual(events["supplier.updated"]["actor"], "host-buyer")
        self.assertEqual(lines[-1]["exported"], len(lines) - 1)

    def test_csv_export_over_http_is_the_cli_export(self):
        self.issue("V0001")
        http_csv = self.call("GET", "/api/v1/audit/export?format=csv", role="viewer", expect=200)
        self.assertIn("attachment", http_csv.headers["Content-Disposition"])
        out = os.path.join(self.tmp, "cli.csv")
        p = self.run_cli("export", "audit", "--format", "csv", "--out", out)
        self.assertEqual(p.returncode, 0, p.err)
        with open(out, "rb") as f:
            self.assertEqual(http_csv.body, f.read())
        self.assertTrue(http_csv.body.startswith(b"\xef\xbb\xbf"))

    def test_capital_and_employees_in_the_supplier_json(self):
        """資本金 / 従業員数 from the import, as numbers (null when not on record), per openapi.yaml."""
        self.import_csv("取引先コード,会社名,資本金,従業員数\nV0001,株式会社青葉製作所,\"1,000万円\",１２\n", expect=0)
        one = self.call("GET", "/api/v1/suppliers/V0001", role="viewer", expect=200).json()
        self.assertEqual((one["capital_yen"], one["employees"]), (10000000, 12))
        two = self.call("GET", "/api/v1/suppliers/V0002", role="viewer", expect=200).json()
        self.assertEqual((two["capital_yen"], two["employees"]), (None, None))
        number = self.issue("V0001")
        scope = self.call("GET", "/api/v1/requests/" + number, role="viewer", expect=200).json()["request"]["scope"]
        self.assertEqual(scope["result"], "toriteki")  # buyer 5億円 (policy) → supplier 1,000万円

    def test_supplier_filters_and_japanese_search(self):
        everyone = self.call("GET", "/api/v1/suppliers?limit=1000", role="viewer", expect=200).json()
        below = self.call("GET", "/api/v1/suppliers?standing=below&limit=1000", role="viewer", expect=200).json()
        self.assertTrue(all(s["standing"] == "below" for s in below["suppliers"]))
        self.assertLess(below["total"], everyone["total"])
        # 株式会社 and full-width/half-width differences do not matter
        name = everyone["suppliers"][0]["name"]
        found = self.call("GET", "/api/v1/suppliers?name=" + quote(name), role="viewer", expect=200).json()
        self.assertIn(everyone["suppliers"][0]["vendor_code"], [s["vendor_code"] for s in found["suppliers"]])
        by_number = self.call("GET", "/api/v1/suppliers/" + everyone["suppliers"][0]["corporate_number"],
                              role="viewer", expect=200).json()
        self.assertEqual(by_number["vendor_code"], everyone["suppliers"][0]["vendor_code"])


class Refusals(ApiCase):
    def test_guardrail_refusal_is_problem_json_with_rule_ids(self):
        req = fair_request("V0001", due=cli_support.TODAY,
                           cost_sharing={"method": "", "explanation": "", "negotiable": False})
        r = self.call("POST", "/api/v1/requests", {"request": req}, expect=422)
        self.assertEqual(r.content_type, "application/problem+json")
        p = r.json()
        self.assertEqual(p["status"], 422)
        for rule in ("cost-sharing-explained", "cost-negotiable", "due-date-minimum"):
            self.assertIn(rule, p["refused"])
        refused = [x for x in p["rules"] if x["result"] == "refused"]
        self.assertTrue(all(x["citation"] and x["remedy"] for x in refused))
        self.assertEqual(self.call("GET", "/api/v1/requests", role="viewer", expect=200).json()["count"], 0)

    def test_errors_name_what_is_wrong(self):
        r = self.call("GET", "/api/v1/suppliers/NOPE", role="viewer", expect=404)
        self.assertIn("NOPE", r.json()["detail"])
        r = self.call("GET", "/api/v1/suppliers/" + quote("V0001' OR '1'='1"), role="viewer", expect=404)
        r = self.call("GET", "/api/v1/suppliers?standing=great", role="viewer", expect=400)
        self.assertIn("standing", r.json()["detail"])
        r = self.call("GET", "/api/v1/suppliers?colour=red", role="viewer", expect=400)
        self.assertIn("colour", r.json()["detail"])
        r = self.call("GET", "/api/v1/suppliers?limit=5000", role="viewer", expect=400)
        r = self.call("GET", "/api/v1/suppliers?limit=-1", role="viewer", expect=400)
        r = self.call("POST", "/api/v1/requests", raw=b"{not json", headers={"Content-Type": "application/json"},
                      expect=400)
        r = self.call("POST", "/api/v1/requests", raw=b"[1,2]", expect=400)
        r = self.call("POST", "/api/v1/requests", {"request": fair_request("V0001"), "actor": "someone-else"},
                      expect=400)
        self.assertIn("X-Hoshitori-User", r.json()["detail"])
        r = self.call("POST", "/api/v1/requests", {"request": fair_request("V0001"), "op": "records_purge"},
                      expect=400)
        r = self.call("POST", "/api/v1/requests", {"request": fair_request("V0001", colour="red")}, expect=400)
        self.assertIn("colour", r.json()["detail"])
        r = self.call("PATCH", "/api/v1/suppliers/V0001", {"scs": {"level": 9}}, expect=400)
        self.assertIn("scs.level", r.json()["detail"])
        r = self.call("GET", "/api/v1/requests/2026-99999", role="viewer", expect=404)

    def test_routing_errors(self):
        r = self.server.request("GET", "/api/v1/nothing-here", key=self.keys["viewer"])
        self.assertEqual(r.status, 404)
        self.assertEqual(r.content_type, "application/problem+json")
        r = self.server.request("DELETE", "/api/v1/suppliers/V0001", key=self.keys["admin"])
        self.assertEqual(r.status, 405)
        self.assertIn("GET", r.headers["Allow"])
        self.assertIn("PATCH", r.headers["Allow"])
        r = self.server.request("GET", "/api/v1/suppliers/%zz", key=self.keys["viewer"])
        self.assertEqual(r.status, 400)
        r = self.server.request("GET", "/api/v1/suppliers/%ff%fe", key=self.keys["viewer"])
        self.assertEqual(r.status, 400)
        self.assertIn("UTF-8", r.json()["detail"])
        r = self.server.request("GET", "/api/v2/suppliers", key=self.keys["viewer"])
        self.assertEqual(r.status, 404)
        r = self.server.request("GET", "/", key=self.keys["viewer"])
        self.assertEqual(r.status, 404)


class Security(ApiCase):
    def test_no_key_bad_key_and_roles(self):
        r = self.call("GET", "/api/v1/suppliers", role=None, expect=401)
        self.assertIn("Bearer", r.headers["WWW-Authenticate"])
        for bad in ("hsk_x", self.keys["viewer"][:-1] + ("A" if self.keys["viewer"][-1] != "A" else "B"),
                    "Basic dXNlcjpwYXNz"):
            r = self.server.request("GET", "/api/v1/suppliers", headers={"Authorization": "Bearer " + bad})
            self.assertEqual(r.status, 401, bad)
        # a viewer reads but cannot issue, negotiate, confirm, change statuses or purge
        self.call("POST", "/api/v1/requests", {"request": fair_request("V0001")}, role="viewer", expect=403)
        self.call("PATCH", "/api/v1/suppliers/V0001", {"contact": "x"}, role="viewer", expect=403)
        number = self.issue("V0001")
        self.call("POST", "/api/v1/requests/%s/steps" % number, {"step": ESTIMATE}, role="viewer", expect=403)
        self.call("POST", "/api/v1/requests/%s/agreement/confirmations" % number,
                  {"side": "buyer", "sha256": "0" * 64}, role="viewer", expect=403)
        # a buyer does not purge or expire
        self.call("POST", "/api/v1/admin/purge", role="buyer", expect=403)
        self.call("POST", "/api/v1/admin/expire-requests", role="buyer", expect=403)
        self.call("POST", "/api/v1/admin/purge?dry_run=true", role="admin", expect=200)
        # nothing the viewer tried was written
        shown = self.call("GET", "/api/v1/requests/" + number, role="viewer", expect=200).json()
        self.assertEqual(shown["steps"], [])

    def test_keys_are_stored_hashed_and_revocable(self):
        if cli_support.BACKEND == "sqlite":
            import sqlite3
            with sqlite3.connect(self.db) as c:
                stored = " ".join(str(v) for row in c.execute("SELECT * FROM api_keys") for v in row)
            secret = self.keys["buyer"][len("hsk_") + 12 + 1:]
            self.assertNotIn(secret, stored)
            import hashlib
            self.assertIn(hashlib.sha256(secret.encode()).hexdigest(), stored)
        self.call("GET", "/api/v1/suppliers/V0001", role="buyer", expect=200)
        p = self.run_cli("apikey", "revoke", "host-buyer")
        self.assertEqual(p.returncode, 0, p.err)
        self.assertEqual(self.run_cli("apikey", "revoke", "host-buyer").returncode, 3)
        # refused from the next request on: the server asks the store every time
        r = self.server.request("GET", "/api/v1/suppliers/V0001", key=self.keys["buyer"])
        self.assertEqual(r.status, 401)
        listing = self.run_cli("apikey", "list")
        self.assertEqual(listing.returncode, 0, listing.err)
        self.assertNotIn(self.keys["buyer"][len("hsk_") + 12 + 1:], listing.out)
        self.assertIn("host-buyer", listing.out)
        # the name can be used again once revoked; a live name cannot be taken twice
        self.make_key("host-buyer", "buyer")
        self.assertEqual(self.run_cli("apikey", "create", "--name", "host-buyer", "--role", "viewer").returncode, 2)
        self.assertEqual(self.run_cli("apikey", "create", "--name", "x", "--role", "root").returncode, 2)
        export = self.run_cli("export", "audit", "--format", "jsonl", "--out", "-")
        actions = [json.loads(x).get("action") for x in export.out.splitlines()]
        self.assertEqual(actions.count("apikey.revoked"), 1)
        self.assertEqual(actions.count("apikey.created"), 4)

    def test_body_limits(self):
        big = b'{"request": {"supplier": "' + b"x" * (2 << 20) + b'"}}'
        r = self.server.request("POST", "/api/v1/requests", raw=big, key=self.keys["buyer"])
        self.assertEqual(r.status, 413)
        # chunked, so no Content-Length to refuse up front: cut off while reading
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        conn.putrequest("POST", "/api/v1/requests")
        conn.putheader("Authorization", "Bearer " + self.keys["buyer"])
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        try:
            for _ in range(40):
                block = b"x" * 65536
                conn.send(b"%x\r\n%s\r\n" % (len(block), block))
            conn.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        resp = conn.getresponse()
        self.assertEqual(resp.status, 413)
        conn.close()
        self.assertEqual(self.call("GET", "/api/v1/requests", role="viewer", expect=200).json()["count"], 0)

    def test_user_header_must_be_text(self):
        r = self.server.request("POST", "/api/v1/requests", body={"request": fair_request("V0001")},
                                key=self.keys["buyer"], headers={"X-Hoshitori-User": "UTF-8''%ff%fe"})
        self.assertEqual(r.status, 400)
        r = self.server.request("POST", "/api/v1/requests", body={"request": fair_request("V0001")},
                                key=self.keys["buyer"], headers={"X-Hoshitori-User": "a" * 300})
        self.assertEqual(r.status, 400)

    def test_parallel_readers_and_writers(self):
        """8 clients at once: every answer is whole, every write lands, the chain stays intact."""
        codes = ["V%04d" % i for i in range(1, 9)]

        def work(code):
            out = []
            for i in range(5):
                out.append(self.server.request("PATCH", "/api/v1/suppliers/" + code, {"contact": "担当%d" % i},
                                               key=self.keys["buyer"]).status)
                out.append(self.server.request("GET", "/api/v1/suppliers?limit=50",
                                               key=self.keys["viewer"]).status)
            return out

        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            statuses = [s for r in ex.map(work, codes) for s in r]
        self.assertEqual(set(statuses), {200})
        for code in codes:
            self.assertEqual(self.call("GET", "/api/v1/suppliers/" + code, role="viewer").json()["contact"], "担当4")
        verdict = self.call("GET", "/api/v1/audit/verify", role="viewer", expect=200).json()
        self.assertTrue(verdict["intact"])


class GuessingLimit(ApiCase):
    def test_bad_keys_from_one_address_are_slowed(self):
        statuses = []
        for i in range(25):
            fake = "hsk_%012d_%s" % (i, "A" * 43)
            statuses.append(self.server.request("GET", "/api/v1/suppliers", key=fake).status)
        self.assertEqual(statuses[:20], [401] * 20)
        self.assertEqual(statuses[20:], [429] * 5)
        r = self.server.request("GET", "/api/v1/suppliers", key="hsk_x_" + "B" * 43)
        self.assertEqual(r.status, 429)
        self.assertGreater(r.json()["retry_after"], 0)
        self.assertEqual(r.headers["Retry-After"], str(r.json()["retry_after"]))
        self.assertEqual(r.headers["Cache-Control"], "no-store")
        # a good key from the same address (behind a proxy: every host) is not locked out
        self.assertEqual(self.server.request("GET", "/api/v1/suppliers", key=self.keys["viewer"]).status, 200)

    def test_forged_sign_in_links_do_not_lock_out_the_api(self):
        for i in range(25):
            r = self.server.request("GET", "/erp/login?u=a&r=viewer&next=%%2Ferp%%2F&e=1&n=x%d&s=y" % i)
        self.assertEqual(r.status, 429)  # the sign-in links are slowed …
        r = self.server.request("GET", "/api/v1/suppliers", key=self.keys["viewer"])
        self.assertEqual(r.status, 200)  # … the host's key is not

    def test_acting_user_without_hidden_characters(self):
        for bad in ("UTF-8''%E2%80%AEadmin", "UTF-8''a%E2%80%8Bb", "UTF-8''%zz"):
            r = self.server.request("GET", "/api/v1/suppliers", key=self.keys["viewer"], headers={"X-Hoshitori-User": bad})
            self.assertEqual(r.status, 400, bad)
            self.assertIn("X-Hoshitori-User", r.json()["detail"])


class Strictness(ApiCase):
    """What comes in is read one way: no key given twice, no hidden characters kept."""

    def test_duplicate_json_keys_are_refused_by_name(self):
        body = json.dumps({"request": fair_request("V0001")}, ensure_ascii=False)
        twice = body[:-2] + ', "supplier": "V0002"}}'  # the request object ends the body
        r = self.call("POST", "/api/v1/requests", raw=twice.encode(), headers={"Content-Type": "application/json"},
                      expect=400)
        self.assertIn('duplicate key "request.supplier"', r.json()["detail"])
        before = self.call("GET", "/api/v1/suppliers/V0001", role="viewer", expect=200).json()
        r = self.call("PATCH", "/api/v1/suppliers/V0001", raw=b'{"scs": {"level": 3, "level": 5}}',
                      headers={"Content-Type": "application/json"}, expect=400)
        self.assertIn('duplicate key "scs.level"', r.json()["detail"])
        self.assertEqual(self.call("GET", "/api/v1/suppliers/V0001", role="viewer", expect=200).json(), before)
        self.assertEqual(self.call("GET", "/api/v1/requests", role="viewer", expect=200).json()["count"], 0)
        # the C ABI takes the same rule
        rc, answer = query_json_raw(self.db, '{"op": "status", "vendor_code": "V0001", "vendor_code": "V0002"}')
        self.assertNotEqual(rc, 0)
        self.assertIn('duplicate key "vendor_code"', answer["error"])

    def test_hidden_characters_are_removed_from_free_text(self):
        rlo, zwsp, bom = "\u202e", "\u200b", "\ufeff"
        r = self.call("PATCH", "/api/v1/suppliers/V0003", {"contact": rlo + "山田" + zwsp + "太郎" + bom,
                                                           "scs": {"evidence": "確認書" + rlo + "No.1"}}, expect=200)
        self.assertEqual(r.json()["contact"], "山田太郎")
        shown = self.call("GET", "/api/v1/suppliers/V0003", role="viewer", expect=200).json()
        self.assertEqual((shown["contact"], shown["scs"]["evidence"]), ("山田太郎", "確認書No.1"))
        number = self.issue("V0001")
        self.call("POST", "/api/v1/requests/%s/steps" % number,
                  {"step": {"side": "supplier", "kind": "negotiation_request",
                            "message": "費用" + rlo + "について\r\n" + zwsp + "相談したい"}},
                  user="supplier-sato", expect=201)
        step = self.call("GET", "/api/v1/requests/" + number, role="viewer", expect=200).json()["steps"][-1]
        self.assertEqual(step["body"]["message"], "費用について\n相談したい")  # line breaks kept, as LF


class Evidence(ApiCase):
    """Evidence files and the self-check a supplier sent from its page, as staff read them."""

    def supplier_page(self, number):
        path = self.call("POST", "/api/v1/requests/%s/supplier-links" % number, {}, expect=201).json()["path"]
        browser = Browser(self.server.base)
        status, _, body = browser.open(path)
        self.assertEqual(status, 200)
        csrf = [a["value"] for t, a in Page(body).tags if t == "input" and a.get("name") == "csrf"][0]
        return browser, path, csrf

    def query_json(self, requests):
        """[(result code, answer document)] from hoshitori_query_json on this test's database."""
        return query_json_texts(self.db, [json.dumps(r) for r in requests])

    def test_list_download_and_self_check(self):
        import hashlib
        number = self.issue("V0001")
        browser, path, csrf = self.supplier_page(number)
        status, _, body = browser.upload(path + "/evidence", [("csrf", csrf), ("topic", "sa"), ("name", "佐藤")],
                                         [("宣言書.pdf", "application/pdf", pdf_bytes()),
                                          ("写真.jpg", "image/jpeg", jpeg_bytes())])
        self.assertEqual(status, 303, body[:500])
        listed = self.call("GET", "/api/v1/suppliers/V0001/evidence", role="viewer", expect=200).json()
        self.assertEqual([f["filename"] for f in listed["files"]], ["宣言書.pdf", "写真.jpg"])
        for f, data in zip(listed["files"], (pdf_bytes(), jpeg_bytes())):
            r = self.call("GET", f["href"], role="viewer", expect=200)
            self.assertEqual(r.body, data)
            self.assertEqual(hashlib.sha256(r.body).hexdigest(), f["sha256"])
            self.assertEqual(r.content_type, f["media_type"])
            self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")
            self.assertIn("filename*=UTF-8''%E", r.headers["Content-Disposition"])
        same = self.call("GET", "/api/v1/suppliers/V0001/evidence?number=" + number, role="viewer", expect=200)
        self.assertEqual(same.json(), listed)
        self.assertEqual(self.call("GET", "/api/v1/suppliers/V0002/evidence", role="viewer", expect=200).json(),
                         {"vendor_code": "V0002", "files": []})
        self.call("GET", "/api/v1/suppliers/NOPE/evidence", role="viewer", expect=404)
        self.call("GET", "/api/v1/suppliers/V0001/evidence?colour=red", role="viewer", expect=400)
        self.call("GET", "/api/v1/evidence/999999", role="viewer", expect=404)
        self.call("GET", "/api/v1/evidence/1%20OR%201=1", role="viewer", expect=404)
        self.call("GET", listed["files"][0]["href"], role=None, expect=401)
        self.assertEqual(self.server.request("DELETE", listed["files"][0]["href"], key=self.keys["admin"]).status,
                         405)
        # the same through the C ABI's JSON ops (hoshitori_query_json)
        ops = self.query_json([{"op": "evidence", "vendor_code": "V0001", "number": number},
                               {"op": "evidence_file", "id": listed["files"][0]["id"]},
                               {"op": "evidence_file", "id": 999999},
                               {"op": "evidence", "vendor_code": "V0001", "colour": "red"}])
        self.assertEqual(ops[0][1], listed)
        import base64
        self.assertEqual(base64.b64decode(ops[1][1]["content_base64"]), pdf_bytes())
        self.assertEqual(ops[1][1]["sha256"], listed["files"][0]["sha256"])
        self.assertNotEqual(ops[2][0], 0)
        self.assertIn("999999", ops[2][1]["error"])
        self.assertIn("colour", ops[3][1]["error"])
        # content changed behind the service's back (its append-only trigger dropped first,
        # as someone with the database's owner rights could) is not handed out
        self.sql("DROP TRIGGER evidence_blobs_no_update" if cli_support.BACKEND == "sqlite"
                 else "DROP TRIGGER evidence_blobs_append_only ON evidence_blobs")
        self.sql("UPDATE evidence_blobs SET content_base64 = 'JVBERi0xLjQK' WHERE sha256 = '%s'"
                 % listed["files"][0]["sha256"])
        r = self.call("GET", listed["files"][0]["href"], role="viewer", expect=500)
        self.assertIn("SHA-256", r.json()["detail"])

        # the self-check is part of the request
        shown = self.call("GET", "/api/v1/requests/" + number, role="viewer", expect=200).json()
        self.assertEqual(shown["self_check"], [])
        status, _, body = browser.open(path + "/self-check", {"csrf": csrf, "sc:4-1-3": "not_planned",
                                                               "sc:4-4-4": "planned", "sc_date:4-4-4": "2027-01-15"})
        self.assertEqual(status, 303, body[:500])
        shown = self.call("GET", "/api/v1/requests/" + number, role="viewer", expect=200).json()
        self.assertEqual([(c["item"], c["answer"], c["planned_on"]) for c in shown["self_check"]],
                         [("4-1-3", "not_planned", None), ("4-4-4", "planned", "2027-01-15")])


def tearDownModule():
    # When the whole module ran, every operation in openapi.yaml must have been reached.
    if SPEC is not None and len(sys.argv) <= 5:
        missing = SPEC.operations() - SPEC.seen
        if missing:
            raise AssertionError("operations in openapi.yaml no test reached: %s" % sorted(missing))


if __name__ == "__main__":
    sys.exit(cli_support.main())
