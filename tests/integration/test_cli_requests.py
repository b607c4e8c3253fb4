#!/usr/bin/env python3
"""The `hoshitori` command-line contract for requirement requests (対策要請): issuing under the
fairness guardrails, the negotiation and the written agreement confirmed by hash (stdlib only).
The audit trail (verify, export, tampering), retention and concurrent writers are in
test_cli_audit.py; both share requests_support.py.

    python3 test_cli_requests.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

See cli_support.py for the arguments and the set-up every test shares (a fresh database per
test, HOSHITORI_TODAY=2026-11-20).
"""
import glob
import hashlib
import json
import os
import re
import subprocess
import sys

from requests_support import *  # noqa: F401,F403 (constants, helpers, RequestCase)
import cli_support


# --- 1. the whole story ------------------------------------------------------------------------


class Story(RequestCase):
    def test_fair_request_to_agreement(self):
        self.start()
        # issue
        p = self.issue(fair_request("V0001"))
        number = p.number
        self.assertEqual(number, "2026-00001")
        self.assertEqual(p.err.strip(), "", "a request that passes every rule prints no warning")
        doc = self.show(number)
        self.assertEqual((doc["state"], doc["supplier"], doc["level"], doc["due"]),
                         ("issued", "V0001", "scs3", "2027-03-31"))
        self.assertEqual([(r["rule"], r["result"]) for r in doc["guardrails"]["rules"]],
                         [(r, "pass") for r in ISSUE_RULES])
        self.assertEqual(doc["request"]["issued_on"], TODAY)
        self.assertEqual(doc["request"]["buyer"]["name"], "株式会社星取精機")
        self.assertEqual([t["to"] for t in doc["transitions"]], ["draft", "issued"])
        self.assertEqual(self.requests()["count"], 1)

        # the letter: 和暦 dates, the buyer from the policy, the supplier, the items
        txt = self.ok(self.run_cli("request", "letter", number)).out
        for part in ("令和9年3月31日", "令和8年11月20日", "株式会社星取精機", "株式会社青葉製作所", number, "4-1-3",
                     "4-4-4"):
            self.assertIn(part, txt)
        out = os.path.join(self.tmp, "letter.txt")
        self.ok(self.run_cli("request", "letter", number, "--format", "txt", "--out", out))
        with open(out, "rb") as f:
            self.assertEqual(f.read(), txt.encode("utf-8"), "--out writes the same bytes as stdout")
        html = self.ok(self.run_cli("request", "letter", number, "--format", "html")).out
        self.assertIn('<time datetime="2027-03-31">令和9年3月31日</time>', html)
        self.assertIn("株式会社星取精機", html)
        en = self.ok(self.run_cli("request", "letter", number, "--lang", "en")).out
        self.assertIn("2027-03-31", en)
        self.assertIn("株式会社星取精機", en)
        self.ok(self.run_cli("request", "letter", number, "--lang", "fr"), 2)

        # negotiation: the supplier's estimate, the buyer's proposal, an agreement draft
        s = self.step(number, ESTIMATE, SUPPLIER)
        self.assertEqual((s.step_no, s.state), (1, "negotiating"))
        s = self.step(number, PROPOSAL, BUYER)
        self.assertEqual((s.step_no, s.state), (2, "negotiating"))
        s = self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER)
        self.assertEqual((s.step_no, s.state), (3, "negotiating"))
        m = re.match(r"^agreement version (\d+)  sha256 ([0-9a-f]{64})$", s.out.splitlines()[1])
        self.assertTrue(m, s.out)
        self.assertEqual(m.group(1), "1")
        sha = m.group(2)

        # the document: its exact bytes hash to the printed value, on stdout and in a file
        doc_path = os.path.join(self.tmp, "agreement.txt")
        self.ok(self.run_cli("agreement", number, "--out", doc_path))
        with open(doc_path, "rb") as f:
            doc_bytes = f.read()
        self.assertEqual(hashlib.sha256(doc_bytes).hexdigest(), sha)
        q = self.ok(self.run_cli("agreement", number, "--version", "1"))
        self.assertEqual(q.stdout, doc_bytes)
        text = doc_bytes.decode("utf-8")
        for part in ("株式会社星取精機", "株式会社青葉製作所", "500,000円", "250,000円", "令和9年4月1日", "基本契約第12条",
                     "特記事項なし", "令和9年3月31日"):
            self.assertIn(part, text)
        self.ok(self.run_cli("agreement", number, "--version", "2"), 3)

        # confirmations: buyer, a wrong hash (refused, nothing recorded), supplier
        c = self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha))
        self.assertEqual(c.out.strip(), "version 1  state negotiating")
        # a staff command cannot speak for the supplier: without the scan of its signed copy,
        # refused (exit 4) and recorded nowhere
        before = len(self.events()[0])
        c = self.ok(self.run_cli("agreement", number, "--confirm-as", "supplier", "--by", SUPPLIER, "--sha256", sha), 4)
        self.assertIn("only the supplier confirms the supplier's side", c.err)
        self.assertEqual(len(self.events()[0]), before)
        self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha,
                             "--paper-scan", self.paper_scan()), 2)
        wrong = hashlib.sha256(doc_bytes + b"\n").hexdigest()
        c = self.ok(self.run_cli("agreement", number, *self.on_paper(), "--by", SUPPLIER, "--sha256", wrong),
                    2)
        self.assertIn(sha, c.err, "the refusal names the latest document's hash")
        self.ok(self.run_cli("agreement", number, *self.on_paper(), "--by", SUPPLIER, "--sha256", "xyz"), 2)
        self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha), 2)
        c = self.ok(self.run_cli("agreement", number, *self.on_paper(), "--by", SUPPLIER, "--sha256", sha,
                                 "--method", "電子メールで回答"))
        self.assertEqual(c.out.strip(), "version 1  state agreed")
        conf = self.show(number)["agreements"][0]["confirmations"]
        self.assertEqual(conf[1]["method"],
                         "paper-scan sha256=%s file=signed-agreement.pdf; 電子メールで回答" % PAPER_SCAN_SHA256)

        doc = self.show(number)
        self.assertEqual(doc["state"], "agreed")
        self.assertEqual([(s["step"], s["side"], s["kind"]) for s in doc["steps"]],
                         [(1, "supplier", "estimate"), (2, "buyer", "proposal"), (3, "buyer", "agreement")])
        self.assertEqual(doc["steps"][0]["body"]["initial_cost"], 500000)
        self.assertEqual(len(doc["agreements"]), 1)
        ag = doc["agreements"][0]
        self.assertEqual((ag["version"], ag["sha256"]), (1, sha))
        self.assertEqual(ag["terms"], TERMS)
        conf = {c["side"]: c for c in ag["confirmations"]}
        self.assertEqual(set(conf), {"buyer", "supplier"})
        self.assertEqual((conf["buyer"]["actor"], conf["buyer"]["sha256"], conf["buyer"]["method"]),
                         (BUYER, sha, "cli"))
        self.assertEqual((conf["supplier"]["actor"], conf["supplier"]["sha256"], conf["supplier"]["method"]),
                         (SUPPLIER, sha, "paper-scan sha256=%s file=signed-agreement.pdf; 電子メールで回答"
                          % PAPER_SCAN_SHA256))
        self.assertEqual([t["to"] for t in doc["transitions"]], ["draft", "issued", "negotiating", "agreed"])
        # a final request takes no further step
        self.step(number, {"side": "buyer", "kind": "message", "message": "ありがとうございました"}, BUYER, expect=2)

        # the audit trail: intact, every step in order
        v = self.ok(self.verify())
        self.assertRegex(v.out, r"^intact: 10 events, head 10 [0-9a-f]{64}$")
        vj = json.loads(self.ok(self.verify("--json")).out)
        self.assertEqual((vj["intact"], vj["events"], vj["head"]["seq"]), (True, 10, 10))
        self.ok(self.verify("--expected-head", vj["head"]["hash"]))
        actions = ["suppliers.imported", "request.drafted", "request.issued", "negotiation.estimate",
                   "request.negotiating", "negotiation.proposal", "negotiation.agreement", "agreement.confirmed",
                   "agreement.confirmed", "request.agreed"]

        events, trailer = self.events()
        self.assertEqual([e["action"] for e in events], actions)
        self.assertEqual([e["seq"] for e in events], list(range(1, 11)))
        self.assertEqual(trailer, {"chain_head": {"seq": 10, "hash": vj["head"]["hash"]}, "exported": 10})
        prev = "0" * 64
        for e in events:
            self.assertEqual(e["prev_hash"], prev, e["seq"])
            self.assertEqual(event_hash(e), e["hash"], "the documented event hash, event %d" % e["seq"])
            prev = e["hash"]
        self.assertEqual([e["actor"] for e in events[1:]],
                         [BUYER, BUYER, SUPPLIER, SUPPLIER, BUYER, BUYER, BUYER, SUPPLIER, SUPPLIER])
        self.assertEqual(json.loads(events[7]["after_json"])["sha256"], sha)

        rows = self.csv_rows()
        self.assertEqual(rows[0][0], "連番")
        self.assertEqual(rows[0][5], "操作")
        self.assertEqual([r[5] for r in rows[1:-1]], actions)
        self.assertEqual(rows[3][6], "対策要請の発行")
        self.assertEqual(rows[-1], ["#chain_head", "10", vj["head"]["hash"], "exported=10"])
        for r, e in zip(rows[1:-1], events):
            self.assertEqual(r[0], str(e["seq"]))
            self.assertEqual(r[2], e["at"])
            self.assertEqual(r[1], utc_to_jst(e["at"]).strftime("%Y-%m-%d %H:%M:%S"), "日時(日本時間) is UTC+9")

    def test_html_letter_escapes_the_supplier_name(self):
        name = '株式会社<b>&"テスト"'
        self.import_csv(csv_text(JA_HEADER, [good_row("X1", name=name)]), expect=0)
        self.assertEqual(self.status("X1")["name"], name)
        number = self.issue(fair_request("X1")).number
        html = self.ok(self.run_cli("request", "letter", number, "--format", "html")).out
        self.assertIn("株式会社&lt;b&gt;&amp;&quot;テスト&quot;", html)
        self.assertNotIn("<b>", html)
        self.assertNotIn('&"', html)
        txt = self.ok(self.run_cli("request", "letter", number)).out
        self.assertIn(name, txt, "the text letter carries the name as written")

    def test_new_agreement_version_replaces_a_half_confirmed_one(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        self.step(number, ESTIMATE, SUPPLIER)
        self.step(number, ACCEPT, BUYER)
        s1 = self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER)
        sha1 = s1.out.split()[-1]
        self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha1))
        terms2 = dict(TERMS, buyer_share_percent=70, buyer_amount=350000, notes="当社負担を7割に変更")
        s2 = self.step(number, {"side": "supplier", "kind": "agreement", "terms": terms2,
                                "message": "負担割合の見直しをお願いします"}, SUPPLIER)
        m = re.match(r"^agreement version 2  sha256 ([0-9a-f]{64})$", s2.out.splitlines()[1])
        self.assertTrue(m, s2.out)
        sha2 = m.group(1)
        self.assertNotEqual(sha1, sha2)
        # the buyer's confirmation of version 1 does not carry over; version 1 can no longer be confirmed
        c = self.ok(self.run_cli("agreement", number, *self.on_paper(), "--by", SUPPLIER,
                                 "--sha256", sha1), 2)
        self.assertIn("version 2", c.err)
        c = self.ok(self.run_cli("agreement", number, *self.on_paper(), "--by", SUPPLIER,
                                 "--sha256", sha2.upper()))
        self.assertEqual(c.out.strip(), "version 2  state negotiating", "the buyer has not confirmed version 2 yet")
        c = self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha2))
        self.assertEqual(c.out.strip(), "version 2  state agreed")
        for version, sha in ((1, sha1), (2, sha2)):
            path = os.path.join(self.tmp, "v%d.txt" % version)
            self.ok(self.run_cli("agreement", number, "--version", str(version), "--out", path))
            with open(path, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), sha)
        latest = self.ok(self.run_cli("agreement", number)).stdout
        self.assertEqual(hashlib.sha256(latest).hexdigest(), sha2)
        self.assertIn("70％", latest.decode("utf-8"))
        ags = self.show(number)["agreements"]
        self.assertEqual([(a["version"], sorted(c["side"] for c in a["confirmations"])) for a in ags],
                         [(1, ["buyer"]), (2, ["buyer", "supplier"])])
        self.ok(self.verify())

    def test_agreement_document_names_its_version(self):
        # The document both sides confirm by hash must say which version it is: the
        # template has a 版 line ({{version}}). Without it two versions with the same
        # terms are byte-identical, and a hash confirms "whichever is latest".
        self.start()
        number = self.issue(fair_request("V0001")).number
        shas = []
        for version in (1, 2):
            s = self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER)
            shas.append(s.out.split()[-1])
            text = self.ok(self.run_cli("agreement", number, "--version", str(version))).out
            line = [l for l in text.splitlines() if l.strip().startswith("版")]
            self.assertEqual(len(line), 1, text[:300])
            self.assertIn(str(version), line[0], "the 版 line of agreement version %d is %r" % (version, line[0]))
        self.assertNotEqual(shas[0], shas[1], "two versions of an agreement must not share one hash")

    def test_agreement_document_names_the_suppliers_corporate_number(self):
        # The template prints 法人番号 under the supplier's signature block when there is one.
        self.start()
        self.assertEqual(self.status("V0001")["corporate_number"], "1798643261622")
        number = self.issue(fair_request("V0001")).number
        self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER)
        text = self.ok(self.run_cli("agreement", number)).out
        self.assertTrue("1798643261622" in text,
                        "法人番号 1798643261622 of the supplier (乙) is missing; the document ends:\n" + text[-120:])

    def test_draft_then_issue_and_numbers_per_year(self):
        self.start()
        p = self.issue(fair_request("V0001"), draft=True)
        self.assertIn("draft", p.err)
        self.assertEqual(self.show(p.number)["state"], "draft")
        self.assertIsNone(self.show(p.number)["request"]["issued_on"])
        self.step(p.number, ESTIMATE, SUPPLIER, expect=2)         # a draft takes no step
        self.ok(self.run_cli("request", "issue", p.number, "--by", BUYER))
        self.assertEqual(self.show(p.number)["state"], "issued")
        self.ok(self.run_cli("request", "issue", p.number, "--by", BUYER), 2)   # not a draft any more
        # a refused request may be saved as a draft, but not issued
        bad = self.issue(fair_request("V0004", due=today_plus(30)), draft=True)
        self.assert_refused(self.run_cli("request", "issue", bad.number, "--by", BUYER), "due-date-minimum")
        self.assertEqual(self.show(bad.number)["state"], "draft")
        # numbers restart each year of the (fixed) clock
        q = self.issue(fair_request("V0010", due="2027-06-30"), today="2027-01-05")
        self.assertEqual(q.number, "2027-00001")
        self.assertEqual(self.issue(fair_request("V0013")).number, "2026-00003")

    def test_unusable_input_unknown_supplier_and_conflicts(self):
        self.start()
        self.issue(fair_request("V9999"), expect=3)
        self.issue(fair_request("V0001", level=5), expect=2)
        self.issue(fair_request("V0001", level="SA2"), expect=2)       # items are SCS requirements
        self.issue(fair_request("V0001", due="2027-02-30"), expect=2)
        self.issue(fair_request("V0001", items=["9-9-9"]), expect=2)
        self.issue(fair_request("V0001", surprise=True), expect=2)
        self.issue(fair_request("V0001", overrides=[{"rule": "no-such-rule", "reason": OVERRIDE_REASON}]), expect=2)
        self.issue(fair_request("V0001", overrides=[{"rule": "no-unilateral-price", "reason": OVERRIDE_REASON}]),
                   expect=2)
        self.ok(self.run_cli("request", "issue", "--by", BUYER, "--json", self.write("bad.json", "{not json")), 2)
        self.assertEqual(self.requests()["count"], 0)
        self.ok(self.run_cli("request", "show", "2026-00042"), 3)
        self.step("2026-00042", ESTIMATE, SUPPLIER, expect=3)

        first = self.issue(fair_request("V0001")).number
        p = self.issue(fair_request("V0001", due="2027-05-31"), expect=2)
        self.assertIn(first, p.err, "the conflict names the open request")
        self.issue(fair_request("V0001", level="SA2", items=[]))       # another level is another request
        # a step on the wrong side, or missing what it needs
        self.step(first, dict(ESTIMATE, side="buyer"), BUYER, expect=2)
        self.step(first, {"side": "supplier", "kind": "decline"}, SUPPLIER, expect=2)
        self.step(first, {"side": "buyer", "kind": "price_decision"}, BUYER, expect=2)
        self.step(first, {"side": "buyer", "kind": "haggle"}, BUYER, expect=2)
        # withdrawn without an open supplier request: a new request is fine
        self.step(first, {"side": "buyer", "kind": "withdraw", "reason": "発注内容の変更"}, BUYER)
        self.assertEqual(self.show(first)["state"], "withdrawn")
        self.issue(fair_request("V0001"))
        self.assertEqual(self.requests("--supplier", "V0001")["count"], 3)
        self.assertEqual(self.requests("--supplier", "V0002")["count"], 0)


    def test_one_person_cannot_confirm_both_sides(self):
        # Agreed means both sides confirmed the same hash; the same --by on both sides is one
        # person agreeing with themselves, refused as a state conflict (exit 2).
        self.start()
        number = self.issue(fair_request("V0001")).number
        self.step(number, ESTIMATE, SUPPLIER)
        self.step(number, ACCEPT, BUYER)
        sha = self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER).out.split()[-1]
        c = self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha))
        self.assertEqual(c.out.strip(), "version 1  state negotiating")
        c = self.ok(self.run_cli("agreement", number, *self.on_paper(), "--by", BUYER, "--sha256", sha), 2)
        self.assertEqual(c.out.strip(), "", "a refused confirmation prints no state")
        doc = self.show(number)
        self.assertEqual(doc["state"], "negotiating", "one person confirming for both sides must not agree it")
        self.assertEqual([(c["side"], c["actor"]) for c in doc["agreements"][0]["confirmations"]], [("buyer", BUYER)])
        self.assertEqual([e["action"] for e in self.events("--supplier", "V0001")[0]].count("agreement.confirmed"), 1)
        # the supplier's own confirmation still agrees it
        c = self.ok(self.run_cli("agreement", number, *self.on_paper(), "--by", SUPPLIER, "--sha256", sha))
        self.assertEqual(c.out.strip(), "version 1  state agreed")
        self.ok(self.verify())


