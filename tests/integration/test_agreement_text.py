#!/usr/bin/env python3
"""The written agreement says what the record holds and nothing it does not: one test per
thread shape (no negotiation; negotiated and the price revised; negotiated and the price
unchanged with both sides' reasons; estimates exchanged without a request; a decline), the
three dates kept apart (reply deadline, implementation deadline, price-change date) and
checked, and stored documents never re-rendered (stdlib only).

    python3 test_agreement_text.py HOSHITORI_BINARY BACKEND PG_URL_FILE SAMPLE_DIR

See cli_support.py for the arguments and the set-up every test shares (a fresh database per
test, HOSHITORI_TODAY=2026-11-20).
"""
import hashlib
import json
import re
import sys

from requests_support import *  # noqa: F401,F403 (constants, helpers, RequestCase)
import cli_support

# terms without a price revision or an implementation deadline
PLAIN_TERMS = {"sharing": "全額負担（甲）", "buyer_share_percent": 100, "initial_cost": 300000,
               "buyer_amount": 300000, "measures": "多要素認証の導入"}
NEGOTIATION_REQUEST = {"side": "supplier", "kind": "negotiation_request",
                       "message": "対策費用の取引価格への反映について協議を申し入れます。"}
BUYER_REASON = "当面は現行単価を維持し、初期費用の全額を一時金として当社が負担します。"
SUPPLIER_REASON = "一時金での負担で了承します。運用費用は次回の単価改定時に改めて協議します。"
REPLY_DUE = "令和9年3月31日（2027-03-31）は、要請への\n　回答の期限であり、前項の実施期限ではない。"


