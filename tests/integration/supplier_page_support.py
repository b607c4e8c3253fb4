#!/usr/bin/env python3
"""What the supplier-page suites share (test_supplier_form.py, test_api.py): a browser-like
client that keeps cookies and sees each redirect, small real PDF/PNG/JPEG files, a
multipart/form-data body as a browser sends it, and a check that every form control has
a label. Not run by itself.
"""
import html.parser
import http.cookiejar
import secrets
import struct
import urllib.error
import urllib.parse
import urllib.request
import zlib


# --- evidence files: real, small ones, and a multipart body as a browser sends it ----------

def pdf_bytes():
    """A one-page PDF, with the binary comment line real writers put after the header."""
    body = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
            b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n")
    xref = len(body)
    return body + (b"xref\n0 4\n0000000000 65535 f \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref)


def png_bytes():
    """A 1x1 opaque red PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def jpeg_bytes():
    """A 1x1 grey baseline JPEG: one block, DC 0 and end-of-block, one-code Huffman tables."""
    def seg(marker, data):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(data) + 2) + data
    one_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    return (b"\xff\xd8" + seg(0xDB, b"\x00" + b"\x01" * 64) +
            seg(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00") +
            seg(0xC4, b"\x00" + one_code) + seg(0xC4, b"\x10" + one_code) +
            seg(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x3f" + b"\xff\xd9")


def multipart(fields, files):
    """fields: [(name, text)], files: [(filename, content type, bytes)] as input "file" →
    (body, Content-Type), in the order given (the page puts csrf first)."""
    boundary = "----hoshitori" + secrets.token_hex(12)
    b = boundary.encode()
    out = []
    for name, value in fields:
        out += [b"--" + b, ('Content-Disposition: form-data; name="%s"' % name).encode(), b"", value.encode("utf-8")]
    for filename, ctype, data in files:
        raw_name = filename if isinstance(filename, bytes) else filename.encode("utf-8")  # bytes: sent as they are
        out += [b"--" + b, b'Content-Disposition: form-data; name="file"; filename="' + raw_name + b'"',
                ("Content-Type: " + ctype).encode(), b"", data]
    out += [b"--" + b + b"--", b""]
    return b"\r\n".join(out), "multipart/form-data; boundary=" + boundary


class Labelled(html.parser.HTMLParser):
    """Form controls outside any <label>, and fieldsets without a legend."""

    def __init__(self, text):
        super().__init__()
        self.depth = 0
        self.unlabelled = []
        self.fieldsets = self.legends = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self.depth += 1
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden" and self.depth == 0:
            self.unlabelled.append(a.get("name"))
        self.fieldsets += tag == "fieldset"
        self.legends += tag == "legend"

    def handle_endtag(self, tag):
        if tag == "label":
            self.depth -= 1


class Browser:
    """A cookie-keeping client that does not follow redirects (a test sees each 303)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect)

    def upload(self, path, fields, files):
        body, ctype = multipart(fields, files)
        return self.open(path, raw=body, headers={"Content-Type": ctype})

    def open(self, path, form=None, raw=None, headers=None):
        data = raw
        h = dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode("utf-8")
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        req = urllib.request.Request(self.base + path, data=data, headers=h, method="POST" if data is not None else "GET")
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.headers, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8")
