#!/usr/bin/env python3
"""A real SMTP server on loopback for the mail tests (aiosmtpd): every accepted message
is written, exactly as received, into a Maildir, after one added line naming the
envelope recipient (X-Sink-Rcpt). Options reach the error paths a real server has:

    smtp_sink.py --port P --maildir DIR [--tempfail ADDR:N] [--reject ADDR]
                 [--auth USER:PASSWORD] [--tls CERT KEY]

--tempfail answers 451 to RCPT for ADDR the first N times; --reject answers 550;
--auth requires AUTH (PLAIN/LOGIN); --tls offers STARTTLS and requires it. Prints
"ready" on stdout once listening; stops on SIGTERM.
"""
import argparse
import mailbox
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, maildir, tempfail, reject):
        self.box = mailbox.Maildir(maildir, create=True)
        self.tempfail = tempfail
        self.reject = set(reject)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 <%s>: no such mailbox" % address
        with self.lock:
            left = self.tempfail.get(address, 0)
            if left > 0:
                self.tempfail[address] = left - 1
                return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        head = b"".join(b"X-Sink-Rcpt: " + r.encode("ascii") + b"\r\n" for r in envelope.rcpt_tos)
        with self.lock:
            self.box.add(head + envelope.original_content)
        return "250 2.0.0 OK queued"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--tempfail", action="append", default=[])
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--auth")
    ap.add_argument("--tls", nargs=2)
    a = ap.parse_args()
    tempfail = {}
    for t in a.tempfail:
        addr, n = t.rsplit(":", 1)
        tempfail[addr] = int(n)
    kw = {}
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and \
                auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(a.tls))
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        kw.update(tls_context=ctx, require_starttls=True)
    c = Controller(Handler(a.maildir, tempfail, a.reject), hostname="127.0.0.1", port=a.port,
                   data_size_limit=10 * 1024 * 1024, **kw)
    c.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    c.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
