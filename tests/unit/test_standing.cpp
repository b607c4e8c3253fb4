#include <boost/test/unit_test.hpp>

#include "core/standing.hpp"

using namespace hoshi;

BOOST_TEST_DONT_PRINT_LOG_VALUE(hoshi::Standing)

namespace {
const Date kToday{2026, 11, 20};

Policy policy() {
  Policy p;
  p.default_level = 3;
  for (int i = 0; i < 3; ++i) p.star4_if_any.push_back({kChartIds[i], i, ""});
  InterimRule r;
  r.id = "sa2-plus-otasuketai";
  r.until = {2027, 3, 31};
  r.for_required = {3};
  r.sa_min = 2;
  r.otasuketai = true;
  p.interim.push_back(r);
  p.expiring_window_days = 60;
  p.sa_reconfirm_days = 365;
  return p;
}

StatusView view() {
  StatusView v;
  for (auto& c : v.chart) c = false;
  return v;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(standing_suite)

BOOST_AUTO_TEST_CASE(nothing_reported_is_unknown) {
  StatusView v;
  auto r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.standing == Standing::unknown);
  BOOST_TEST(r.required_scs == 3);
  BOOST_TEST(r.reason.find("未回答") != std::string::npos);  // the chart was not answered either
}

BOOST_AUTO_TEST_CASE(decision_chart_yes_requires_star4) {
  StatusView v = view();
  v.chart[1] = true;
  v.scs_level = 3;
  v.scs_valid_until = Date{2027, 9, 30};
  auto r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.required_scs == 4);
  BOOST_TEST(r.standing == Standing::below);
  BOOST_TEST(r.reason.find("事業停止の影響") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(scs_meets_expiring_and_expired) {
  StatusView v = view();
  v.scs_level = 3;
  v.scs_valid_until = Date{2027, 9, 30};
  auto r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.standing == Standing::meets);
  BOOST_TEST(r.until->iso() == "2027-09-30");

  v.scs_valid_until = Date{2027, 1, 19};  // 60 days: inside the window
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::expiring);
  v.scs_valid_until = Date{2027, 1, 20};  // 61 days
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::meets);
  v.scs_valid_until = kToday;  // last valid day
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::expiring);
  v.scs_valid_until = Date{2026, 11, 19};
  r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.standing == Standing::expired);
  BOOST_TEST(r.reason.find("2026-11-19") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(validity_longer_than_the_scheme_gives_is_flagged) {
  Policy p = policy();
  p.scs3_days = 365;
  StatusView v = view();
  v.scs_level = 3;
  v.scs_valid_until = Date{2027, 11, 20};  // exactly 365 days
  auto r = evaluate(p, v, kToday);
  BOOST_TEST(r.standing == Standing::meets);
  BOOST_TEST(r.reason.find("証跡の確認") == std::string::npos);
  v.scs_valid_until = Date{2030, 3, 31};
  r = evaluate(p, v, kToday);
  BOOST_TEST(r.standing == Standing::meets);  // still meets: a note, not a verdict
  BOOST_TEST(r.reason.find("365日") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(higher_level_satisfies_lower_requirement) {
  StatusView v = view();
  v.scs_level = 4;
  v.scs_valid_until = Date{2029, 3, 31};
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::meets);
}

BOOST_AUTO_TEST_CASE(interim_sa2_plus_otasuketai_counts_for_star3_until_its_date) {
  StatusView v = view();
  v.sa_level = 2;
  v.sa_declared_on = Date{2026, 6, 1};
  v.ota_known = true;
  v.ota_service = "SOMPO SHERIFF";
  v.ota_end = Date{2028, 3, 31};
  auto r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.standing == Standing::meets);  // 131 days to the rule's end: outside the window
  BOOST_TEST(r.until->iso() == "2027-03-31");
  BOOST_TEST(r.reason.find("暫定基準") != std::string::npos);

  BOOST_TEST(evaluate(policy(), v, Date{2027, 2, 10}).standing == Standing::expiring);
  BOOST_TEST(evaluate(policy(), v, Date{2027, 4, 1}).standing == Standing::below);  // rule over

  v.sa_level = 1;  // ★ alone is not enough
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::below);
  v.sa_level = 2;
  v.ota_service.reset();  // no subscription
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::below);
}

BOOST_AUTO_TEST_CASE(a_subscription_counts_from_its_start) {
  StatusView v = view();
  v.sa_level = 2;
  v.ota_known = true;
  v.ota_service = "SOMPO SHERIFF";
  v.ota_start = Date{2026, 12, 1};
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::below);
  BOOST_TEST(evaluate(policy(), v, Date{2026, 12, 1}).standing == Standing::meets);
}

BOOST_AUTO_TEST_CASE(interim_does_not_apply_to_star4) {
  StatusView v = view();
  v.chart[0] = true;
  v.sa_level = 2;
  v.ota_known = true;
  v.ota_service = "SOMPO SHERIFF";
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::below);
}

BOOST_AUTO_TEST_CASE(ended_subscription_is_expired_and_stale_sa_needs_reconfirming) {
  StatusView v = view();
  v.sa_level = 2;
  v.sa_declared_on = Date{2026, 1, 10};
  v.ota_known = true;
  v.ota_service = "防検サイバー";
  v.ota_end = Date{2026, 10, 31};
  auto r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.standing == Standing::expired);
  BOOST_TEST(r.reason.find("2026-10-31") != std::string::npos);

  v.ota_end = Date{2027, 12, 31};
  v.sa_declared_on = Date{2025, 8, 1};  // more than 365 days ago
  r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.standing == Standing::expiring);
  BOOST_TEST(r.reason.find("再確認") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(expired_scs_falls_back_to_interim_rule) {
  StatusView v = view();
  v.scs_level = 3;
  v.scs_valid_until = Date{2026, 10, 1};
  v.sa_level = 2;
  v.ota_known = true;
  v.ota_service = "SOMPO SHERIFF";
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::meets);
  v.ota_service.reset();
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::expired);
}