class AgreementText(RequestCase):
    def draft(self, number, terms, by=BUYER, side="buyer", expect=0, message=None):
        step = {"side": side, "kind": "agreement", "terms": terms}
        if message:
            step["message"] = message
        return self.step(number, step, by, expect=expect)

    def text(self, number, *opts):
        p = self.ok(self.run_cli("agreement", number, *opts))
        return p.stdout.decode("utf-8")

    def article(self, text, n):
        """第n条 up to the next article (or the end)."""
        m = re.search(r"^第%d条.*?(?=^第\d+条|\Z)" % n, text, re.S | re.M)
        self.assertTrue(m, text)
        return m.group(0)

    def confirm_both(self, number, sha):
        self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha))
        c = self.ok(self.run_cli("agreement", number, *self.on_paper(), "--by", SUPPLIER, "--sha256", sha))
        self.assertEqual(c.out.strip(), "version 1  state agreed")

    def notice(self):
        """The agreement notice mail's text (campaign preview) for the agreed requests."""
        cid = self.ok(self.run_cli("campaign", "create", "--json",
                                   self.jfile({"kind": "agreement_notice", "title": "合意の通知",
                                               "template": "agreement_notice", "suppliers": "all"}))).out.strip()
        text = json.loads(self.ok(self.run_cli("campaign", "preview", cid, "--json")).out)["text"]
        head, sep, _document = text.partition("=" * 70)
        self.assertTrue(sep, text)
        return head  # the mail's own words, before the agreement's full text

    # -- (a) nobody asked to negotiate ----------------------------------------------------------

    def test_no_negotiation_the_text_claims_none(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        self.step(number, {"side": "supplier", "kind": "acknowledge", "message": "受領しました"}, SUPPLIER)
        s = self.draft(number, PLAIN_TERMS)
        sha = s.out.split()[-1]
        text = self.text(number)
        self.assertEqual(hashlib.sha256(text.encode("utf-8")).hexdigest(), sha)
        self.assertNotIn("協議を行", text)
        a4 = self.article(text, 4)
        self.assertNotIn("協議を申し入れた", a4)  # (第6条 speaks of one only as a hypothetical)
        self.assertIn("乙が本件の費用負担及び\n　取引価格について協議を申し入れることができる旨を示した", a4)
        self.assertIn("乙から協議の申入れはなく、甲乙間で見積り又は\n　提案は交わされていない。", a4)
        self.assertIn("取引価格を改定しない\n　ことを確認した。", a4)
        self.assertNotIn("記録された説明", a4)
        # no implementation date was agreed: none is invented, the reply deadline is named as such
        a2 = self.article(text, 2)
        self.assertIn("本合意書では定めず、甲乙協議のうえ\n　別途書面により定める。", a2)
        self.assertIn(REPLY_DUE, a2)
        self.assertNotIn("までに次の対策", text)
        # the annex lists the one step there is
        self.assertRegex(text, r"別紙　協議の経過.*\nステップ1　令和\d+年\d+月\d+日（\d{4}-\d\d-\d\d）　乙（甲が記録）　要請の受領"
                               r"（記録者：%s）\n　内容：受領しました" % SUPPLIER)
        self.confirm_both(number, sha)
        mail = self.notice()
        self.assertIn("協議の申入れ、見積り及び提案の記録はありません", mail)
        self.assertIn("取引価格の改定：改定なし", mail)
        self.assertNotIn("協議の結果", mail)
        self.assertNotIn("対策の実施期限", mail)
        self.assertIn("合意書面の SHA-256：" + sha, mail)

    # -- (b) negotiated, the price revised ---------------------------------------------------------

    def test_negotiated_and_revised_states_who_asked_and_the_effective_date(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        self.step(number, NEGOTIATION_REQUEST, SUPPLIER)
        self.step(number, ESTIMATE, SUPPLIER)
        self.step(number, PROPOSAL, BUYER)
        terms = dict(TERMS, implementation_due="令和9年6月30日")
        sha = self.draft(number, terms).out.split()[-1]
        text = self.text(number)
        a4 = self.article(text, 4)
        self.assertRegex(a4, r"乙は、次のとおり、甲に対し本件の費用負担及び取引価格について協議\n　を申し入れた。\n"
                             r"　・令和\d+年\d+月\d+日（\d{4}-\d\d-\d\d）　ステップ1（記録者：%s）\n" % SUPPLIER)
        self.assertIn("別紙「協議の経過」のとおり協議を行った。", a4)
        self.assertIn("令和9年4月1日（2027-04-01）から取引価格を改定することに合意した。", a4)
        self.assertNotIn("改定しない", a4)
        self.assertIn("前項の対策の実施期限は、令和9年6月30日（2027-06-30）とする。", self.article(text, 2))
        annex = text[text.index("別紙　協議の経過"):]
        for part in ("ステップ1", "乙（甲が記録）　協議の申入れ", "内容：対策費用の取引価格への反映について協議を申し入れます。",
                     "ステップ2", "乙（甲が記録）　見積り", "初期費用の見積額：500,000円", "運用費用の見積額：120,000円",
                     "直接経費：400,000円", "間接経費：100,000円", "根拠：MFA導入と運用の見積り",
                     "ステップ3", "甲　提案", "甲の負担額：250,000円", "甲の負担割合：50％", "負担の方法：折半",
                     "取引価格の改定日：令和9年4月1日（2027-04-01）", "対象の要求事項：No.4-1-3",
                     "対象とする契約：基本契約第12条"):
            self.assertIn(part, annex)
        # the stored terms say what the document says: dates in ISO
        ag = self.show(number)["agreements"][0]
        self.assertEqual(ag["terms"]["implementation_due"], "2027-06-30")
        self.assertEqual(ag["terms"]["price_revision"]["date"], "2027-04-01")
        self.confirm_both(number, sha)
        mail = self.notice()
        self.assertIn("協議の結果", mail)
        self.assertIn("貴社からの協議の申入れ 1 件", mail)
        self.assertIn("対策の実施期限：令和9年6月30日（2027-06-30）", mail)
        self.assertIn("取引価格の改定：令和9年4月1日（2027-04-01）から", mail)

    # -- (c) negotiated, the price unchanged: both sides' reasons --------------------------------

    def test_negotiated_and_unchanged_gives_both_sides_reasons(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        self.step(number, NEGOTIATION_REQUEST, SUPPLIER)
        self.step(number, ESTIMATE, SUPPLIER)
        self.step(number, {"side": "buyer", "kind": "counter_proposal", "buyer_amount": 300000,
                           "basis": BUYER_REASON}, BUYER)
        self.step(number, {"side": "supplier", "kind": "message", "message": SUPPLIER_REASON}, SUPPLIER)
        self.draft(number, PLAIN_TERMS)
        a4 = self.article(self.text(number), 4)
        self.assertIn("協議を行った。", a4)
        self.assertIn("前項の経過を踏まえ、本合意書の作成の時点においては\n　取引価格を改定しないことを確認した。", a4)
        self.assertRegex(a4, r"（甲の説明）ステップ3（対案、令和\d+年\d+月\d+日）\n%s" % BUYER_REASON)
        self.assertRegex(a4, r"（乙の説明）ステップ4（連絡、令和\d+年\d+月\d+日）\n%s" % SUPPLIER_REASON)
        self.assertNotIn("記録された説明はない", a4)
        self.assertNotIn("から取引価格を改定することに合意した", a4)

    def test_rejected_with_reasons_states_each_reason_and_no_revision(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        self.step(number, NEGOTIATION_REQUEST, SUPPLIER)
        self.step(number, {"side": "supplier", "kind": "estimate", "material_initial_cost": 300000,
                           "labor_initial_cost": 100000, "basis": "UTM機器と設定作業"}, SUPPLIER)
        self.step(number, {"side": "buyer", "kind": "reject",
                           "reasons": {"material_initial_cost": "機器は当社の余剰品を無償で貸与するため",
                                       "labor_initial_cost": "設定作業は当社の技術者が行うため"}}, BUYER)
        self.draft(number, PLAIN_TERMS)
        text = self.text(number)
        a4 = self.article(text, 4)
        self.assertIn("取引価格を改定しないことを確認した。", a4)
        self.assertRegex(a4, r"（甲の説明）ステップ3（理由を示した不受理、令和\d+年\d+月\d+日）\n"
                             r"物件費（初期）について、機器は当社の余剰品を無償で貸与するため／"
                             r"人件費（初期）について、設定作業は当社の技術者が行うため")
        for words in ("うち物件費（初期）", "300,000円", "理由（人件費（初期））", "応答した申出"):
            self.assertIn(words, text)
        self.assertNotIn("から取引価格を改定することに合意した", a4)

    def test_accepted_figures_are_named_in_the_annex(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        self.step(number, ESTIMATE, SUPPLIER)
        self.step(number, ACCEPT, BUYER)
        self.draft(number, PLAIN_TERMS)
        text = self.text(number)
        self.assertIn("見積り・対案の受入れ", text)
        self.assertIn("ステップ1の金額のとおり", text)
        self.assertIn("500,000円", text)

    def test_unchanged_without_a_buyer_explanation_says_there_is_none(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        self.step(number, NEGOTIATION_REQUEST, SUPPLIER)
        self.draft(number, PLAIN_TERMS, by=SUPPLIER, side="supplier", message="単価は据え置きで合意します。")
        a4 = self.article(self.text(number), 4)
        self.assertIn("（甲の説明）記録された説明はない。", a4)
        # the supplier's side as the buyer's staff wrote it down, and said so
        self.assertIn("（乙の説明）本合意書案に付した説明（甲が乙に代わって記録）\n単価は据え置きで合意します。", a4)

    def test_estimates_without_a_request_do_not_claim_one(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        self.step(number, ESTIMATE, SUPPLIER)
        self.step(number, PROPOSAL, BUYER)
        self.draft(number, PLAIN_TERMS)
        a4 = self.article(self.text(number), 4)
        self.assertIn("乙から協議の申入れの記録はないが、甲及び乙は、別紙「協議の\n　経過」のとおり見積り、提案等を交わした。",
                      a4)
        self.assertNotIn("協議を申し入れた", a4)
        self.assertNotIn("協議を行った", a4)

    # -- (d) declined: no agreement can follow -------------------------------------------------

    def test_a_declined_request_takes_no_agreement(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        sha = self.draft(number, PLAIN_TERMS).out.split()[-1]
        self.step(number, {"side": "supplier", "kind": "decline", "reason": "現時点では対応が困難です"}, SUPPLIER)
        p = self.draft(number, PLAIN_TERMS, expect=2)
        self.assertIn("declined", p.err)
        c = self.ok(self.run_cli("agreement", number, "--confirm-as", "buyer", "--by", BUYER, "--sha256", sha), 2)
        self.assertIn("declined", c.err)
        self.assertEqual(len(self.show(number)["agreements"]), 1, "the earlier draft stays, unconfirmable")

    # -- the dates: checked, nothing half-written ----------------------------------------------------

    def test_dates_in_the_terms_are_checked(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        bad = [(dict(PLAIN_TERMS, implementation_due="2026-11-19"), "\"terms.implementation_due\": 2026-11-19 is "
                                                                      "before today (2026-11-20)"),
               (dict(PLAIN_TERMS, implementation_due="2026-02-30"), "\"terms.implementation_due\""),
               (dict(PLAIN_TERMS, implementation_due="来年度中"), "\"terms.implementation_due\""),
               (dict(PLAIN_TERMS, implementation_due=""), "\"terms.implementation_due\" is empty"),
               (dict(PLAIN_TERMS, price_revision={"date": "2026-10-01"}), "\"terms.price_revision.date\": 2026-10-01"),
               (dict(PLAIN_TERMS, price_revision={"description": "単価改定"}), "\"terms.price_revision.date\" is "
                                                                                "required")]
        for terms, message in bad:
            p = self.draft(number, terms, expect=2)
            self.assertIn(message, p.err, terms)
        doc = self.show(number)
        self.assertEqual((doc["state"], doc["steps"], doc["agreements"]), ("issued", [], []), "nothing was written")
        # today itself is fine for both
        self.draft(number, dict(PLAIN_TERMS, implementation_due=TODAY, price_revision={"date": TODAY}))

    # -- stored bytes: never re-rendered ----------------------------------------------------------

    def test_the_stored_document_is_served_and_confirmed_as_drafted(self):
        self.start()
        number = self.issue(fair_request("V0001")).number
        sha = self.draft(number, PLAIN_TERMS).out.split()[-1]
        before = self.text(number)
        # the thread moves on: the stored version does not change with it
        self.step(number, {"side": "supplier", "kind": "message", "message": "内容を確認しています。"}, SUPPLIER)
        after = self.text(number)
        self.assertEqual(after, before)
        self.assertNotIn("内容を確認しています", after)
        self.confirm_both(number, sha)
        self.assertEqual(self.text(number, "--version", "1"), before)


if __name__ == "__main__":
    sys.exit(cli_support.main())
