// The cost-share helper of a supplier-initiated negotiation (core/cost_share.hpp) and the
// model's origin of a record (core/request_model.hpp).
#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "core/cost_share.hpp"
#include "core/error.hpp"
#include "domain/request_model.hpp"

using namespace hoshi;

BOOST_AUTO_TEST_SUITE(cost_share_helper)

BOOST_AUTO_TEST_CASE(percent_forms_people_type) {
  std::string why;
  BOOST_TEST(cost_share::parse_percent("20", why).value() == 2000);
  BOOST_TEST(cost_share::parse_percent("12.5", why).value() == 1250);
  BOOST_TEST(cost_share::parse_percent(" 12.25% ", why).value() == 1225);
  BOOST_TEST(cost_share::parse_percent("１２．５％", why).value() == 1250);
  BOOST_TEST(cost_share::parse_percent("0", why).value() == 0);
  BOOST_TEST(cost_share::parse_percent("100", why).value() == 10000);
  BOOST_TEST(cost_share::percent_text(1250) == "12.5");
  BOOST_TEST(cost_share::percent_text(1225) == "12.25");
  BOOST_TEST(cost_share::percent_text(700) == "7");
  BOOST_TEST(cost_share::percent_text(5) == "0.05");
}

BOOST_AUTO_TEST_CASE(bad_percent_says_why_in_japanese) {
  for (const char* bad : {"", "abc", "-5", "100.01", "101", "1.234", "12.5.1", "２０万"}) {
    std::string why;
    BOOST_TEST(!cost_share::parse_percent(bad, why).has_value(), bad);
    BOOST_TEST(!why.empty(), bad);
  }
  std::string why;
  cost_share::parse_percent("-5", why);
  BOOST_TEST(why.find("負") != std::string::npos);
  cost_share::parse_percent("150", why);
  BOOST_TEST(why.find("0〜100") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cost_times_share_rounded_half_up) {
  BOOST_TEST(cost_share::share_of(1'000'000, 2000) == 200'000);
  BOOST_TEST(cost_share::share_of(333, 5000) == 167);  // 166.5 → 167
  BOOST_TEST(cost_share::share_of(10'000'000'000'000LL, 10000) == 10'000'000'000'000LL);
  BOOST_TEST(cost_share::share_of(123, 0) == 0);
}

BOOST_AUTO_TEST_CASE(computes_from_parts_with_the_calculation) {
  cost_share::Input in;
  in.material_initial = 600'000;
  in.labor_initial = 400'000;
  in.running = 240'000;
  in.share = 2000;
  const auto r = cost_share::compute(in);
  BOOST_TEST(r.initial.value() == 1'000'000);
  BOOST_TEST(r.buyer_initial.value() == 200'000);
  BOOST_TEST(r.running.value() == 240'000);
  BOOST_TEST(r.buyer_running.value() == 48'000);
  BOOST_TEST(r.calculation ==
             "初期費用 1,000,000円（物件費 600,000円＋人件費 400,000円） × 20% = 200,000円\n"
             "運用費用（年額） 240,000円 × 20% = 48,000円");
}

BOOST_AUTO_TEST_CASE(only_the_costs_given_are_computed) {
  cost_share::Input in;
  in.labor_running = 100'000;
  in.share = 1250;
  const auto r = cost_share::compute(in);
  BOOST_TEST(!r.initial.has_value());
  BOOST_TEST(!r.buyer_initial.has_value());
  BOOST_TEST(r.buyer_running.value() == 12'500);
  BOOST_TEST(r.calculation.find("初期費用") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(refuses_what_cannot_be_computed) {
  cost_share::Input none;
  none.share = 1000;
  BOOST_CHECK_THROW(cost_share::compute(none), hoshi::Error);
  cost_share::Input mismatch;
  mismatch.material_initial = 100;
  mismatch.labor_initial = 100;
  mismatch.initial = 300;
  mismatch.share = 1000;
  BOOST_CHECK_THROW(cost_share::compute(mismatch), hoshi::Error);
  cost_share::Input negative;
  negative.initial = -1;
  negative.share = 1000;
  BOOST_CHECK_THROW(cost_share::compute(negative), hoshi::Error);
  cost_share::Input too_much;
  too_much.initial = 100;
  too_much.share = 10001;
  BOOST_CHECK_THROW(cost_share::compute(too_much), hoshi::Error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(request_origin)

using namespace hoshi::model;

BOOST_AUTO_TEST_CASE(origin_codes_labels_and_start) {
  BOOST_CHECK(parse_origin("buyer").value() == Origin::buyer);
  BOOST_CHECK(parse_origin("supplier").value() == Origin::supplier);
  BOOST_TEST(!parse_origin("staff").has_value());
  BOOST_CHECK_THROW(stored_origin("x"), std::logic_error);
  BOOST_TEST(std::string(label_ja(Origin::supplier)) == "取引先からの価格協議の申入れ");
  BOOST_TEST(code(initial_state(Origin::buyer)) == std::string("draft"));
  BOOST_TEST(code(initial_state(Origin::supplier)) == std::string("negotiating"));
  BOOST_TEST(!first_step(Origin::buyer).has_value());
  BOOST_TEST(code(*first_step(Origin::supplier)) == std::string("negotiation_request"));
}

BOOST_AUTO_TEST_CASE(supplier_initiated_has_nothing_to_acknowledge_decline_or_withdraw) {
  for (auto [side, kind] : {std::pair{Side::supplier, Step::acknowledge}, std::pair{Side::supplier, Step::decline},
                            std::pair{Side::buyer, Step::withdraw}}) {
    const auto t = on_step(Origin::supplier, State::negotiating, side, kind);
    BOOST_TEST(!t.allowed);
    BOOST_TEST(t.refusal.find("supplier started") != std::string::npos);
    // the same steps on a buyer's request follow the table
    BOOST_TEST(on_step(Origin::buyer, State::negotiating, side, kind).allowed);
  }
  for (auto [side, kind] : {std::pair{Side::buyer, Step::accept}, std::pair{Side::buyer, Step::counter_proposal},
                            std::pair{Side::buyer, Step::reject}, std::pair{Side::supplier, Step::counter_proposal},
                            std::pair{Side::buyer, Step::agreement}, std::pair{Side::supplier, Step::agreement}})
    BOOST_TEST(on_step(Origin::supplier, State::negotiating, side, kind).allowed);
}

BOOST_AUTO_TEST_CASE(a_negotiation_request_with_figures_is_an_ask_the_buyer_can_accept_or_reason_against) {
  ThreadStep first;
  first.no = 1;
  first.side = Side::supplier;
  first.kind = Step::negotiation_request;
  first.at = "2026-11-20T01:00:00Z";
  first.cost_items = {"material_initial_cost", "labor_initial_cost", "buyer_amount"};
  const auto ask = open_ask({first});
  BOOST_REQUIRE(ask.has_value());
  BOOST_TEST(ask->figures_step.value() == 1);
  BOOST_TEST(ask->cost_items.size() == 3u);
  BOOST_TEST(acceptable_figures({first}).value() == 1);
  // words alone (the request page's 「協議したい」) still ask, with no figures to accept
  ThreadStep words = first;
  words.cost_items.clear();
  BOOST_TEST(open_ask({words}).has_value());
  BOOST_TEST(!acceptable_figures({words}).has_value());
  // a bare buyer message answers nothing
  ThreadStep msg;
  msg.no = 2;
  msg.side = Side::buyer;
  msg.kind = Step::message;
  BOOST_TEST(open_ask({first, msg}).has_value());
  ThreadStep acc = msg;
  acc.kind = Step::accept;
  BOOST_TEST(!open_ask({first, acc}).has_value());
}

BOOST_AUTO_TEST_CASE(the_buyers_running_share_is_a_cost_item) {
  BOOST_TEST(cost_label_ja("buyer_running_amount") == "発注者の負担額（運用・年額）");
}

BOOST_AUTO_TEST_SUITE_END()

#include "store/purpose.hpp"

BOOST_AUTO_TEST_SUITE(cost_share_purpose)

// an export without a purpose leaves out the helper's figures as it does every cost figure
BOOST_AUTO_TEST_CASE(the_helpers_figures_are_cost_figures) {
  using hoshi::records::is_withheld_key;
  for (const char* k : {"sales_share_percent", "buyer_running_amount", "calculation", "material_initial_cost"})
    BOOST_TEST(is_withheld_key("negotiation.negotiation_request", k), k);
  BOOST_TEST(!is_withheld_key("negotiation.negotiation_request", "message"));
  BOOST_TEST(!is_withheld_key("request.initiated", "calculation"));
}

BOOST_AUTO_TEST_SUITE_END()