// Recommended service as a condition (issue 15 item 6): the interim rule that names お助け隊
// accepts the supplier's own equivalent service, and says it is the buyer's rule.
StatusView sa2_with_equivalent(Date until) {
  StatusView v = view();
  v.sa_level = 2;
  v.sa_declared_on = Date{2026, 6, 1};
  v.equiv_known = true;
  v.equiv_service = "自社SOCによる監視と駆け付け対応";
  v.equiv_until = until;
  return v;
}

BOOST_AUTO_TEST_CASE(an_equivalent_service_counts_like_otasuketai_under_the_interim_rule) {
  StatusView v = sa2_with_equivalent(Date{2027, 6, 30});
  auto r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.standing == Standing::meets);
  BOOST_TEST(r.until->iso() == "2027-03-31");  // the rule ends first
  BOOST_REQUIRE(r.interim.has_value());
  BOOST_TEST(r.interim->id == "sa2-plus-otasuketai");
  BOOST_TEST(r.by_equivalent);
  BOOST_TEST(r.reason.find("同等のサービス「自社SOCによる監視と駆け付け対応」") != std::string::npos, r.reason);

  v.equiv_until = Date{2026, 12, 31};  // ends before the rule: the standing lapses with it
  r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.standing == Standing::expiring);
  BOOST_TEST(r.until->iso() == "2026-12-31");
  BOOST_TEST(standing_label(r) == "当社の暫定基準（★3相当）・期限間近");

  v.equiv_until = Date{2026, 10, 31};  // ended
  r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.standing == Standing::expired);
  BOOST_TEST(!r.interim.has_value());
  BOOST_TEST(r.reason.find("同等のサービスの有効期限が 2026-10-31 に終了") != std::string::npos, r.reason);

  v.equiv_until.reset();  // no validity date: cannot be judged, does not count
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::below);
  v.equiv_until = Date{2027, 6, 30};
  v.sa_level = 1;  // SA ★ alone with it is not enough
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::below);
}

BOOST_AUTO_TEST_CASE(the_longer_lasting_arrangement_counts) {
  StatusView v = sa2_with_equivalent(Date{2027, 1, 15});
  v.ota_known = true;
  v.ota_service = "SOMPO SHERIFF";
  v.ota_end = Date{2026, 12, 15};
  auto r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.by_equivalent);
  BOOST_TEST(r.until->iso() == "2027-01-15");
  v.ota_end.reset();  // an open-ended subscription lasts longer
  r = evaluate(policy(), v, kToday);
  BOOST_TEST(!r.by_equivalent);
  BOOST_TEST(r.until->iso() == "2027-03-31");
  BOOST_TEST(r.reason.find("お助け隊「SOMPO SHERIFF」") != std::string::npos, r.reason);
}

BOOST_AUTO_TEST_CASE(a_rule_without_equivalent_accepts_only_the_service) {
  // the loader refuses such a rule (test_catalog); the evaluation honours the flag as given
  Policy p = policy();
  p.interim[0].equivalent = false;
  BOOST_TEST(evaluate(p, sa2_with_equivalent(Date{2027, 6, 30}), kToday).standing == Standing::below);
}

BOOST_AUTO_TEST_CASE(an_interim_standing_is_labelled_as_the_buyers_own_rule_never_as_meeting_the_scheme) {
  StatusView v = sa2_with_equivalent(Date{2027, 6, 30});
  auto r = evaluate(policy(), v, kToday);
  BOOST_TEST(standing_label(r) == "当社の暫定基準（★3相当）");
  BOOST_TEST(std::string(standing_basis(r)) == "interim");
  BOOST_TEST(r.reason.find("当社の暫定基準（★3相当）") == 0u, r.reason);
  BOOST_TEST(r.reason.find("SCS★3の取得ではありません") != std::string::npos, r.reason);
  BOOST_TEST(r.reason.find("充足") == std::string::npos);
  BOOST_TEST(r.reason.find("を満たしています") == std::string::npos);  // what the scheme's ★ says
  BOOST_TEST(r.reason.find("sa2-plus") == std::string::npos);          // no internal code in the words

  StatusView scs = view();  // the scheme's ★3 on record: 充足
  scs.scs_level = 3;
  scs.scs_valid_until = Date{2027, 9, 30};
  r = evaluate(policy(), scs, kToday);
  BOOST_TEST(standing_label(r) == "充足");
  BOOST_TEST(std::string(standing_basis(r)) == "scheme");
  BOOST_TEST(!r.interim.has_value());

  StatusView low = view();  // SA declared "none": below
  low.sa_level = 0;
  r = evaluate(policy(), low, kToday);
  BOOST_TEST(std::string(standing_basis(r)).empty());
  BOOST_TEST(standing_label(r) == "不足");
  BOOST_TEST(vocab::interim_words(4, vocab::Lang::ja) == "当社の暫定基準（★4相当）");
}

BOOST_AUTO_TEST_CASE(an_equivalent_alone_is_a_report) {
  StatusView v;  // nothing else reported, the chart unanswered
  v.equiv_known = true;
  BOOST_TEST(evaluate(policy(), v, kToday).standing == Standing::below);
}

BOOST_AUTO_TEST_CASE(reported_but_low_is_below) {
  StatusView v = view();
  v.sa_level = 0;
  auto r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.standing == Standing::below);
  BOOST_TEST(r.reason.find("届いていません") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
