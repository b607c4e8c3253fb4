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

BOOST_AUTO_TEST_CASE(reported_but_low_is_below) {
  StatusView v = view();
  v.sa_level = 0;
  auto r = evaluate(policy(), v, kToday);
  BOOST_TEST(r.standing == Standing::below);
  BOOST_TEST(r.reason.find("届いていません") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
