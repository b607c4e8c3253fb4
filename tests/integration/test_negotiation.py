#!/usr/bin/env python3
"""Negotiation with substance (issue 15 item 4) and the problem patterns guarded at issue
(item 6), through the real CLI on SQLite or PostgreSQL.

- The buyer answers a supplier's negotiation request, estimate or counter-proposal with one of:
  accept (the figure as it stands), a proposal/counter_proposal with an amount and its basis, or
  a reject with a reason for each cost item. A message answers nothing (取適法 5条2項4号).
- While an ask stands unanswered the buyer decides no price, drafts no agreement and confirms none.
- Estimates split into 物件費/人件費 (initial and running); totals are their sums.
- A request that makes a declaration a condition of trade, or a named service a condition of an
  order, is refused; a supplier that declined is asked again only with what changed recorded; an
  override for a supplier that objected needs the compliance function.

Arguments as every CLI suite (see cli_support.py).
"""
import json
import os
import shutil
import sys

from requests_support import *  # noqa: F401,F403 (constants, helpers, RequestCase)
import cli_support

REJECT_REASONS = {"initial_cost": "導入費用は当社の補助金申請で賄える見込みのため",
                  "running_cost": "運用は当社の監視サービスを無償で提供するため"}
SPLIT = {"side": "supplier", "kind": "estimate", "material_initial_cost": 300000, "labor_initial_cost": 200000,
         "material_running_cost": 60000, "labor_running_cost": 40000, "basis": "UTM機器と設定作業",
         "message": "物件費と人件費に分けてお送りします"}


