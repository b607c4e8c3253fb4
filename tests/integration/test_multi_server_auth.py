#!/usr/bin/env python3
"""Two `hoshitori serve` processes on one database answer as one: a sign-in link works once
across both (also when both get it at the same moment), a session opened on one works on
the other and survives a restart, a logout on one ends it on both, failed guesses share one
allowance per address, and a revoked API key is refused by both at once.

usage: /usr/bin/python3 test_multi_server_auth.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR
"""
import os
import sys
import threading
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_support  # noqa: E402
from api_support import Server  # noqa: E402
from cli_support import CliTest  # noqa: E402
from requests_support import EXPLANATION  # noqa: E402
from test_screens import Page  # noqa: E402

ALLOWANCE = 20  # WebOptions.bad_key_allowance: failures per address per minute
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class TwoServers(CliTest):
    def setUp(self):
        super().setUp()
        self.init()
        self.import_file(os.path.join(cli_support.SAMPLE_DIR, "suppliers.csv"), expect=0)
        p = self.run_cli("apikey", "create", "--name", "erp-proxy", "--role", "buyer")
        self.assertEqual(p.returncode, 0, p.err)
        self.key = p.out.strip()
        self.a = Server(self.db)
        self.b = Server(self.db)

    def tearDown(self):
        for s in (self.a, self.b):
            code, _, err = s.stop()
            self.assertEqual(code, 0, err)
        super().tearDown()

    def link(self, user="山田 太郎", role="buyer"):
        """A sign-in link's path (the same on either server)."""
        p = self.run_cli("erp-link", "--for", user, "--role", role, "--base", "http://unused.example")
        self.assertEqual(p.returncode, 0, p.err)
        return p.out.strip()[len("http://unused.example"):]

    def sign_in(self, server):
        r = server.request("GET", self.link())
        self.assertEqual(r.status, 303, r)
        return {"Cookie": r.headers["Set-Cookie"].split(";")[0]}

    def screen(self, server, cookie, expect=200):
        r = server.request("GET", "/erp/", headers=cookie)
        self.assertEqual(r.status, expect, "%s: %r" % (server.base, r))
        return r

    def csrf(self, server, cookie):
        r = self.screen(server, cookie)
        forms = [a for t, a in Page(r.text).tags if t == "form" and a.get("action", "").startswith("/erp/logout")]
        self.assertEqual(len(forms), 1, "a signed-in person has a sign-out button")
        return [a["value"] for t, a in Page(r.text).tags if t == "input" and a.get("name") == "csrf"][0]

    def logout(self, server, cookie, csrf):
        return server.request("POST", "/erp/logout", raw=urllib.parse.urlencode({"csrf": csrf}).encode(),
                              headers=dict(cookie, **FORM))

    def restart_a(self):
        code, _, err = self.a.stop()
        self.assertEqual(code, 0, err)
        self.a = Server(self.db)


class SignInLinks(TwoServers):
    def test_a_link_used_on_one_server_is_gone_on_the_other(self):
        path = self.link()
        self.assertEqual(self.a.request("GET", path).status, 303)
        r = self.b.request("GET", path)
        self.assertEqual(r.status, 410, r)
        self.assertIn("already used", r.text)
        self.assertNotIn("Set-Cookie", r.headers)
        self.assertEqual(self.a.request("GET", path).status, 410)

    def test_a_link_opened_on_both_servers_at_once_opens_one_session(self):
        for _ in range(8):
            path = self.link()
            answers = []
            go = threading.Barrier(2)

            def open_on(server):
                go.wait()
                answers.append(server.request("GET", path).status)

            threads = [threading.Thread(target=open_on, args=(s,)) for s in (self.a, self.b)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(answers), [303, 410])


