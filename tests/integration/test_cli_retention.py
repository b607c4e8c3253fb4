#!/usr/bin/env python3
"""Issue 15, items 3 and 9: no needless requests, and retention per kind of record.

- already-meets: a request for a level the supplier already holds on record, valid beyond
  the due date and outside the expiring window, is refused by its rule id (and may be
  overridden by a requests.overriders user with a reason, recorded as for every rule); a
  renewal (validity ending by the due date, inside the window, or ended) is issued and the
  letter says 更新 / renewal; a request campaign refuses such a supplier and says why.
- purge: a request without an agreement goes after retention.requests_years (2), a request
  with an agreement is kept whole until retention.agreements_years (7); --dry-run lists what
  would go by kind.

    python3 test_cli_retention.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

Sample suppliers as of TODAY (2026-11-20): V0017 ★3 valid to 2028-03-31 and V0021 ★4 to
2028-11-30 (needless at ★3); V0003 ★3 to 2026-12-15 (25 days: a renewal); V0001 ★3 to
2027-02-17 (ends before any due date the policy allows: a renewal); V0004 and V0010 hold
no SCS ★.
"""
import datetime
import json
import sys

from requests_support import *  # noqa: F401,F403 (constants, helpers, RequestCase)
import cli_support


class NeedlessRequests(RequestCase):
    def test_a_level_the_supplier_holds_beyond_the_due_date_is_refused(self):
        self.start()
        for code in ("V0017", "V0021"):
            p = self.issue(fair_request(code), expect=4)
            self.assert_refused(p, "already-meets")
            self.assertIn("[already-meets] refused", p.err)
        self.assertEqual(self.requests()["count"], 0)
        events, _ = self.events("--supplier", "V0021")
        self.assertEqual([e["action"] for e in events], ["request.refused"])
        detail = self.rule(json.loads(events[0]["after_json"])["guardrails"], "already-meets")
        self.assertEqual(detail["result"], "refused")
        self.assertIn("SCS★4", detail["detail"])
        self.assertIn("2028-11-30", detail["detail"])
        # a higher level than the one held is no needless request
        self.issue(fair_request("V0017", level=4, necessity=NECESSITY))

    def test_an_override_with_a_reason_issues_it_and_is_recorded(self):
        self.start()
        req = fair_request("V0017", overrides=[{"rule": "already-meets", "reason": OVERRIDE_REASON}])
        self.assert_refused(self.issue(req, by=BUYER, expect=4), "already-meets")  # not an overrider
        number = self.issue(req, by=COMPLIANCE).number
        self.assert_overridden(number, "already-meets")
        self.assertNotIn("renewal", self.show(number)["request"])
        letter = self.ok(self.run_cli("request", "letter", number)).out
        self.assertIn("備考（already-meets）", letter)
        self.assertNotIn("更新", letter)

    def test_a_renewal_is_issued_and_worded_as_one(self):
        self.start()
        for code, held, until in (("V0003", "SCS★3", "2026-12-15"), ("V0001", "SCS★3", "2027-02-17")):
            p = self.issue(fair_request(code))
            doc = self.show(p.number)
            self.assertEqual(doc["guardrails"]["refused"], [])
            self.assertEqual(self.rule(doc["guardrails"], "already-meets")["result"], "pass")
            renewal = doc["request"]["renewal"]
            self.assertEqual((renewal["held"], renewal["valid_until_iso"], renewal["expired"]), (held, until, False))
            txt = self.ok(self.run_cli("request", "letter", p.number)).out
            self.assertIn("（対策要請書・更新）", txt)
            self.assertIn("SCS評価制度 ★3（更新）", txt)
            self.assertIn("貴社の%s（有効期限 %s）の" % (held, renewal["valid_until_wareki"]), txt)
            html = self.ok(self.run_cli("request", "letter", p.number, "--format", "html")).out
            self.assertIn("（対策要請書・更新）", html)
            en = self.ok(self.run_cli("request", "letter", p.number, "--lang", "en")).out
            self.assertIn("(RENEWAL)", en)
            self.assertIn("renew your %s (valid until\n   %s)" % (held, until), en)
        # an ended ★ is renewed too (V0016: ★4 ended 2026-09-30, the chart asks ★4) …
        renewal = self.show(self.issue(fair_request("V0016", level=4)).number)["request"]["renewal"]
        self.assertEqual((renewal["held"], renewal["expired"]), ("SCS★4", True))
        # … but a ★3 held is no ★4 to renew (V0007: ★3 ended 2026-10-01, the chart asks ★4)
        p = self.issue(fair_request("V0007", level=4))
        self.assertNotIn("renewal", self.show(p.number)["request"])
        # a supplier with no ★ on record gets the plain letter
        plain = self.issue(fair_request("V0004")).number
        self.assertNotIn("renewal", self.show(plain)["request"])
        txt = self.ok(self.run_cli("request", "letter", plain)).out
        self.assertIn("（対策要請書）", txt)
        self.assertNotIn("更新", txt)
        # the letter states both periods of retention
        self.assertIn("協議の経過が2年間", txt)
        self.assertIn("が7年間です", txt)

    def test_a_request_campaign_refuses_a_supplier_that_already_meets_and_says_why(self):
        self.start()
        req = fair_request()
        del req["supplier"]
        spec = {"kind": "request", "template": "request_mail", "suppliers": {"codes": ["V0017", "V0004"]},
                "request": req}
        cid = int(self.ok(self.run_cli("campaign", "create", "--json", self.jfile(spec))).out.strip())
        dry = json.loads(self.ok(self.run_cli("campaign", "send", str(cid), "--dry-run", "--json")).out)
        by_code = {r["vendor_code"]: r for r in dry["recipients"]}
        self.assertEqual(by_code["V0017"]["channel"], "none")
        self.assertTrue(by_code["V0017"]["problem"].startswith("refused by guardrail: already-meets（"),
                        by_code["V0017"])
        self.assertIn("SCS★3", by_code["V0017"]["problem"])
        self.assertIn("2028-03-31", by_code["V0017"]["problem"])
        self.assertNotIn("refused", by_code["V0004"].get("problem") or "")
        self.assertEqual(self.requests()["count"], 0, "a dry run issues nothing")