class Answers(RequestCase):
    def test_a_message_is_no_answer_and_each_substantive_answer_is(self):
        self.start()
        number = self.issue(fair_request("V0004")).number
        self.step(number, ESTIMATE, SUPPLIER)
        self.step(number, {"side": "buyer", "kind": "message", "message": "検討します"}, BUYER)
        doc = self.show(number)
        self.assertEqual(doc["open_ask"], {"step": 1, "kind": "estimate", "figures_step": 1,
                                           "cost_items": ["initial_cost", "running_cost", "direct_cost",
                                                          "indirect_cost"]})
        # bad answers name their field and change nothing
        before = len(self.show(number)["steps"])
        p = self.step(number, {"side": "buyer", "kind": "counter_proposal", "buyer_amount": 200000}, BUYER, expect=2)
        self.assertIn('"basis"', p.err)
        p = self.step(number, {"side": "buyer", "kind": "counter_proposal", "buyer_amount": -1,
                               "basis": "見積りの4割を負担します"}, BUYER, expect=2)
        self.assertIn('"buyer_amount"', p.err)
        p = self.step(number, {"side": "buyer", "kind": "counter_proposal", "buyer_amount": "二十万",
                               "basis": "見積りの4割を負担します"}, BUYER, expect=2)
        self.assertIn('"buyer_amount"', p.err)
        p = self.step(number, {"side": "buyer", "kind": "reject", "reasons": {"initial_cost": "補助金で賄えるため"}},
                      BUYER, expect=2)
        self.assertIn('"reasons.running_cost"', p.err, "every cost item of the estimate needs its reason")
        p = self.step(number, {"side": "buyer", "kind": "reject", "reasons": dict(REJECT_REASONS, bonus="x")},
                      BUYER, expect=2)
        self.assertIn('"reasons.bonus"', p.err)
        p = self.step(number, {"side": "supplier", "kind": "accept"}, SUPPLIER, expect=2)
        self.assertIn("taken by the buyer", p.err)
        p = self.step(number, {"side": "buyer", "kind": "counter_proposal", "buyer_amount": 200000,
                               "basis": "見積りの4割を負担します", "price_revision_date": "2026-11-19"}, BUYER, expect=2)
        self.assertIn('"price_revision_date"', p.err)
        self.assertEqual(len(self.show(number)["steps"]), before)
        p = self.issue(fair_request("V0005", due="2026-11-19"), expect=2)
        self.assertIn('"due"', p.err)
        # a reject with a reason for each item answers it
        reasons = dict(REJECT_REASONS, direct_cost="直接費は当社の支援で不要になるため",
                       indirect_cost="間接経費は従来の単価に含まれているため")
        self.step(number, {"side": "buyer", "kind": "reject", "reasons": reasons}, BUYER)
        doc = self.show(number)
        self.assertIsNone(doc["open_ask"])
        self.assertEqual(doc["unanswered_supplier_step"], "")
        self.assertEqual(doc["steps"][-1]["body"]["answers_step"], 1)
        # accept takes the latest figures; nothing to accept is an error
        bare = self.issue(fair_request("V0006")).number
        self.step(bare, {"side": "supplier", "kind": "negotiation_request", "message": "協議をお願いします"}, SUPPLIER)
        p = self.step(bare, {"side": "buyer", "kind": "accept"}, BUYER, expect=2)
        self.assertIn("no estimate or counter-proposal", p.err)
        p = self.step(bare, {"side": "buyer", "kind": "reject", "reason": "短い"}, BUYER, expect=2)
        self.assertIn('"reason"', p.err)
        self.step(number, {"side": "supplier", "kind": "counter_proposal", "amount": 450000,
                           "basis": "初期費用のみに絞りました"}, SUPPLIER)
        self.step(number, {"side": "buyer", "kind": "accept", "price_revision_date": "2027-04-01"}, BUYER)
        last = self.show(number)["steps"][-1]["body"]
        # the agreement states the revision the accept set, on the date it set
        plain = {k: v for k, v in TERMS.items() if k != "price_revision"}
        p = self.step(number, {"side": "buyer", "kind": "agreement", "terms": plain}, BUYER, expect=2)
        self.assertIn('"terms.price_revision" is required', p.err)
        moved = dict(TERMS, price_revision={"date": "2027-09-01", "description": "単価に反映する"})
        p = self.step(number, {"side": "buyer", "kind": "agreement", "terms": moved}, BUYER, expect=2)
        self.assertIn('"terms.price_revision.date"', p.err)
        self.assertIn("2027-04-01", p.err)
        hollow = dict(TERMS, price_revision={"date": "2027-04-01", "description": "。。。。"})
        self.step(number, {"side": "buyer", "kind": "agreement", "terms": hollow}, BUYER, expect=2)
        kept = dict(TERMS, price_revision={"date": "2027-04-01", "description": "単価に反映する"})
        self.step(number, {"side": "buyer", "kind": "agreement", "terms": kept}, BUYER)
        self.assertEqual((last["accepted_step"], last["accepted"]), (4, {"amount": 450000}))

    def test_an_unanswered_ask_blocks_prices_drafts_and_the_buyers_confirmation(self):
        self.start()
        number = self.issue(fair_request("V0004")).number
        self.step(number, ESTIMATE, SUPPLIER)
        for step in ({"side": "buyer", "kind": "price_decision", "amount": 100000},
                     {"side": "buyer", "kind": "agreement", "terms": TERMS}):
            p = self.step(number, step, BUYER, expect=4)
            self.assertIn("no-unilateral-price", p.err)
        # the refusals are recorded; a drafted agreement is not
        events, _ = self.events("--supplier", "V0004")
        self.assertEqual([e["action"] for e in events if e["action"].endswith(".refused")],
                         ["price_decision.refused", "agreement.refused"])
        self.assertEqual(self.show(number)["agreements"], [])
        self.step(number, ACCEPT, BUYER)
        sha = self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER).out.split()[-1]
        # the supplier asks again before the buyer confirms: the buyer may not confirm over it
        self.step(number, {"side": "supplier", "kind": "negotiation_request",
                           "message": "運用費用についても協議したい"}, SUPPLIER)
        p = self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha), 2)
        self.assertIn("5条2項4号", p.err)
        self.assertEqual(self.show(number)["state"], "negotiating")
        self.step(number, {"side": "buyer", "kind": "reject",
                           "reason": "運用費用は前回の合意どおり当社の監視サービスで賄います"}, BUYER)
        self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha))
        self.ok(self.verify())

    def test_estimates_split_into_material_and_labor(self):
        self.start()
        number = self.issue(fair_request("V0004")).number
        s = self.step(number, SPLIT, SUPPLIER)
        self.assertEqual(s.state, "negotiating")
        body = self.show(number)["steps"][-1]["body"]
        self.assertEqual((body["initial_cost"], body["running_cost"]), (500000, 100000))
        # a total that is not the sum of its parts is refused, naming both
        p = self.step(number, dict(SPLIT, initial_cost=400000), SUPPLIER, expect=2)
        self.assertIn('"initial_cost"', p.err)
        self.assertIn("material_initial_cost", p.err)
        # a reject must address the parts, not the totals computed from them
        self.assertEqual(self.show(number)["open_ask"]["cost_items"],
                         ["material_initial_cost", "labor_initial_cost", "material_running_cost",
                          "labor_running_cost"])
        p = self.step(number, {"side": "buyer", "kind": "reject", "reasons": REJECT_REASONS}, BUYER, expect=2)
        self.assertIn('"reasons.material_initial_cost"', p.err)
        # the agreement's annex names the parts in Japanese
        self.step(number, ACCEPT, BUYER)
        self.step(number, {"side": "buyer", "kind": "agreement", "terms": TERMS}, BUYER)
        text = self.ok(self.run_cli("agreement", number)).out
        for words in ("うち物件費（初期）", "300,000円", "うち人件費（運用）", "見積り・対案の受入れ"):
            self.assertIn(words, text)