# --- 2 and 3. the guardrails ----------------------------------------------------------------------


class Guardrails(RequestCase):
    def check_rule(self, rule, bad, good):
        """bad(supplier) breaks `rule` only; good(supplier) is the closest request that passes."""
        self.start()
        # refused: exit 4, the rule on stderr, nothing issued, the refusal recorded
        p = self.issue(bad("V0001"), expect=4)
        self.assert_refused(p, rule)
        self.assertIn("[%s] refused" % rule, p.err)
        self.assertEqual(self.requests("--supplier", "V0001")["count"], 0)
        events, _ = self.events("--supplier", "V0001")
        self.assertEqual([e["action"] for e in events], ["request.refused"])
        after = json.loads(events[0]["after_json"])
        self.assertEqual(after["guardrails"]["refused"], [rule])
        self.assertEqual(self.rule(after["guardrails"], rule)["result"], "refused")
        # let through
        n = self.issue(good("V0004")).number
        self.assertEqual(self.show(n)["guardrails"]["refused"], [])
        self.assertEqual(self.rule(self.show(n)["guardrails"], rule)["result"], "pass")
        # overridden by the compliance officer, with a reason
        req = dict(bad("V0010"), overrides=[{"rule": rule, "reason": OVERRIDE_REASON}])
        p = self.issue(req, by=COMPLIANCE)
        self.assertIn("[%s] overridden" % rule, p.err)
        self.assert_overridden(p.number, rule)
        letter = self.ok(self.run_cli("request", "letter", p.number)).out
        self.assertIn(OVERRIDE_REASON, letter, "the override is shown in the letter's 備考")
        # the same override from someone else, or with too short a reason, stays refused
        p = self.issue(dict(bad("V0013"), overrides=[{"rule": rule, "reason": OVERRIDE_REASON}]), by=BUYER, expect=4)
        self.assert_refused(p, rule)
        self.assertIn("上書きの権限がありません", p.err)
        p = self.issue(dict(bad("V0013"), overrides=[{"rule": rule, "reason": REASON_9}]), by=COMPLIANCE, expect=4)
        self.assert_refused(p, rule)
        p = self.issue(dict(bad("V0013"), overrides=[{"rule": rule, "reason": REASON_10}]), by=COMPLIANCE)
        self.assert_overridden(p.number, rule, reason=REASON_10)
        self.assertEqual(self.requests()["count"], 3)
        self.ok(self.verify())

    def test_cost_sharing_explained(self):
        def bad(s):
            return fair_request(s, cost_sharing={"method": "折半", "explanation": EXPLANATION[:19], "negotiable": True})

        def good(s):
            return fair_request(s, cost_sharing={"method": "折半", "explanation": EXPLANATION[:20], "negotiable": True})

        self.check_rule("cost-sharing-explained", bad, good)
        # no method at all is refused too
        p = self.issue(fair_request("V0019", cost_sharing={"method": " ", "explanation": EXPLANATION,
                                                            "negotiable": True}), expect=4)
        self.assert_refused(p, "cost-sharing-explained")

    def test_cost_negotiable(self):
        def bad(s):
            return fair_request(s, cost_sharing={"method": "折半", "explanation": EXPLANATION, "negotiable": False})

        self.check_rule("cost-negotiable", bad, fair_request)

    def test_level_justified(self):
        # V0001, V0004, V0010, V0013: every chart answer is いいえ, so the chart says ★3
        def bad(s):
            return fair_request(s, level=4, necessity=NECESSITY[:19])

        def good(s):
            return fair_request(s, level=4, necessity=NECESSITY[:20])

        self.check_rule("level-justified", bad, good)
        # V0002 answers はい: ★4 needs no explanation; V0008's chart is unanswered: ★3
        self.issue(fair_request("V0002", level=4))
        self.assert_refused(self.issue(fair_request("V0008", level="★4"), expect=4), "level-justified")
        self.issue(fair_request("V0008", level="SA2", items=[]))

    def test_no_designated_purchase(self):
        def bad(s):
            return fair_request(s, designated_service="商工会議所サイバーセキュリティお助け隊サービス",
                                designated_service_mandatory=True)

        def good(s):
            return fair_request(s, designated_service="商工会議所サイバーセキュリティお助け隊サービス",
                                designated_service_mandatory=False)

        self.check_rule("no-designated-purchase", bad, good)
        self.assert_refused(self.issue(fair_request("V0019", designated_service_mandatory=True), expect=4),
                            "no-designated-purchase")

    def test_due_date_minimum(self):
        self.assertEqual(today_plus(90), "2027-02-18")

        def bad(s):
            return fair_request(s, due=today_plus(89))

        def good(s):
            return fair_request(s, due=today_plus(90))

        self.check_rule("due-date-minimum", bad, good)

    def test_several_rules_at_once_and_a_partial_override(self):
        self.start()
        req = fair_request("V0004", cost_sharing=None, due=today_plus(10))
        p = self.issue(req, expect=4)
        self.assert_refused(p, "cost-sharing-explained", "cost-negotiable", "due-date-minimum")
        req["overrides"] = [{"rule": "due-date-minimum", "reason": OVERRIDE_REASON}]
        p = self.issue(req, by=COMPLIANCE, expect=4)
        self.assert_refused(p, "cost-sharing-explained", "cost-negotiable")
        self.assertEqual(self.requests()["count"], 0)
        events, _ = self.events()
        self.assertEqual([e["action"] for e in events], ["suppliers.imported", "request.refused", "request.refused"])
        second = json.loads(events[2]["after_json"])["guardrails"]
        self.assertEqual(self.rule(second, "due-date-minimum")["result"], "overridden")
        self.assertEqual(events[2]["actor"], COMPLIANCE)
        self.assertEqual((events[2]["subject"], events[2]["vendor_code"]), ("V0004", "V0004"))

    def test_no_pressing_after_refusal(self):
        self.start()
        rule = "no-pressing-after-refusal"
        # V0003 declines; asking again for the same level is pressing
        first = self.issue(fair_request("V0003")).number
        s = self.step(first, {"side": "supplier", "kind": "decline", "reason": "現状の体制では対応できません"}, SUPPLIER)
        self.assertEqual(s.state, "declined")
        p = self.issue(fair_request("V0003", due="2027-06-30"), expect=4)
        self.assert_refused(p, rule)
        self.assertIn(first, p.err)
        self.assertEqual(self.requests("--supplier", "V0003")["count"], 1)
        # another level is another request
        self.issue(fair_request("V0003", level="SA2", items=[]))
        # an estimate left unanswered before withdrawing counts too
        w = self.issue(fair_request("V0006")).number
        self.step(w, ESTIMATE, SUPPLIER)
        self.step(w, {"side": "buyer", "kind": "withdraw", "reason": "発注の見直し"}, BUYER)
        self.assert_refused(self.issue(fair_request("V0006"), expect=4), rule)
        # a buyer message is no answer (取適法 5条2項4号): still pressing
        a = self.issue(fair_request("V0004")).number
        self.step(a, {"side": "supplier", "kind": "negotiation_request", "message": "費用について協議したい"}, SUPPLIER)
        self.assertEqual(self.show(a)["unanswered_supplier_step"][:6], "ステップ1（")
        self.step(a, {"side": "buyer", "kind": "message", "message": "来週お打ち合わせしましょう"}, BUYER)
        self.assertEqual(self.show(a)["unanswered_supplier_step"][:6], "ステップ1（")
        # answered with reasons, then withdrawn → let through
        self.step(a, {"side": "buyer", "kind": "reject", "reason": "今回の対策は当社の支援で賄えるため単価は据え置きます"},
                  BUYER)
        self.assertEqual(self.show(a)["unanswered_supplier_step"], "")
        self.step(a, {"side": "buyer", "kind": "withdraw", "reason": "条件を見直して再度要請します"}, BUYER)
        n = self.issue(fair_request("V0004", due="2027-06-30")).number
        self.assertEqual(self.rule(self.show(n)["guardrails"], rule)["result"], "pass")
        # a supplier's counter-proposal answered by the buyer's, then a decline: the decline is the last word
        b = self.issue(fair_request("V0013")).number
        self.step(b, {"side": "supplier", "kind": "counter_proposal", "share_percent": 80, "message": "8割負担を希望"},
                  SUPPLIER)
        self.step(b, {"side": "buyer", "kind": "counter_proposal", "share_percent": 60,
                      "basis": "当社の取引割合（売上の6割）に応じた負担"}, BUYER)
        self.step(b, {"side": "supplier", "kind": "decline", "reason": "合意に至りませんでした"}, SUPPLIER)
        self.assert_refused(self.issue(fair_request("V0013"), expect=4), rule)
        # overridden by compliance, but not by the buyer
        req = dict(fair_request("V0003", due="2027-06-30"), overrides=[{"rule": rule, "reason": OVERRIDE_REASON}])
        p = self.issue(req, by=BUYER, expect=4)
        self.assert_refused(p, rule)
        self.assertIn("上書きの権限がありません", p.err)
        p = self.issue(req, by=COMPLIANCE)
        self.assert_overridden(p.number, rule)
        self.ok(self.verify())

    def test_pressing_remedy_can_be_followed_after_a_decline(self):
        # The refusal's remedy (guardrails.yaml) says: record what changed. A reply on the declined
        # request is kept but is not a change; a "later date" must really be later.
        self.start()
        rule = "no-pressing-after-refusal"
        first = self.issue(fair_request("V0003")).number
        self.step(first, {"side": "supplier", "kind": "decline", "reason": "現状の体制では対応できません"}, SUPPLIER)
        p = self.issue(fair_request("V0003"), expect=4)
        self.assert_refused(p, rule)
        self.assertIn("what_changed", p.err, "the remedy shown to the buyer")
        reply = {"side": "buyer", "kind": "message", "message": "費用の全額負担を含めて条件を見直します。ご相談させてください。"}
        self.step(first, reply, BUYER)
        self.assert_refused(self.issue(fair_request("V0003"), expect=4), rule)
        p = self.issue(fair_request("V0003", what_changed={"later_date": "回答期限を延ばしました"}), expect=4)
        self.assert_refused(p, rule)
        self.assertIn("より後ではありません", p.err)
        # bad input names the field and changes nothing
        for bad, word in (({"kindness": "x"}, "kindness"), ({}, "what_changed"), ({"support": "  "}, "what_changed")):
            p = self.issue(fair_request("V0003", what_changed=bad), expect=2)
            self.assertIn(word, p.err)
        self.assertEqual(self.requests("--supplier", "V0003")["count"], 1)
        n = self.issue(fair_request("V0003", due="2027-09-30",
                                   what_changed={"later_date": "準備期間を3か月延長しました"})).number
        self.assertEqual(self.rule(self.show(n)["guardrails"], rule)["result"], "pass")
        # a larger share in words only, with the same cost sharing as the declined request, is no change
        same = fair_request("V0003", level=4, necessity=NECESSITY,
                            what_changed={"cost_share": "初期費用の全額を当社が負担します"})
        p = self.issue(same, expect=4)
        self.assert_refused(p, rule)
        self.assertIn("辞退された要請 " + first + " と同じ", p.err)
        p = self.issue(dict(same, what_changed={"cost_share": "。。。。。。。。。。。。"}), expect=2)
        self.assertIn('"what_changed.cost_share"', p.err)
        m = self.issue(dict(same, cost_sharing={"method": "全額負担", "negotiable": True,
                                                "explanation": "初期費用の全額を当社が負担し、運用費用は価格への反映を協議します。"})).number
        self.assertEqual(self.rule(self.show(m)["guardrails"], rule)["result"], "pass")
        self.ok(self.verify())

    def test_no_unilateral_price(self):
        self.start()
        rule = "no-unilateral-price"
        decision = {"side": "buyer", "kind": "price_decision", "amount": 100000, "price_revision_date": "2027-04-01",
                    "contracts": ["基本契約第12条"], "message": "この単価で決定します"}
        # nothing asked by the supplier: a price decision is let through
        free = self.issue(fair_request("V0004")).number
        self.step(free, {"side": "supplier", "kind": "acknowledge", "message": "受領しました"}, SUPPLIER)
        s = self.step(free, decision, BUYER)
        self.assertEqual(s.state, "negotiating")
        body = self.show(free)["steps"][-1]["body"]
        self.assertEqual(self.rule(body["guardrails"], rule)["result"], "pass")

        number = self.issue(fair_request("V0001")).number
        asks = (ESTIMATE,
                {"side": "supplier", "kind": "negotiation_request", "message": "価格の協議を申し入れます"},
                {"side": "supplier", "kind": "counter_proposal", "amount": 300000})
        answers = ({"side": "buyer", "kind": "counter_proposal", "buyer_amount": 200000,
                    "basis": "見積りの初期費用の4割を当社が負担します"},
                   {"side": "buyer", "kind": "reject", "reason": "今回の対策範囲では単価の変更は不要と考えます"},
                   {"side": "buyer", "kind": "accept", "message": "ご提示の金額で合意します"})
        labels = ("見積り", "価格協議の申入れ", "対案")
        for asked, answer, label in zip(asks, answers, labels):
            self.step(number, asked, SUPPLIER)
            p = self.step(number, decision, BUYER, expect=4)
            self.assert_refused(p, rule)
            self.assertIn(label, p.err, "the refusal names the unanswered step")
            # a message is no answer
            self.step(number, {"side": "buyer", "kind": "message", "message": "ご提案を検討します"}, BUYER)
            self.assert_refused(self.step(number, decision, BUYER, expect=4), rule)
            self.step(number, answer, BUYER)
        accepted = self.show(number)["steps"][-1]["body"]
        self.assertEqual((accepted["accepted"], accepted["accepted_step"]), ({"amount": 300000}, 7))
        self.step(number, ESTIMATE, SUPPLIER)
        # 取適法 5条2項4号 is a prohibition: nobody overrides it, not even compliance (nothing recorded)
        with_override = dict(decision, overrides=[{"rule": rule, "reason": OVERRIDE_REASON}])
        for by in (BUYER, COMPLIANCE):
            p = self.step(number, with_override, by, expect=2)
            self.assertIn("cannot be overridden", p.err)
        self.step(number, dict(decision, overrides=[{"rule": "due-date-minimum", "reason": OVERRIDE_REASON}]),
                  COMPLIANCE, expect=2)                  # that rule does not apply to a price decision
        # answered by a proposal: let through for the buyer
        self.step(number, PROPOSAL, BUYER)
        self.step(number, decision, BUYER)
        # the refusals are on the record
        events, _ = self.events("--supplier", "V0001")
        refused = [e for e in events if e["action"] == "price_decision.refused"]
        self.assertEqual(len(refused), 6)
        self.assertTrue(all(e["subject"] == number for e in refused))
        self.assertEqual(json.loads(refused[0]["after_json"])["guardrails"]["refused"], [rule])
        self.ok(self.verify())

    def test_a_refused_issue_is_recorded_and_creates_nothing(self):
        self.start()
        req = fair_request("V0002", level=4, designated_service="XYZセキュア", designated_service_mandatory=True,
                           reason="=cmd|' /C calc'!A0")
        p = self.issue(req, expect=4)
        self.assert_refused(p, "no-designated-purchase")
        lst = self.requests()
        self.assertEqual((lst["count"], lst["requests"]), (0, []))
        self.assertEqual(self.requests("--supplier", "V0002")["count"], 0)
        events, trailer = self.events()
        self.assertEqual([e["action"] for e in events], ["suppliers.imported", "request.refused"])
        e = events[1]
        self.assertEqual((e["actor"], e["subject"], e["vendor_code"]), (BUYER, "V0002", "V0002"))
        after = json.loads(e["after_json"])
        self.assertEqual(after["request"]["reason"], "=cmd|' /C calc'!A0")
        self.assertEqual(after["request"]["designated_service"], "XYZセキュア")
        self.assertEqual(trailer["exported"], 2)
        self.ok(self.verify())
        # the next issued request still gets the first number
        self.assertEqual(self.issue(fair_request("V0002", level=4)).number, "2026-00001")

    def test_invisible_characters_count_nothing(self):
        # Minimums count what a reader sees: zero-width spaces and direction marks are nothing.
        self.start()
        zws, rlo = "\u200b", "\u202e"
        for explanation in (zws * 25, rlo * 25, zws * 10 + rlo * 10 + " " * 5):
            p = self.issue(fair_request("V0001", cost_sharing={"method": "折半", "explanation": explanation,
                                                               "negotiable": True}), expect=4)
            self.assert_refused(p, "cost-sharing-explained")
            self.assertIn("0 文字", p.err, "the explanation counts as empty")
        p = self.issue(fair_request("V0001", cost_sharing={"method": zws, "explanation": EXPLANATION,
                                                           "negotiable": True}), expect=4)
        self.assert_refused(p, "cost-sharing-explained")
        # V0001's chart says ★3: a ★4 request needs a necessity a reader can read
        p = self.issue(fair_request("V0001", level=4, necessity=zws * 20), expect=4)
        self.assert_refused(p, "level-justified")
        p = self.issue(fair_request("V0001", level=4, necessity=rlo * 20 + NECESSITY[:19]), expect=4)
        self.assert_refused(p, "level-justified")
        self.assertEqual(self.requests()["count"], 0)
        # visible characters still count with the marks around them
        n = self.issue(fair_request("V0001", level=4, necessity=zws + NECESSITY[:20] + rlo)).number
        self.assertEqual(self.show(n)["guardrails"]["refused"], [])

    def test_pressing_covers_higher_levels_not_a_lower_first_step(self):
        # After a declined ★3 with no reply from the buyer, asking for ★4 is pressing all the
        # more; SECURITY ACTION ★★ as a lower first step is not.
        self.start()
        rule = "no-pressing-after-refusal"
        first = self.issue(fair_request("V0003")).number
        self.step(first, {"side": "supplier", "kind": "decline", "reason": "現状の体制では対応できません"}, SUPPLIER)
        p = self.issue(fair_request("V0003", level=4, necessity=NECESSITY), expect=4)
        self.assert_refused(p, rule)
        self.assertIn(first, p.err, "the refusal names the declined request")
        self.assertEqual(self.requests("--supplier", "V0003")["count"], 1)
        n = self.issue(fair_request("V0003", level="SA2", items=[])).number
        self.assertEqual(self.show(n)["state"], "issued")
        self.assertEqual(self.rule(self.show(n)["guardrails"], rule)["result"], "pass")

    def test_a_rule_overridden_twice_is_refused(self):
        self.start()
        req = fair_request("V0004", due=today_plus(30),
                           overrides=[{"rule": "due-date-minimum", "reason": OVERRIDE_REASON},
                                      {"rule": "due-date-minimum", "reason": REASON_10}])
        p = self.issue(req, by=COMPLIANCE, expect=2)
        self.assertIn("due-date-minimum", p.err)
        self.assertEqual(p.out.strip(), "")
        self.assertEqual(self.requests()["count"], 0)
        # once is an override
        req["overrides"] = req["overrides"][:1]
        self.assert_overridden(self.issue(req, by=COMPLIANCE).number, "due-date-minimum")

    def test_a_draft_shows_the_refusals_issuing_would_meet(self):
        self.start()
        req = fair_request("V0004", due=today_plus(30),
                           cost_sharing={"method": "折半", "explanation": EXPLANATION, "negotiable": False})
        p = self.issue(req, draft=True)
        self.assertIn("[due-date-minimum] refused", p.err)
        self.assertIn("[cost-negotiable] refused", p.err)
        for passing in ("cost-sharing-explained", "level-justified", "no-designated-purchase",
                        "no-pressing-after-refusal"):
            self.assertNotIn("[%s]" % passing, p.err, "only the rules that would refuse are shown")
        self.assertEqual(self.show(p.number)["state"], "draft")
        # a draft every rule lets through shows none
        q = self.issue(fair_request("V0001"), draft=True)
        self.assertNotIn("refused", q.err)


