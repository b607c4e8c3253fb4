#!/usr/bin/env python3
"""The web server's front against hostile clients, over raw sockets to a real
`hoshitori serve`: strict HTTP/1.1 framing (RFC 9112: conflicting or malformed lengths,
unknown codings, bare LF, folded headers… each answered 400/411/413/414/431/505 and the
connection closed), no body ever taken for the next request (the smuggling building
block), Expect: 100-continue, and slow clients that cannot starve it: with 200 trickling
heads, 200 silent connections and 50 slow bodies open, normal requests are answered at
once, and the trickling ones are cut at the head deadline.

    python3 test_http_front.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import os
import re
import socket
import statistics
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import CliTest  # noqa: E402
from requests_support import fair_request  # noqa: E402


def exchange(port, data, wait=2.0, source=None):
    """Sends `data` on a new connection; returns (every status line, the raw answer, closed?)."""
    s = socket.socket()
    if source:
        s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(data)
    s.settimeout(wait)
    out = b""
    closed = False
    try:
        while True:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            out += d
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    s.close()
    statuses = [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) [A-Z]", out)]
    return statuses, out, closed


class FrontCase(CliTest):
    def setUp(self):
        super().setUp()
        self.init()
        self.import_file(os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv"), expect=0)
        self.key = self.run_cli("apikey", "create", "--name", "erp", "--role", "viewer").out.strip()
        self.buyer = self.run_cli("apikey", "create", "--name", "buyer", "--role", "buyer").out.strip()
        self.server = None

    def tearDown(self):
        if self.server:
            code, _, err = self.server.stop()
            self.assertEqual(code, 0, err)
        super().tearDown()

    def serve(self, *args):
        self.server = Server(self.db, *args)
        return self.server.port

    def get_v0001(self, extra=b""):
        return (b"GET /api/v1/suppliers/V0001 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + self.key.encode() +
                b"\r\n" + extra + b"\r\n")


class Framing(FrontCase):
    REFUSED = [
        ("both lengths", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("two lengths", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                        b"Content-Length: 6\r\n\r\nhello!", 400),
        ("the same length twice", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                  b"Content-Length: 5\r\n\r\nhello", 400),
        ("a signed length", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello", 400),
        ("a length list", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello", 400),
        ("a hex length", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\nhello", 400),
        ("space before the colon", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n"
                                   b"\r\n0\r\n\r\n", 400),
        ("an unknown coding", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n"
                              b"0\r\n\r\n", 400),
        ("gzip then chunked", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n"
                              b"\r\n0\r\n\r\n", 400),
        ("two codings", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("chunked in HTTP/1.0", b"POST /api/v1/requests HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         400),
        ("a POST without a length", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\n\r\n", 411),
        ("no Host", b"GET /api/v1/suppliers HTTP/1.1\r\n\r\n", 400),
        ("two Hosts", b"GET /api/v1/suppliers HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("bare LF", b"GET /api/v1/suppliers HTTP/1.1\nHost: x\n\n", 400),
        ("bare CR", b"GET /api/v1/suppliers HTTP/1.1\r\nHost: x\rX: y\r\n\r\n", 400),
        ("a folded header", b"GET /api/v1/suppliers HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  2\r\n\r\n", 400),
        ("a NUL in a header", b"GET /api/v1/suppliers HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400),
        ("two spaces in the request line", b"GET  /api/v1/suppliers HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("HTTP/2.0", b"GET /api/v1/suppliers HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ("a bad chunk size", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"zz\r\nhello\r\n0\r\n\r\n", 400),
        ("a chunk longer than said", b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                     b"\r\n3\r\nhello\r\n0\r\n\r\n", 400),
        ("an unknown expectation", b"GET /api/v1/suppliers HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", 417),
        ("a long target", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        ("a huge head", b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"p" * 20000 + b"\r\n\r\n", 431),
        ("too many headers", b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120)) +
         b"\r\n", 431),
    ]

    def test_ambiguous_framing_is_refused_and_the_connection_closed(self):
        port = self.serve()
        for name, raw, status in self.REFUSED:
            with self.subTest(name):
                # a request behind it must never be answered: the connection is closed
                statuses, out, closed = exchange(port, raw + self.get_v0001())
                self.assertEqual(statuses, [status], out[:400])
                self.assertTrue(closed, "%s: the connection was left open" % name)
                self.assertNotIn(b"V0001", out)

    def test_a_body_is_never_taken_for_the_next_request(self):
        port = self.serve()
        inner = self.get_v0001()
        heads = [
            b"POST /api/v1/nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(inner),  # 404
            b"POST /api/v1/suppliers HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(inner),  # 401
            b"GET /api/v1/suppliers/V0001 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + self.key.encode() +
            b"\r\nContent-Length: %d\r\n\r\n" % len(inner),  # 200 with a body
            b"DELETE /api/v1/suppliers/V0001 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + self.key.encode() +
            b"\r\nContent-Length: %d\r\n\r\n" % len(inner),  # 403/405
            b"GET /s/not-a-real-link HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(inner),  # 404
        ]
        for head in heads:
            with self.subTest(head.split(b"\r\n")[0]):
                # the body is a whole request; then one more, which ends the connection
                tail = b"GET /tail-marker HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                statuses, out, _ = exchange(port, head + inner + tail)
                self.assertEqual(len(statuses), 2, out[:600])
                second = out[[m.start() for m in re.finditer(rb"HTTP/1\.1 \d{3} ", out)][-1]:]
                self.assertEqual(statuses[1], 404, "the answer after the body must be the next request's")
                self.assertIn(b"/tail-marker", second)
        # the same with a chunked body
        body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(inner), inner)
        statuses, out, _ = exchange(port, b"POST /api/v1/nowhere HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
                                          b"\r\n\r\n" + body + b"GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(statuses, [404, 404], out[:600])

    def test_pipelined_requests_are_answered_in_order(self):
        port = self.serve()
        statuses, out, closed = exchange(port, self.get_v0001() + b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" +
                                         self.get_v0001(b"Connection: close\r\n"))
        self.assertEqual(statuses, [200, 404, 200], out[:300])
        self.assertTrue(closed)

    def test_expect_100_continue_and_a_body_over_the_bound(self):
        port = self.serve()
        s = socket.create_connection(("127.0.0.1", port))
        body = b'{"request": {}}'
        s.sendall(b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
        s.settimeout(5)
        self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n"))
        s.sendall(body)
        self.assertIn(b"HTTP/1.1 401", s.recv(4096))
        s.close()
        # a length over the bound is refused before a byte of the body is read
        statuses, out, closed = exchange(port, b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\n"
                                               b"Content-Length: 99999999999\r\n\r\n")
        self.assertEqual(statuses, [413], out)
        self.assertTrue(closed)
        # so is a chunked body that grows past it
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        block = b"x" * 65536
        try:
            for _ in range(40):  # 2.5 MiB, past the 1 MiB bound of a JSON body
                s.sendall(b"%x\r\n%s\r\n" % (len(block), block))
        except (BrokenPipeError, ConnectionResetError):
            pass
        s.settimeout(5)
        got = b""
        try:
            got = s.recv(4096)
        except (ConnectionResetError, socket.timeout):
            pass
        s.close()
        self.assertTrue(got == b"" or got.startswith(b"HTTP/1.1 413"), got[:200])

    def test_an_http10_request_without_host_is_served_and_closed(self):
        port = self.serve()
        statuses, out, closed = exchange(port, b"GET /api/v1/suppliers/V0001 HTTP/1.0\r\nAuthorization: Bearer " +
                                         self.key.encode() + b"\r\n\r\n")
        self.assertEqual(statuses, [200], out[:300])
        self.assertTrue(closed)


class SlowClients(FrontCase):
    def test_slow_clients_do_not_starve_the_server(self):
        port = self.serve("--head-timeout", "4")
        number = self.request_number()
        link = self.run_cli("request", "link", number).out.strip()
        stop = threading.Event()
        opened = {"slow_heads": [], "silent": [], "slow_bodies": []}

        def connect(source):
            s = socket.socket()
            s.bind((source, 0))
            s.connect(("127.0.0.1", port))
            return s

        # three addresses, so that none passes the per-address bound (256)
        for _ in range(200):
            s = connect("127.0.0.2")
            s.sendall(b"GET /api/v1/suppliers HTTP/1.1\r\nHost: x\r\n")
            opened["slow_heads"].append(s)
        for _ in range(200):
            opened["silent"].append(connect("127.0.0.3"))
        for _ in range(50):
            s = connect("127.0.0.4")
            s.sendall(b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{")
            opened["slow_bodies"].append(s)

        def trickle():
            while not stop.is_set():
                for s in opened["slow_heads"] + opened["slow_bodies"]:
                    try:
                        s.send(b"X-a: b\r\n" if s in opened["slow_heads"] else b" ")
                    except OSError:
                        pass
                stop.wait(0.5)

        t = threading.Thread(target=trickle, daemon=True)
        t.start()
        time.sleep(1.0)
        timings = []
        try:
            for i in range(20):
                path = link if i % 2 == 0 else "/api/v1/suppliers/V0001"
                req = urllib.request.Request(self.server.base + path,
                                             headers={"Authorization": "Bearer " + self.key})
                t0 = time.monotonic()
                with urllib.request.urlopen(req, timeout=10) as r:
                    r.read()
                    self.assertEqual(r.status, 200)
                timings.append(time.monotonic() - t0)
        finally:
            pass
        median = statistics.median(timings)
        print("with 200 slow heads, 200 silent and 50 slow bodies open: median %.1f ms, max %.1f ms over %d requests"
              % (median * 1000, max(timings) * 1000, len(timings)))
        self.assertLess(median, 0.1)
        self.assertLess(max(timings), 2.0)
        # the head deadline is for the whole head, not per byte: the trickling heads and
        # the silent connections are cut although they never stop for long
        time.sleep(5.5)
        stop.set()
        t.join()
        for kind in ("slow_heads", "silent"):
            cut = 0
            for s in opened[kind]:
                s.settimeout(0.5)
                try:
                    data = s.recv(4096)
                    cut += 1 if data == b"" or data.startswith(b"HTTP/1.1 408") else 0
                except (ConnectionResetError, BrokenPipeError):
                    cut += 1
                except socket.timeout:
                    pass
            self.assertGreaterEqual(cut, len(opened[kind]) - 2, kind)
        for ss in opened.values():
            for s in ss:
                s.close()

    def test_an_address_past_its_bound_gives_way_to_its_own_new_connections(self):
        port = self.serve("--max-per-address", "20")
        held = []
        for _ in range(40):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET / HTTP/1.1\r\n")
            held.append(s)
        statuses, out, _ = exchange(port, self.get_v0001(b"Connection: close\r\n"))
        self.assertEqual(statuses, [200], out[:300])
        # the oldest were closed to make room: at most 20 are open
        open_now = 0
        for s in held:
            s.settimeout(0.2)
            try:
                if s.recv(10) != b"":
                    open_now += 1
            except socket.timeout:
                open_now += 1
            except ConnectionResetError:
                pass
            s.close()
        self.assertLessEqual(open_now, 20)

    def test_clients_that_never_read_their_answers_hold_no_worker(self):
        port = self.serve()
        hogs = []
        for _ in range(24):  # more than the 16 workers
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /api/v1/openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n" * 100)  # and never read
            hogs.append(s)
        time.sleep(1.0)
        t0 = time.monotonic()
        statuses, out, _ = exchange(port, self.get_v0001(b"Connection: close\r\n"), wait=10)
        took = time.monotonic() - t0
        print("with 24 clients not reading 100 pipelined answers each: a normal request in %.1f ms" % (took * 1000))
        self.assertEqual(statuses, [200], out[:300])
        self.assertLess(took, 2.0)
        for s in hogs:
            s.close()

    def test_a_made_up_link_cannot_make_the_server_hold_an_upload(self):
        port = self.serve()
        # an upload's bound is given only to a link that exists: a made-up one gets the
        # ordinary bound, so a large announced body is refused before a byte is read
        t0 = time.monotonic()
        for i in range(20):
            statuses, out, closed = exchange(port, b"POST /s/nosuchtoken%d/evidence HTTP/1.1\r\nHost: x\r\n"
                                                   b"Content-Type: multipart/form-data; boundary=b\r\n"
                                                   b"Content-Length: 15000000\r\n\r\n--b\r\n" % i)
            self.assertEqual(statuses, [413], out[:300])
            self.assertTrue(closed)
        self.assertLess(time.monotonic() - t0, 20)

    def request_number(self):
        import json
        req = urllib.request.Request(self.server.base + "/api/v1/requests",
                                     data=json.dumps({"request": fair_request("V0001")}).encode(),
                                     headers={"Authorization": "Bearer " + self.buyer, "Content-Type":
                                              "application/json", "X-Hoshitori-User": "buyer-tanaka"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())["number"]


if __name__ == "__main__":
    sys.exit(cli_support.main())
