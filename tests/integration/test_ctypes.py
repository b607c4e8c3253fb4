#!/usr/bin/env python3
"""A Python host of libhoshitori through ctypes (stdlib only).

    python3 test_ctypes.py LIBPATH DATABASE CSV_FILE

DATABASE is a SQLite path or a postgresql:// URL of an empty database; CSV_FILE is
sample-data/suppliers.csv. HOSHITORI_TODAY (2026-11-20) and HOSHITORI_SCHEMAS come
from the environment, set by whoever runs this file.
"""
import ctypes
import json
import os
import sys
import unittest

LIBPATH = DATABASE = CSV_FILE = None

OK, ERROR, INVALID, NOTFOUND, CONFLICT, MISUSE, BUSY = 0, -1, -2, -3, -4, -5, -6
UNKNOWN, MEETS, EXPIRING, EXPIRED, BELOW = 0, 1, 2, 3, 4


class SupplierStatus(ctypes.Structure):
    """hoshitori_supplier_status_t, field for field as in hoshitori.h."""

    _fields_ = [
        ("size", ctypes.c_uint),
        ("sa_level", ctypes.c_int),
        ("otasuketai_active", ctypes.c_int),
        ("scs_level", ctypes.c_int),
        ("required_scs", ctypes.c_int),
        ("standing", ctypes.c_int),
        ("active", ctypes.c_int),
        ("scs_valid_until", ctypes.c_char * 11),
        ("otasuketai_until", ctypes.c_char * 11),
        ("standing_until", ctypes.c_char * 11),
        ("corporate_number", ctypes.c_char * 14),
        ("reason", ctypes.c_char * 384),
    ]


def new_status():
    st = SupplierStatus()
    st.size = ctypes.sizeof(SupplierStatus)
    return st


def load(path):
    lib = ctypes.CDLL(path)
    lib.hoshitori_version.argtypes = []
    lib.hoshitori_version.restype = ctypes.c_char_p
    lib.hoshitori_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.hoshitori_open.restype = ctypes.c_int
    lib.hoshitori_close.argtypes = [ctypes.c_void_p]
    lib.hoshitori_close.restype = ctypes.c_int
    lib.hoshitori_errmsg.argtypes = [ctypes.c_void_p]
    lib.hoshitori_errmsg.restype = ctypes.c_char_p
    lib.hoshitori_supplier_status.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(SupplierStatus)]
    lib.hoshitori_supplier_status.restype = ctypes.c_int
    lib.hoshitori_standing_name.argtypes = [ctypes.c_int]
    lib.hoshitori_standing_name.restype = ctypes.c_char_p
    # char** out: kept as a raw pointer so that it can be handed back to hoshitori_free
    lib.hoshitori_query_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.hoshitori_query_json.restype = ctypes.c_int
    lib.hoshitori_free.argtypes = [ctypes.c_void_p]
    lib.hoshitori_free.restype = None
    return lib