class Patterns(RequestCase):
    def test_a_declaration_made_a_condition_of_trade_is_refused(self):
        self.start()
        p = self.issue(fair_request("V0004", reason="期限までに★3を取得できない場合は、発注を停止します。"), expect=4)
        self.assert_refused(p, "no-forced-declaration")
        self.assertIn("発注を停止", p.err)
        self.assertEqual(self.requests()["count"], 0)
        n = self.issue(fair_request("V0004", reason="ご回答の内容を理由に発注を停止することはありません。")).number
        self.assertEqual(self.rule(self.show(n)["guardrails"], "no-forced-declaration")["result"], "pass")
        # every letter says the supplier may discuss or decline without disadvantage
        letter = self.ok(self.run_cli("request", "letter", n)).out
        self.assertIn("不利益な取扱いをすることは一切ありません", letter)

    def test_a_named_service_made_a_condition_of_an_order_is_refused(self):
        self.start()
        p = self.issue(fair_request("V0004", necessity="今後の発注には、お助け隊サービスへの加入が必須です。"),
                       expect=4)
        self.assert_refused(p, "no-service-condition")
        n = self.issue(fair_request("V0004", necessity="お助け隊サービスは一例で、同等の対策であれば問いません。")).number
        self.assertEqual(self.rule(self.show(n)["guardrails"], "no-service-condition")["result"], "pass")

    def test_overrides_for_a_supplier_that_objected_need_the_compliance_function(self):
        # a policy where procurement may override, and only "compliance" is the compliance function
        schemas = os.path.join(self.tmp, "schemas")
        shutil.copytree(os.path.join(cli_support.SAMPLE_DIR, os.pardir, "schemas"), schemas)
        with open(os.path.join(schemas, "policy.yaml"), encoding="utf-8") as f:
            policy = f.read()
        self.assertIn("overriders: [compliance]", policy)
        with open(os.path.join(schemas, "policy.yaml"), "w", encoding="utf-8") as f:
            f.write(policy.replace("overriders: [compliance]", "overriders: [compliance, %s]" % BUYER))
        old = os.environ.get("HOSHITORI_SCHEMAS")
        os.environ["HOSHITORI_SCHEMAS"] = schemas
        try:
            self.start()
            short = dict(fair_request("V0004", due=today_plus(30)),
                         overrides=[{"rule": "due-date-minimum", "reason": OVERRIDE_REASON}])
            # no objection on record: procurement's override holds
            n = self.issue(short, by=BUYER).number
            self.assert_overridden(n, "due-date-minimum", by=BUYER)
            # V0003 asked to negotiate an earlier request: now only compliance may override
            first = self.issue(fair_request("V0003", level="SA2", items=[])).number
            self.step(first, {"side": "supplier", "kind": "negotiation_request", "message": "費用を協議したい"},
                      SUPPLIER)
            self.step(first, {"side": "buyer", "kind": "reject",
                              "reason": "今回は宣言のみのお願いで費用は発生しない見込みです"}, BUYER)
            req = dict(short, supplier="V0003")
            p = self.issue(req, by=BUYER, expect=4)
            self.assert_refused(p, "due-date-minimum")
            self.assertIn("コンプライアンス", p.err)
            n = self.issue(req, by=COMPLIANCE).number
            self.assert_overridden(n, "due-date-minimum")
        finally:
            if old is None:
                os.environ.pop("HOSHITORI_SCHEMAS", None)
            else:
                os.environ["HOSHITORI_SCHEMAS"] = old


if __name__ == "__main__":
    sys.exit(cli_support.main())
