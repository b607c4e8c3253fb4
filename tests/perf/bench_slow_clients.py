#!/usr/bin/env python3
"""`make bench`, the slow-client part: how long a normal request waits while 200 clients
trickle their heads, 200 connect and send nothing and 50 trickle their bodies — for
`hoshitori serve` (GET /api/v1/suppliers/V0001 and a supplier page) and, as the reference
in the same run, nginx serving a static file of the same size under the same attack. All
on 127.0.0.1 (the attackers bind 127.0.0.2–4); both servers started here and stopped by PID.

    tests/perf/bench_slow_clients.py path/to/hoshitori

Settings (environment): BENCH_SLOW_REQUESTS (200 timed requests each), BENCH_SLOW_DIR.
"""
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
N = int(os.environ.get("BENCH_SLOW_REQUESTS", "200"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc):
    for _ in range(200):
        if proc.poll() is not None:
            sys.exit("a server exited at start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("no server on port %d" % port)


class Attack:
    def __init__(self, port):
        self.port, self.socks, self.stop = port, {"heads": [], "silent": [], "bodies": []}, threading.Event()

    def connect(self, source):
        s = socket.socket()
        s.bind((source, 0))
        s.connect(("127.0.0.1", self.port))
        return s

    def start(self):
        for _ in range(200):
            s = self.connect("127.0.0.2")
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            self.socks["heads"].append(s)
        for _ in range(200):
            self.socks["silent"].append(self.connect("127.0.0.3"))
        for _ in range(50):
            s = self.connect("127.0.0.4")
            s.sendall(b"POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n{")
            self.socks["bodies"].append(s)
        self.thread = threading.Thread(target=self.trickle, daemon=True)
        self.thread.start()
        time.sleep(1)

    def trickle(self):
        while not self.stop.is_set():
            for s in self.socks["heads"]:
                try:
                    s.send(b"X-a: b\r\n")
                except OSError:
                    pass
            for s in self.socks["bodies"]:
                try:
                    s.send(b" ")
                except OSError:
                    pass
            self.stop.wait(1.0)

    def end(self):
        self.stop.set()
        self.thread.join()
        for ss in self.socks.values():
            for s in ss:
                s.close()


FAILED = []  # (url, error) of every timed request that got no answer: the run fails


def timed(url, headers):
    out = []
    for _ in range(N):
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
                r.read()
            out.append(time.monotonic() - t0)
        except Exception as e:
            out.append(30.0)
            FAILED.append((url, repr(e)))
    out.sort()
    return statistics.median(out), out[max(int(len(out) * 0.99) - 1, 0)]


def main():
    binary = os.path.abspath(sys.argv[1])
    work = os.environ.get("BENCH_SLOW_DIR") or tempfile.mkdtemp(prefix="bench_slow.")
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, HOSHITORI_SCHEMAS=os.path.join(ROOT, "schemas"))
    db = os.path.join(work, "bench.sqlite")
    run = lambda *a: subprocess.run([binary, "--db", db] + list(a), env=env, capture_output=True, text=True, check=True)
    run("init")
    run("import", "suppliers", os.path.join(ROOT, "sample-data", "suppliers.csv"))
    key = run("apikey", "create", "--name", "bench", "--role", "buyer").stdout.strip()
    procs = []
    try:
        port = free_port()
        hs = subprocess.Popen([binary, "--db", db, "serve", "--listen", "127.0.0.1:%d" % port, "--head-timeout", "60"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(hs)
        wait_port(port, hs)
        api = "http://127.0.0.1:%d/api/v1/suppliers/V0001" % port
        auth = {"Authorization": "Bearer " + key, "X-Hoshitori-User": "bench"}
        sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
        from requests_support import fair_request  # the request every guardrail lets through
        req = urllib.request.Request("http://127.0.0.1:%d/api/v1/requests" % port, method="POST", headers=dict(
            auth, **{"Content-Type": "application/json"}),
            data=json.dumps({"request": fair_request("V0001")}, ensure_ascii=False).encode())
        page = None
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                number = json.loads(r.read())["number"]
            page = "http://127.0.0.1:%d%s" % (port, run("request", "link", number).stdout.strip())
        except Exception as e:  # the page figure is left out when the sample request is refused
            print("  (no supplier page figure: %r)" % e, file=sys.stderr)
        with urllib.request.urlopen(urllib.request.Request(api, headers=auth)) as r:
            size = len(r.read())

        ngx_port = free_port()
        os.makedirs(os.path.join(work, "html"), exist_ok=True)
        with open(os.path.join(work, "html", "v0001.json"), "wb") as f:
            f.write(b"x" * size)
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as f:
            f.write("daemon off; worker_processes 1; error_log %s/nginx.err; pid %s/nginx.pid;\n"
                    "events { worker_connections 4096; }\n"
                    "http { access_log off; client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s;"
                    " uwsgi_temp_path %s; scgi_temp_path %s;\n"
                    " server { listen 127.0.0.1:%d; root %s/html; } }\n" % ((work,) * 7 + (ngx_port, work)))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        ng = subprocess.Popen([nginx, "-c", conf, "-p", work], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(ng)
        wait_port(ngx_port, ng)
        ngx = "http://127.0.0.1:%d/v0001.json" % ngx_port

        quiet = timed(api, auth)
        figures = {}
        for name, url, port_, headers in (("hoshitori API", api, port, auth), ("nginx static", ngx, ngx_port, {})) + (
                (("hoshitori supplier page", page, port, {}),) if page else ()):
            attack = Attack(port_)
            attack.start()
            figures[name] = timed(url, headers)
            attack.end()
        print("slow clients (200 trickling heads, 200 silent, 50 trickling bodies open; %d requests each, "
              "one at a time):" % N)
        print("  hoshitori API, no attack:        median %6.2f ms  p99 %6.2f ms" % (quiet[0] * 1e3, quiet[1] * 1e3))
        for name, (med, p99) in figures.items():
            print("  %-32s median %6.2f ms  p99 %6.2f ms" % (name + ", attacked:", med * 1e3, p99 * 1e3))
        ref = figures["nginx static"][0]
        print("  ratio hoshitori API / nginx under attack (median): %.2fx" % (figures["hoshitori API"][0] / ref))
        if FAILED:
            sys.exit("bench_slow_clients: %d request(s) got no answer, first: %s %s" % ((len(FAILED),) + FAILED[0]))
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM if p is procs[0] else signal.SIGQUIT)
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        if not os.environ.get("BENCH_SLOW_DIR"):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
