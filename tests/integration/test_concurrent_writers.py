#!/usr/bin/env python3
"""Request and negotiation writers at once on one database (issue 16 item 9): SQLite, the
default backend, as PostgreSQL is in test_cli_audit.py's Concurrency.

    python3 test_concurrent_writers.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

Four CLI processes issue requests and record the supplier's estimate and the buyer's
proposal, while four threads do the same through one `hoshitori serve` (REST) and another
connection holds the write lock for a while at the start, so every writer queues. Then:
every request is there once, numbered without gap or duplicate; each has exactly its own
transitions, steps and audit events; the chain verifies; SQLite's integrity check passes.

A writer that waits longer than the busy timeout (30 s; the clock of that one process is
sped up with libfaketime so the test waits well under a second) fails with a clear,
retryable message, writes nothing, and the same command succeeds once the lock is free.
"""
import concurrent.futures
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from requests_support import ESTIMATE, PROPOSAL, RequestCase, fair_request  # noqa: E402

CLI_WORKERS, REST_WORKERS, PER_WORKER = 4, 4, 3
LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
CLI_ACTIONS = ["request.drafted", "request.issued", "negotiation.estimate", "request.negotiating",
               "negotiation.proposal"]


def request_for(code):
    # due after every ★ the sample suppliers hold ends: a renewal at most, never needless
    return fair_request(code, level=3, due="2028-12-31")


