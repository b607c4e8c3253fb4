// The agreement template rendered from a thread (pure: no storage): each shape says what
// the steps hold and nothing else.
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "service/agreement_text.hpp"
#include "service/json_args.hpp"
#include "service/letters.hpp"

using namespace hoshi;
using Poco::JSON::Object;
using records::StepRecord;

namespace {

std::string render(const std::vector<StepRecord>& steps, agreement::Draft draft, bool revised,
                   bool implementation_due = false) {
  auto ctx = api::obj();
  ctx->set("number", "2026-00001");
  ctx->set("version", "1");
  ctx->set("level_label", "SCS評価制度 ★3");
  ctx->set("measures", "多要素認証の導入");
  ctx->set("sharing", "折半");
  auto buyer = api::obj();
  buyer->set("name", "株式会社星取精機");
  ctx->set("buyer", buyer);
  auto rd = api::obj();
  rd->set("date_wareki", "令和9年3月31日");
  rd->set("date_iso", "2027-03-31");
  ctx->set("reply_due", rd);
  if (implementation_due) {
    auto d = api::obj();
    d->set("date_wareki", "令和9年6月30日");
    d->set("date_iso", "2027-06-30");
    ctx->set("implementation_due", d);
  }
  if (revised) {
    auto pr = api::obj();
    pr->set("date_wareki", "令和9年4月1日");
    pr->set("date_iso", "2027-04-01");
    ctx->set("price_revision", pr);
  }
  ctx->set("thread", agreement::thread_context(steps, draft));
  const char* schemas = std::getenv("HOSHITORI_SCHEMAS");
  records::Templates t(records::default_templates_dir(schemas ? schemas : ""));
  return t.render("ja", "agreement", "txt", ctx);
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

StepRecord step(long long n, const std::string& side, const std::string& kind, const std::string& body) {
  return {n, side, kind, "2026-11-19T16:30:00.000Z", side == "buyer" ? "tanaka" : "sato", body};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(agreement_text_suite)

BOOST_AUTO_TEST_CASE(no_step_claims_no_negotiation) {
  const std::string t = render({}, {"buyer", ""}, false);
  BOOST_TEST(!has(t, "協議を行"));
  BOOST_TEST(!has(t, "を申し入れた。"));  // 第6条's 「協議を申し入れたこと」 is a hypothetical
  BOOST_TEST(has(t, "乙から協議の申入れはなく"));
  BOOST_TEST(has(t, "取引価格を改定しない"));
  BOOST_TEST(!has(t, "別紙"));  // no steps, no annex
  BOOST_TEST(has(t, "別途書面により定める"));
  BOOST_TEST(!has(t, "2027-06-30"));
}

BOOST_AUTO_TEST_CASE(a_request_and_a_revision_name_the_date_in_japan) {
  const std::string t = render({step(1, "supplier", "negotiation_request", R"({"message": "協議を希望します"})"),
                                step(2, "supplier", "estimate", R"({"initial_cost": 500000, "basis": "見積書A"})")},
                               {"buyer", ""}, true, true);
  // 16:30 UTC on the 19th is the 20th in Japan
  BOOST_TEST(has(t, "・令和8年11月20日（2026-11-20）　ステップ1（記録者：sato）"));
  BOOST_TEST(has(t, "協議を行った"));
  BOOST_TEST(has(t, "令和9年4月1日（2027-04-01）から取引価格を改定することに合意した"));
  BOOST_TEST(has(t, "前項の対策の実施期限は、令和9年6月30日（2027-06-30）とする"));
  BOOST_TEST(has(t, "初期費用の見積額：500,000円"));
  BOOST_TEST(has(t, "根拠：見積書A"));
  BOOST_TEST(!has(t, "改定しない"));
}

BOOST_AUTO_TEST_CASE(unchanged_price_quotes_each_sides_latest_explanation) {
  const std::string t = render(
      {step(1, "supplier", "estimate", R"({"running_cost": 120000, "basis": "旧い根拠"})"),
       step(2, "buyer", "proposal", R"({"share_percent": 50, "message": "甲の理由"})"),
       step(3, "supplier", "counter_proposal", R"({"share_percent": 70, "basis": "乙の根拠", "message": "乙の理由"})"),
       step(4, "buyer", "message", R"({"message": ""})")},
      {"supplier", ""}, false);
  BOOST_TEST(has(t, "乙から協議の申入れの記録はないが"));
  BOOST_TEST(has(t, "（甲の説明）ステップ2（提案、令和8年11月20日）\n甲の理由"));
  BOOST_TEST(has(t, "（乙の説明）ステップ3（対案、令和8年11月20日）\n乙の根拠／乙の理由"));
  BOOST_TEST(!has(t, "旧い根拠\n　（甲"));
}

BOOST_AUTO_TEST_CASE(drafts_from_both_sides_are_an_exchange) {
  auto t = agreement::thread_context({step(1, "buyer", "agreement", R"({"agreement_version": 1})")}, {"supplier", ""});
  BOOST_TEST(t->getValue<bool>("exchanged"));
  BOOST_TEST(!t->getValue<bool>("requested"));
  t = agreement::thread_context({step(1, "buyer", "agreement", R"({"agreement_version": 1})")}, {"buyer", ""});
  BOOST_TEST(!t->getValue<bool>("negotiated"));  // the buyer redrafting its own text is no negotiation
}

BOOST_AUTO_TEST_CASE(a_decline_in_the_thread_is_stated) {
  // the state machine refuses an agreement after a decline; the text would still be true
  const std::string t = render({step(1, "supplier", "decline", R"({"reason": "対応が困難"})")}, {"buyer", ""}, false);
  BOOST_TEST(has(t, "本要請への対応を辞退する"));
  BOOST_TEST(has(t, "理由：対応が困難"));
  BOOST_TEST(!has(t, "協議を行"));
}

BOOST_AUTO_TEST_SUITE_END()