# --- unusable input: refused with exit 2 (or before any database is made), nothing recorded ------------


class UnusableInput(RequestCase):
    def test_agreement_terms_are_checked(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        self.step(number, ESTIMATE, SUPPLIER)
        self.step(number, ACCEPT, BUYER)
        for terms in (dict(TERMS, buyer_amount=TERMS["initial_cost"] + 1),
                      dict(TERMS, buyer_running_amount=TERMS["running_cost"] + 1),
                      dict(TERMS, sharing=""),
                      dict(TERMS, sharing="\u200b")):
            self.step(number, {"side": "buyer", "kind": "agreement", "terms": terms}, BUYER, expect=2)
        doc = self.show(number)
        self.assertEqual(doc["agreements"], [])
        self.assertEqual([s["kind"] for s in doc["steps"]], ["estimate", "accept"])
        # the buyer paying all of it is fine
        s = self.step(number, {"side": "buyer", "kind": "agreement",
                               "terms": dict(TERMS, buyer_amount=TERMS["initial_cost"], sharing="全額負担")}, BUYER)
        self.assertEqual(s.out.splitlines()[1][:20], "agreement version 1 ")

    def test_yen_beyond_64_bits(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        p = self.step(number, dict(ESTIMATE, initial_cost=12000000000000000000), SUPPLIER, expect=2)
        self.assertIn("initial_cost", p.err)
        doc = self.show(number)
        self.assertEqual((doc["state"], doc["steps"]), ("issued", []))

    def test_broken_utf8_request_file(self):
        self.start()
        marker = "@@BROKEN@@"
        text = json.dumps(fair_request("V0001", reason=marker + "取引で当社の図面を共有するため"), ensure_ascii=False)
        data = text.encode("utf-8").replace(marker.encode(), b"\xe5\xbd")
        self.assertIn(b'"\xe5\xbd', data)
        p = self.ok(self.run_cli("request", "issue", "--by", BUYER, "--json", self.write("broken.json", data)), 2)
        self.assertEqual(p.out.strip(), "")
        self.assertEqual(self.requests()["count"], 0)
        self.assertEqual([e["action"] for e in self.events()[0]], ["suppliers.imported"])

    def test_record_commands_need_an_existing_database(self):
        if cli_support.BACKEND != "sqlite":
            self.skipTest("a mistyped SQLite path is checked on the SQLite variant")
        missing = os.path.join(self.tmp, "typo.db")
        request, estimate = self.jfile(fair_request("V0001")), self.jfile(ESTIMATE)
        for args in (["request", "issue", "--by", BUYER, "--json", request],
                     ["negotiate", "2026-00001", "--by", SUPPLIER, "--json", estimate],
                     ["purge", "--dry-run", "--by", "records"],
                     ["request", "expire", "--by", "batch"]):
            p = subprocess.run([cli_support.BIN, "--db", missing] + args, capture_output=True, env=env(), timeout=60)
            self.assertNotEqual(p.returncode, 0, "%s on a missing database\n%s" % (args, p.stderr.decode("utf-8")))
            self.assertEqual(glob.glob(missing + "*"), [], "%s created the database" % args)


if __name__ == "__main__":
    sys.exit(cli_support.main())
