#!/usr/bin/env python3
"""A webhook receiver for Hoshitori, standard library only: checks the signature over the
timestamp and the raw body, refuses stale timestamps, answers 2xx only for what it has
taken, and ignores an event id it has already seen (a retry after a lost answer).

    HOSHITORI_WEBHOOK_SECRET=… python3 webhook_receiver.py 9000

One line per new event on stdout: the type, the vendor code, the event id.
"""
import hashlib
import hmac
import http.server
import json
import os
import sys
import time

SECRET = os.environ["HOSHITORI_WEBHOOK_SECRET"].encode()
TOLERANCE = 300  # seconds
seen = set()  # a real receiver keeps these in its database, with the event


def verified(headers, body):
    try:
        parts = dict(p.split("=", 1) for p in headers["Hoshitori-Signature"].split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError, AttributeError):
        return False
    expected = hmac.new(SECRET, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", "")) and abs(time.time() - timestamp) <= TOLERANCE


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1 << 20:
            self.send_response(413)
            self.end_headers()
            return
        body = self.rfile.read(length)
        if not verified(self.headers, body):
            self.send_response(401)
            self.end_headers()
            return
        event = json.loads(body)
        if event["id"] not in seen:
            seen.add(event["id"])
            print(event["type"], event["vendor_code"], event["id"], flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