class CtypesHost(unittest.TestCase):
    lib = None
    db = None
    import_rc = None
    import_response = None

    @classmethod
    def setUpClass(cls):
        cls.lib = load(LIBPATH)
        handle = ctypes.c_void_p()
        rc = cls.lib.hoshitori_open(DATABASE.encode("utf-8"), ctypes.byref(handle))
        cls.db = handle
        if rc != OK:
            msg = cls.lib.hoshitori_errmsg(handle).decode("utf-8", "replace") if handle.value else "(no handle)"
            cls.lib.hoshitori_close(handle)
            cls.db = None
            raise RuntimeError("hoshitori_open(%s) = %d: %s" % (DATABASE, rc, msg))
        cls.import_rc, cls.import_response = cls.query_cls(
            {"op": "import_suppliers", "file": os.path.abspath(CSV_FILE), "actor": "ctypes:test"})

    @classmethod
    def tearDownClass(cls):
        if cls.db is not None:
            rc = cls.lib.hoshitori_close(cls.db)
            cls.db = None
            if rc != OK:
                raise RuntimeError("hoshitori_close = %d" % rc)

    # -- helpers -----------------------------------------------------------------------

    @classmethod
    def query_cls(cls, request):
        """Runs one JSON request; returns (rc, parsed response or None). Frees the response."""
        text = request if isinstance(request, str) else json.dumps(request, ensure_ascii=False)
        out = ctypes.c_void_p()
        rc = cls.lib.hoshitori_query_json(cls.db, text.encode("utf-8"), ctypes.byref(out))
        parsed = None
        if out.value:
            try:
                raw = ctypes.string_at(out.value)
            finally:
                cls.lib.hoshitori_free(out)
            parsed = json.loads(raw.decode("utf-8"))
        return rc, parsed

    def query(self, request):
        return self.query_cls(request)

    def status(self, code, expect_rc=OK):
        st = new_status()
        rc = self.lib.hoshitori_supplier_status(self.db, code.encode("utf-8"), ctypes.byref(st))
        self.assertEqual(rc, expect_rc, "supplier_status(%s): %s" % (code, self.errmsg()))
        return st

    def errmsg(self):
        return self.lib.hoshitori_errmsg(self.db).decode("utf-8")

    # -- tests -------------------------------------------------------------------------

    def test_struct_layout(self):
        # 7 ints, then 11+11+11+14+384 chars, padded to int alignment
        self.assertEqual(SupplierStatus.scs_valid_until.offset, 7 * ctypes.sizeof(ctypes.c_int))
        self.assertEqual(SupplierStatus.reason.offset, 7 * 4 + 11 * 3 + 14)
        self.assertEqual(ctypes.sizeof(SupplierStatus), 460)

    def test_version(self):
        v = self.lib.hoshitori_version()
        self.assertTrue(v)
        self.assertEqual(v.decode("ascii"), "0.1.0")

    def test_import_response(self):
        self.assertEqual(self.import_rc, OK, self.import_response)
        self.assertEqual(self.import_response["imported"], 24)
        self.assertEqual(self.import_response["updated"], 0)
        self.assertEqual(self.import_response["rejected"], [])

    def test_status_meets(self):
        st = self.status("V0001")
        self.assertEqual(st.size, ctypes.sizeof(SupplierStatus))
        self.assertEqual(st.standing, MEETS)
        self.assertEqual(st.required_scs, 3)
        self.assertEqual(st.sa_level, 2)
        self.assertEqual(st.scs_level, 3)
        self.assertEqual(st.otasuketai_active, -1)
        self.assertEqual(st.active, 1)
        self.assertEqual(st.scs_valid_until, b"2027-02-17")
        self.assertEqual(st.standing_until, b"2027-02-17")
        self.assertEqual(st.corporate_number, b"1798643261622")
        self.assertEqual(self.lib.hoshitori_standing_name(st.standing), b"meets")

    def test_reason_is_japanese_utf8(self):
        st = self.status("V0001")
        reason = st.reason.decode("utf-8")  # raises if truncated mid-character or not UTF-8
        self.assertIn("★", reason)
        self.assertIn("満たしています", reason)
        st = self.status("V0007")
        reason = st.reason.decode("utf-8")
        self.assertIn("★", reason)
        self.assertIn("届いていません", reason)

    def test_status_by_corporate_number(self):
        # the CSV has "５４３７-５５２９-８４１４０" for V0002
        st = self.status("5437552984140")
        self.assertEqual(st.corporate_number, b"5437552984140")
        self.assertEqual(st.scs_level, 4)
        self.assertEqual(st.required_scs, 4)
        self.assertEqual(st.standing, MEETS)
        self.assertEqual(st.sa_level, -1)
        same = self.status("V0002")
        for name, _ in SupplierStatus._fields_:
            self.assertEqual(getattr(same, name), getattr(st, name), name)

    def test_status_unknown(self):
        st = self.status("V0008")
        self.assertEqual(st.standing, UNKNOWN)
        self.assertEqual(st.sa_level, -1)
        self.assertEqual(st.scs_level, -1)
        self.assertEqual(st.otasuketai_active, -1)
        self.assertEqual(st.standing_until, b"")

    def test_status_expired(self):
        st = self.status("V0016")
        self.assertEqual(st.standing, EXPIRED)
        self.assertEqual(st.scs_level, 4)
        self.assertEqual(st.required_scs, 4)
        self.assertEqual(st.scs_valid_until, b"2026-09-30")
        st = self.status("V0013")  # お助け隊 contract ended 2026-10-31
        self.assertEqual(st.standing, EXPIRED)
        self.assertEqual(st.otasuketai_active, 0)
        self.assertEqual(st.otasuketai_until, b"2026-10-31")

    def test_status_below_and_sole_proprietor(self):
        st = self.status("V0006")
        self.assertEqual(st.standing, BELOW)
        self.assertEqual(st.sa_level, 1)
        self.assertEqual(st.corporate_number, b"")

    def test_status_expiring_interim(self):
        st = self.status("V0004")  # SA★★ + お助け隊, SA declared more than 365 days ago
        self.assertEqual(st.standing, EXPIRING)
        self.assertEqual(st.otasuketai_active, 1)
        self.assertEqual(st.otasuketai_until, b"2027-03-31")
        self.assertIn("再確認", st.reason.decode("utf-8"))

    def test_notfound(self):
        self.status("NO-SUCH-CODE", NOTFOUND)
        self.assertIn("NO-SUCH-CODE", self.errmsg())
        self.status("", INVALID)

    def test_error_text_is_per_thread(self):
        """8 threads fail on one handle at once, each with its own vendor code: every
        hoshitori_errmsg, and every query_json error document, names that thread's own code
        (ctypes releases the GIL during each call, so the calls really interleave)."""
        import threading
        calls, wrong = 3000, []

        def worker(t):
            for i in range(calls):
                code = "NO-T%d-%d" % (t, i)
                st = new_status()
                rc = self.lib.hoshitori_supplier_status(self.db, code.encode(), ctypes.byref(st))
                msg = self.lib.hoshitori_errmsg(self.db).decode("utf-8")
                if rc != NOTFOUND or code not in msg:
                    wrong.append(("status", code, rc, msg))
                if i % 10 == 0:
                    out = ctypes.c_void_p()
                    req = json.dumps({"op": "status", "vendor_code": code}).encode()
                    rc = self.lib.hoshitori_query_json(self.db, req, ctypes.byref(out))
                    doc = ctypes.string_at(out).decode("utf-8") if out.value else ""
                    self.lib.hoshitori_free(out)
                    if rc != NOTFOUND or code not in doc:
                        wrong.append(("query_json", code, rc, doc))

        threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(wrong[:5], [], "%d of %d calls read another call's error" % (len(wrong), 8 * calls))

    def test_misuse(self):
        st = new_status()
        self.assertEqual(self.lib.hoshitori_supplier_status(None, b"V0001", ctypes.byref(st)), MISUSE)
        self.assertIsNotNone(self.lib.hoshitori_errmsg(None))
        st.size = 0
        self.assertEqual(self.lib.hoshitori_supplier_status(self.db, b"V0001", ctypes.byref(st)), MISUSE)
        st.size = ctypes.sizeof(SupplierStatus) + 8  # a host built against a newer header
        self.assertEqual(self.lib.hoshitori_supplier_status(self.db, b"V0001", ctypes.byref(st)), MISUSE)
        self.assertIn("size is %d; this library accepts %d" % (st.size, ctypes.sizeof(SupplierStatus)),
                      self.errmsg())
        self.assertEqual(self.lib.hoshitori_close(None), OK)
        self.lib.hoshitori_free(None)

    def test_query_status(self):
        rc, resp = self.query({"op": "status", "vendor_code": "V0001"})
        self.assertEqual(rc, OK)
        self.assertEqual(resp["standing"], "meets")
        self.assertEqual(resp["name"], "株式会社青葉製作所")
        rc, resp = self.query({"op": "status", "vendor_code": "NO-SUCH-CODE"})
        self.assertEqual(rc, NOTFOUND)
        self.assertIn("error", resp)
        rc, resp = self.query("{not json")
        self.assertEqual(rc, INVALID)
        self.assertIn("error", resp)

    def test_error_document_names_the_field(self):
        """A caller's mistake names the key or field it concerns in the error document."""
        rc, resp = self.query({"op": "status", "vendor_code": "V0001", "vendr": "x"})
        self.assertEqual(rc, INVALID)
        self.assertEqual(resp.get("field"), "vendr", resp)
        rc, resp = self.query({"op": "update_status", "vendor_code": "V0001", "actor": "t", "scs": {"level": "★9"}})
        self.assertEqual(rc, INVALID)
        self.assertEqual(resp.get("field"), "scs.level", resp)
        rc, resp = self.query({"op": "status"})
        self.assertEqual(rc, INVALID)
        self.assertEqual(resp.get("field"), "vendor_code", resp)

    def test_query_suppliers_below(self):
        rc, resp = self.query({"op": "suppliers", "standing": "below", "limit": 100})
        self.assertEqual(rc, OK, resp)
        codes = sorted(s["vendor_code"] for s in resp["suppliers"])
        self.assertEqual(codes, ["V0006", "V0007", "V0009", "V0010", "V0014", "V0015", "V0018"])
        self.assertEqual(resp["total"], len(resp["suppliers"]))
        for s in resp["suppliers"]:
            self.assertEqual(s["standing"], "below")
            self.assertEqual(self.status(s["vendor_code"]).standing, BELOW)
        # a page of the same list keeps the total
        rc, page = self.query({"op": "suppliers", "standing": "below", "limit": 2, "offset": 1})
        self.assertEqual(rc, OK, page)
        self.assertEqual(page["total"], 7)
        self.assertEqual(len(page["suppliers"]), 2)
        self.assertTrue(all(s["standing"] == "below" for s in page["suppliers"]))

    def test_query_suppliers_all(self):
        rc, resp = self.query({"op": "suppliers"})
        self.assertEqual(rc, OK, resp)
        self.assertEqual(resp["total"], 24)
        self.assertEqual(len(resp["suppliers"]), 24)
        rc, resp = self.query({"op": "suppliers", "standing": "nonsense"})
        self.assertEqual(rc, INVALID)

    def test_campaign_through_query_json(self):
        spec = {"kind": "briefing", "suppliers": {"standing": ["below"]},
                "event": {"title": "説明会", "start": "2027-01-20T14:00:00+09:00",
                          "end": "2027-01-20T15:30:00+09:00", "location": "本社"}}
        rc, resp = self.query({"op": "campaign_create", "actor": "host-user",
                               "campaign": dict(spec, suppliers={"standing": ["bellow"]})})
        self.assertEqual(rc, INVALID)
        self.assertIn("suppliers.standing[0]", self.errmsg())
        rc, resp = self.query({"op": "campaign_create", "actor": "host-user", "campaign": spec})
        self.assertEqual(rc, OK, self.errmsg())
        cid = resp["campaign"]
        rc, plan = self.query({"op": "campaign_plan", "campaign": cid})
        self.assertEqual(rc, OK, self.errmsg())
        below = self.query({"op": "suppliers", "standing": "below"})[1]["suppliers"]
        self.assertEqual(sorted(r["vendor_code"] for r in plan["recipients"]), sorted(s["vendor_code"] for s in below))
        rc, preview = self.query({"op": "campaign_preview", "campaign": cid})
        self.assertEqual(rc, OK, self.errmsg())
        self.assertIn("BEGIN:VCALENDAR", preview["ics"])
        rc, _ = self.query({"op": "campaign_status", "campaign": cid + 1000})
        self.assertEqual(rc, NOTFOUND)

    def test_second_handle(self):
        handle = ctypes.c_void_p()
        rc = self.lib.hoshitori_open(DATABASE.encode("utf-8"), ctypes.byref(handle))
        try:
            self.assertEqual(rc, OK)
            st = new_status()
            self.assertEqual(self.lib.hoshitori_supplier_status(handle, b"V0001", ctypes.byref(st)), OK)
            self.assertEqual(st.standing, MEETS)
        finally:
            self.assertEqual(self.lib.hoshitori_close(handle), OK)


def main():
    global LIBPATH, DATABASE, CSV_FILE
    if len(sys.argv) < 4:
        sys.stderr.write("usage: %s LIBPATH DATABASE CSV_FILE [unittest args]\n" % sys.argv[0])
        return 2
    LIBPATH, DATABASE, CSV_FILE = sys.argv[1:4]
    prog = unittest.main(argv=[sys.argv[0]] + sys.argv[4:], exit=False, verbosity=2)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