class Sessions(TwoServers):
    def test_a_session_works_on_any_server_and_survives_a_restart(self):
        cookie = self.sign_in(self.a)
        r = self.screen(self.b, cookie)
        self.assertIn("山田 太郎", Page(r.text).all_text())
        # the forms' token is the session's, whichever server renders the form
        self.assertEqual(self.csrf(self.a, cookie), self.csrf(self.b, cookie))
        self.restart_a()
        self.screen(self.a, cookie)
        self.screen(self.b, cookie)
        # and a form posted to the restarted server with the other's token is accepted
        r = self.b.request("GET", "/erp/requests/new?suppliers=V0001", headers=cookie)
        self.assertEqual(r.status, 200, r)
        csrf = [a["value"] for t, a in Page(r.text).tags if t == "input" and a.get("name") == "csrf"][0]
        fair = {"suppliers": "V0001", "level": "3", "due": "2027-03-31", "item": ["4-1-3", "4-4-4"],
                "cost_method": "折半", "cost_explanation": EXPLANATION, "negotiable": "yes", "action": "check"}
        body = urllib.parse.urlencode(dict(fair, csrf=csrf), doseq=True).encode()
        r = self.a.request("POST", "/erp/requests/new", raw=body, headers=dict(cookie, **FORM))
        self.assertEqual(r.status, 200, r)

    def test_a_logout_on_one_server_ends_the_session_on_both(self):
        cookie = self.sign_in(self.a)
        other = self.sign_in(self.b)  # someone else's session stays
        csrf = self.csrf(self.a, cookie)
        # a forged form cannot end it
        r = self.logout(self.b, cookie, "forged")
        self.assertEqual(r.status, 403, r)
        self.screen(self.a, cookie)
        r = self.b.request("GET", "/erp/logout", headers=cookie)
        self.assertEqual(r.status, 405, r)
        r = self.logout(self.b, cookie, csrf)
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.headers["Location"], "/erp/signed-out")
        self.assertIn("Max-Age=0", r.headers["Set-Cookie"])
        for server in (self.a, self.b):
            r = self.screen(server, cookie, expect=401)
            self.assertIn("signed out", r.text)
        self.restart_a()
        self.screen(self.a, cookie, expect=401)
        self.screen(self.a, other)
        self.screen(self.b, other)
        # the page the browser lands on needs no session, in either language
        r = self.a.request("GET", "/erp/signed-out")
        self.assertEqual(r.status, 200, r)
        self.assertIn("サインアウトしました", Page(r.text).all_text())
        r = self.b.request("GET", "/erp/signed-out?lang=en")
        self.assertIn("You have signed out", Page(r.text).all_text())
        # signing out again (a second click) changes nothing and lands there too
        r = self.logout(self.a, cookie, csrf)
        self.assertEqual(r.status, 303, r)

    def test_a_host_proxying_with_its_key_has_no_session_to_end(self):
        r = self.a.request("GET", "/erp/", key=self.key)
        self.assertEqual(r.status, 200, r)
        self.assertFalse([a for t, a in Page(r.text).tags if t == "form" and "logout" in a.get("action", "")])


class SharedAllowance(TwoServers):
    def test_bad_keys_count_across_servers(self):
        bad = "hsk_AAAAAAAAAAAA_" + "A" * 43
        for i in range(ALLOWANCE):
            server = self.a if i % 2 == 0 else self.b
            r = server.request("GET", "/api/v1/suppliers", key=bad)
            self.assertEqual(r.status, 401, "failure %d: %r" % (i + 1, r))
        for server in (self.a, self.b):
            r = server.request("GET", "/api/v1/suppliers", key=bad)
            self.assertEqual(r.status, 429, r)
            self.assertGreater(r.json()["retry_after"], 0)
            # a good key is not locked out by the guesser sharing its address
            self.assertEqual(server.request("GET", "/api/v1/suppliers", key=self.key).status, 200)
        # a restart forgives nothing
        self.restart_a()
        self.assertEqual(self.a.request("GET", "/api/v1/suppliers", key=bad).status, 429)
        # bad sign-in links and supplier-link guesses have allowances of their own
        self.assertEqual(self.a.request("GET", self.link()).status, 303)

    def test_bad_sign_in_links_count_across_servers(self):
        forged = self.link().replace("r=buyer", "r=admin")
        for i in range(ALLOWANCE):
            server = self.a if i < ALLOWANCE // 2 else self.b
            self.assertEqual(server.request("GET", forged).status, 403, "failure %d" % (i + 1))
        for server in (self.a, self.b):
            self.assertEqual(server.request("GET", forged).status, 429)
            self.assertEqual(server.request("GET", self.link()).status, 303)  # a good link still signs in
        self.assertEqual(self.b.request("GET", "/api/v1/suppliers", key=self.key).status, 200)

    def test_supplier_link_guesses_count_across_servers(self):
        for i in range(ALLOWANCE):
            server = self.a if i < ALLOWANCE // 2 else self.b
            r = server.request("GET", "/s/" + "x%042d" % i)
            self.assertEqual(r.status, 404, "guess %d: %r" % (i + 1, r))
        for server in (self.a, self.b):
            r = server.request("GET", "/s/" + "y" * 43)
            self.assertEqual(r.status, 429, r)
            self.assertIn("Retry-After", r.headers)


class RevokedKeys(TwoServers):
    def test_a_revoked_key_is_refused_by_every_server_at_once(self):
        for server in (self.a, self.b):  # each has just found the key good
            self.assertEqual(server.request("GET", "/api/v1/suppliers", key=self.key).status, 200)
        p = self.run_cli("apikey", "revoke", "erp-proxy")
        self.assertEqual(p.returncode, 0, p.err)
        for server in (self.a, self.b):
            r = server.request("GET", "/api/v1/suppliers", key=self.key)
            self.assertEqual(r.status, 401, r)
            r = server.request("GET", "/erp/", key=self.key)
            self.assertEqual(r.status, 401, r)


if __name__ == "__main__":
    sys.exit(cli_support.main())