class RetentionByKind(RequestCase):
    def agreed(self, code):
        number = self.issue(fair_request(code)).number
        self.step(number, ESTIMATE, SUPPLIER)
        self.step(number, PROPOSAL, BUYER)
        s = self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER)
        sha = s.out.splitlines()[1].split()[-1]
        self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha))
        c = self.ok(self.run_cli("agreement", number, *self.on_paper(), "--by", SUPPLIER, "--sha256", sha))
        self.assertEqual(c.out.strip(), "version 1  state agreed")
        return number

    def test_an_agreement_is_kept_seven_years_while_a_request_goes_after_two(self):
        self.start()
        declined = self.issue(fair_request("V0004")).number
        self.step(declined, {"side": "supplier", "kind": "decline", "reason": "対応できません"}, SUPPLIER)
        agreed = self.agreed("V0010")
        last = datetime.date.fromisoformat(self.show(agreed)["last_step_at"][:10])
        self.assertEqual(self.show(declined)["last_step_at"][:10], last.isoformat())
        three_years = last.replace(year=last.year + 3).isoformat()
        kept_until = last.replace(year=last.year + 7).isoformat()
        seven_years_on = (last.replace(year=last.year + 7) + datetime.timedelta(days=1)).isoformat()

        # after 3 years: the request without an agreement goes, the agreed one stays
        p = self.ok(self.run_at(three_years, "purge", "--dry-run", "--by", "records"))
        self.assertEqual(p.out.splitlines(), ["request\t%s\t%s" % (declined, last.isoformat())])
        self.assertIn("kept %s (past 2 years, but its agreement is kept until %s)" % (agreed, kept_until), p.err)
        self.assertEqual(self.show(declined)["state"], "declined", "a dry run removes nothing")
        p = self.ok(self.run_at(three_years, "purge", "--by", "records"))
        self.assertEqual(p.out.split(), [declined])
        self.ok(self.run_cli("request", "show", declined), 3)
        doc = self.show(agreed)
        self.assertEqual(doc["state"], "agreed")
        self.assertEqual([t["to"] for t in doc["transitions"]][-1], "agreed")
        self.assertTrue(doc["steps"], "the negotiation the agreement was made from stays")
        self.assertTrue(self.ok(self.run_cli("agreement", agreed)).out, "the agreement document stays")
        events, _ = self.events()
        purged = json.loads(events[-1]["after_json"])
        self.assertEqual(events[-1]["action"], "records.purged")
        self.assertEqual((purged["requests"], purged["kinds"], purged["kept_for_agreement"]),
                         ([declined], ["request"], [agreed]))
        self.assertEqual(purged["retention"], {"requests_years": 2, "agreements_years": 7})
        self.ok(self.verify())

        # on the last day of the agreement's period it still stays; the day after it goes
        self.assertEqual(self.ok(self.run_at(kept_until, "purge", "--dry-run", "--by", "records")).out, "")
        p = self.ok(self.run_at(seven_years_on, "purge", "--dry-run", "--by", "records"))
        self.assertEqual(p.out.splitlines(), ["agreement\t%s\t%s" % (agreed, last.isoformat())])
        p = self.ok(self.run_at(seven_years_on, "purge", "--by", "records"))
        self.assertEqual(p.out.split(), [agreed])
        self.ok(self.run_cli("request", "show", agreed), 3)
        self.assertEqual(self.requests()["count"], 0)
        self.ok(self.verify())


if __name__ == "__main__":
    sys.exit(cli_support.main())
