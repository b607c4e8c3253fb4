#!/usr/bin/env python3
"""A host in Python through ctypes: open, one supplier's standing, a JSON operation, the
supplier panel as an HTML fragment, close.

    python3 embed_host.py /usr/local/lib/libhoshitori.so.1 hoshitori.db V0001
"""
import ctypes
import json
import sys

OK, NOTFOUND = 0, -3


class SupplierStatus(ctypes.Structure):
    """hoshitori_supplier_status_t, field for field as in hoshitori.h."""
    _fields_ = [("size", ctypes.c_uint), ("sa_level", ctypes.c_int), ("otasuketai_active", ctypes.c_int),
                ("scs_level", ctypes.c_int), ("required_scs", ctypes.c_int), ("standing", ctypes.c_int),
                ("active", ctypes.c_int), ("scs_valid_until", ctypes.c_char * 11),
                ("otasuketai_until", ctypes.c_char * 11), ("standing_until", ctypes.c_char * 11),
                ("corporate_number", ctypes.c_char * 14), ("reason", ctypes.c_char * 384)]


def load(path):
    lib = ctypes.CDLL(path)
    handle, out = ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)
    for name, args, res in [
            ("hoshitori_open", [ctypes.c_char_p, out], ctypes.c_int),
            ("hoshitori_close", [handle], ctypes.c_int),
            ("hoshitori_errmsg", [handle], ctypes.c_char_p),
            ("hoshitori_supplier_status", [handle, ctypes.c_char_p, ctypes.POINTER(SupplierStatus)], ctypes.c_int),
            ("hoshitori_standing_name", [ctypes.c_int], ctypes.c_char_p),
            ("hoshitori_query_json", [handle, ctypes.c_char_p, out], ctypes.c_int),
            ("hoshitori_render_html", [handle, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, out], ctypes.c_int),
            ("hoshitori_free", [ctypes.c_void_p], None)]:
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, res
    return lib


def taken(lib, pointer):
    """The library's string as Python text; the memory goes back to the library."""
    try:
        return ctypes.string_at(pointer).decode("utf-8")
    finally:
        lib.hoshitori_free(pointer)


def main(libpath, database, vendor):
    lib = load(libpath)
    db = ctypes.c_void_p()
    if lib.hoshitori_open(database.encode(), ctypes.byref(db)) != OK:
        sys.exit("open %s: %s" % (database, lib.hoshitori_errmsg(db).decode()))
    try:
        st = SupplierStatus()
        st.size = ctypes.sizeof(SupplierStatus)
        rc = lib.hoshitori_supplier_status(db, vendor.encode(), ctypes.byref(st))
        if rc == NOTFOUND:
            print("%s: no such supplier" % vendor)
            return 3
        if rc != OK:
            sys.exit("status: " + lib.hoshitori_errmsg(db).decode())
        print("%s: %s (SCS %d, required %d, until %s)" % (
            vendor, lib.hoshitori_standing_name(st.standing).decode(), st.scs_level, st.required_scs,
            st.standing_until.decode() or "-"))
        print("reason: " + st.reason.decode("utf-8"))

        # the rich operations: JSON in, JSON out (the same shapes as the REST API)
        answer = ctypes.c_void_p()
        request = json.dumps({"op": "history", "vendor_code": vendor})
        rc = lib.hoshitori_query_json(db, request.encode(), ctypes.byref(answer))
        text = taken(lib, answer) if answer.value else ""
        if rc != OK:
            sys.exit("history: " + text)
        print("history: %d entries" % len(json.loads(text)["history"]))

        html = ctypes.c_void_p()
        rc = lib.hoshitori_render_html(db, ("/erp/suppliers/" + vendor).encode(), b"erp:yamada", b"viewer",
                                       ctypes.byref(html))
        if rc != OK:
            sys.exit("render: " + lib.hoshitori_errmsg(db).decode())
        print("panel: %d bytes of HTML" % len(taken(lib, html).encode("utf-8")))
        return 0
    finally:
        lib.hoshitori_close(db)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