class ConcurrentWriters(RequestCase):
    def hold_write_lock(self, seconds):
        """Another connection's write transaction, for `seconds` (SQLite: BEGIN IMMEDIATE)."""
        if cli_support.BACKEND == "sqlite":
            con = sqlite3.connect(self.db, isolation_level=None, timeout=30, check_same_thread=False)
            con.execute("BEGIN IMMEDIATE")
            t = threading.Timer(seconds, lambda: (con.execute("ROLLBACK"), con.close()))
        else:
            p = subprocess.Popen(["psql", self.db, "-qc", "BEGIN; SELECT value FROM meta WHERE key = 'generation' "
                                  "FOR UPDATE; SELECT pg_sleep(%f); ROLLBACK" % seconds],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t = threading.Thread(target=p.wait)
        t.start()
        return t

    def test_cli_and_rest_writers_at_once(self):
        self.start()
        codes = ["V%04d" % i for i in range(1, 25)]
        key = self.ok(self.run_cli("apikey", "create", "--name", "writers", "--role", "buyer")).out.strip().split()[-1]
        events_before = json.loads(self.ok(self.verify("--json")).out)["events"]  # the import, the key
        server = Server(self.db)
        try:
            holder = self.hold_write_lock(1.5)
            time.sleep(0.2)
            procs = []
            estimate, proposal = self.jfile(ESTIMATE), self.jfile(PROPOSAL)
            for w in range(CLI_WORKERS):
                mine = codes[w * PER_WORKER:(w + 1) * PER_WORKER]
                files = " ".join(self.jfile(request_for(c)) for c in mine)
                script = ('set -e\nfor f in %s; do\n  n=$("$BIN" --db "$DB" request issue --by worker-%d --json "$f")\n'
                          '  "$BIN" --db "$DB" negotiate "$n" --by supplier-%d --json "$EST" >/dev/null\n'
                          '  "$BIN" --db "$DB" negotiate "$n" --by worker-%d --json "$PROP" >/dev/null\n'
                          '  echo "$n"\ndone\n' % (files, w, w, w))
                e = cli_support.env()
                e.update(BIN=cli_support.BIN, DB=self.db, EST=estimate, PROP=proposal)
                procs.append(subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                              env=e))

            def rest_worker(w):
                out = []
                for c in codes[(CLI_WORKERS + w) * PER_WORKER:(CLI_WORKERS + w + 1) * PER_WORKER]:
                    r = server.request("POST", "/api/v1/requests", {"request": request_for(c)}, key=key,
                                       user="rest-%d" % w)
                    assert r.status == 201, (r.status, r.body)
                    n = json.loads(r.body)["number"]
                    for step, who in ((ESTIMATE, "supplier-r%d" % w), (PROPOSAL, "rest-%d" % w)):
                        r = server.request("POST", "/api/v1/requests/%s/steps" % n, {"step": step}, key=key, user=who)
                        assert r.status == 201, (r.status, r.body)
                    out.append(n)
                return out

            with concurrent.futures.ThreadPoolExecutor(REST_WORKERS) as ex:
                rest = list(ex.map(rest_worker, range(REST_WORKERS)))
            results = [p.communicate(timeout=120) for p in procs]
            holder.join()
        finally:
            for p in locals().get("procs", []):  # only the workers started above, by their own handle
                if p.poll() is None:
                    p.kill()
                    p.wait()
            rc, _, err = server.stop()
        self.assertEqual(rc, 0, err)

        numbers = [n for r in rest for n in r]
        for w, (p, (out, err)) in enumerate(zip(procs, results)):
            self.assertEqual(p.returncode, 0, "worker %d failed:\n%s" % (w, err.decode("utf-8", "replace")))
            got = out.decode().split()
            self.assertEqual(len(got), PER_WORKER, err)
            numbers += got
        total = (CLI_WORKERS + REST_WORKERS) * PER_WORKER
        self.assertEqual(sorted(numbers), ["2026-%05d" % i for i in range(1, total + 1)], "lost or doubled numbers")

        lst = self.requests()
        self.assertEqual(lst["count"], total)
        self.assertEqual({r["state"] for r in lst["requests"]}, {"negotiating"})
        self.assertEqual(sorted(r["supplier"] for r in lst["requests"]), codes)
        for n in numbers:  # each request's own thread: two steps, numbered 1 and 2, supplier first
            shown = self.show(n)
            steps = [(s["step"], s["side"], s["kind"]) for s in shown["steps"]]
            self.assertEqual(steps, [(1, "supplier", "estimate"), (2, "buyer", "proposal")], n)

        # no duplicated state change, step or event behind the API's back
        dup = self.query("SELECT number, to_state, COUNT(*) AS n FROM request_transitions "
                         "GROUP BY number, to_state HAVING COUNT(*) > 1")
        self.assertEqual(dup, [])
        self.assertEqual(self.query("SELECT COUNT(*) AS n FROM negotiation_steps"), [{"n": 2 * total}])
        v = json.loads(self.ok(self.verify("--json")).out)
        self.assertEqual((v["intact"], v["events"]), (True, events_before + len(CLI_ACTIONS) * total))
        events, _ = self.events()
        self.assertEqual([e["seq"] for e in events], list(range(1, 1 + events_before + len(CLI_ACTIONS) * total)))
        for n in numbers:
            self.assertEqual([e["action"] for e in events if e["subject"] == n], CLI_ACTIONS, n)
        if cli_support.BACKEND == "sqlite":
            self.assertEqual(self.query("PRAGMA integrity_check"), [{"integrity_check": "ok"}])

    def query(self, sql):
        import upgrade_fixture
        return upgrade_fixture.Db(cli_support.BACKEND, self.db).query_json(sql)

    def test_a_writer_that_waits_too_long_fails_cleanly_and_can_retry(self):
        if cli_support.BACKEND != "sqlite":
            self.skipTest("SQLite's busy timeout (PostgreSQL's lock_timeout is the server's)")
        if not os.path.exists(LIBFAKETIME):
            self.fail("libfaketime is missing (apt-get install faketime; make deps-test installs it)")
        self.start()
        number = self.issue(request_for("V0001")).number
        before = self.query("SELECT seq, hash FROM audit_events ORDER BY seq")
        req, est = self.jfile(request_for("V0002")), self.jfile(ESTIMATE)
        fast = dict(cli_support.env(), LD_PRELOAD=LIBFAKETIME, FAKETIME="+0 x200", FAKETIME_DONT_RESET="1")
        con = sqlite3.connect(self.db, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        try:
            for args in (["request", "issue", "--by", "buyer", "--json", req],
                         ["negotiate", number, "--by", "supplier", "--json", est],
                         ["import", "suppliers", os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv")]):
                p = subprocess.run([cli_support.BIN, "--db", self.db] + args, capture_output=True, env=fast,
                                   timeout=60)
                err = p.stderr.decode("utf-8")
                self.assertNotEqual(p.returncode, 0, args)
                self.assertIn("busy", err, args)
                self.assertIn("try again", err, args)
        finally:
            con.execute("ROLLBACK")
            con.close()
        self.assertEqual(self.query("SELECT seq, hash FROM audit_events ORDER BY seq"), before, "a busy writer wrote")
        self.assertEqual(self.requests()["count"], 1)
        # the same commands, now the lock is free
        self.ok(self.run_cli("request", "issue", "--by", "buyer", "--json", req))
        self.ok(self.run_cli("negotiate", number, "--by", "supplier", "--json", est))
        v = json.loads(self.ok(self.verify("--json")).out)
        self.assertTrue(v["intact"])
        self.assertEqual(self.requests()["count"], 2)


if __name__ == "__main__":
    sys.exit(cli_support.main())
