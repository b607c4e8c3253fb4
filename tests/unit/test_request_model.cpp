// The request life cycle's one transition table and the negotiation answer rules.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <ostream>

#include "domain/request_model.hpp"

namespace hoshi::model {
// for Boost.Test's messages
std::ostream& operator<<(std::ostream& o, State s) { return o << code(s); }
std::ostream& operator<<(std::ostream& o, Step s) { return o << code(s); }
}  // namespace hoshi::model

using namespace hoshi::model;

namespace {
ThreadStep st(long long no, Side side, Step kind, std::vector<std::string> costs = {}, bool basis = false) {
  ThreadStep t;
  t.no = no;
  t.side = side;
  t.kind = kind;
  t.at = "2026-11-2" + std::to_string(no % 10) + "T00:00:00Z";
  t.cost_items = std::move(costs);
  t.has_basis = basis;
  return t;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(request_model)

BOOST_AUTO_TEST_CASE(codes_round_trip_and_have_japanese_labels) {
  for (State s : {State::draft, State::issued, State::acknowledged, State::negotiating, State::agreed, State::declined,
                  State::withdrawn, State::expired}) {
    BOOST_TEST(parse_state(code(s)).value() == s);
    const std::string ja = label_ja(s);
    BOOST_TEST(!ja.empty());
    BOOST_TEST(ja != code(s));
  }
  for (Step k : all_steps()) {
    BOOST_TEST(parse_step(code(k)).value() == k);
    BOOST_TEST(std::string(label_ja(k)) != code(k));
  }
  BOOST_TEST(!parse_state("Agreed").has_value());
  BOOST_TEST(!parse_step("").has_value());
  BOOST_CHECK_THROW(stored_state("open"), std::logic_error);
}

BOOST_AUTO_TEST_CASE(first_answers_move_an_issued_request) {
  BOOST_TEST(on_step(State::issued, Side::supplier, Step::acknowledge).to.value() == State::acknowledged);
  BOOST_TEST(!on_step(State::acknowledged, Side::supplier, Step::acknowledge).to.has_value());
  BOOST_TEST(on_step(State::issued, Side::supplier, Step::estimate).to.value() == State::negotiating);
  BOOST_TEST(on_step(State::acknowledged, Side::buyer, Step::proposal).to.value() == State::negotiating);
  BOOST_TEST(!on_step(State::negotiating, Side::buyer, Step::proposal).to.has_value());
  BOOST_TEST(on_step(State::negotiating, Side::supplier, Step::decline).to.value() == State::declined);
  BOOST_TEST(on_step(State::issued, Side::buyer, Step::withdraw).to.value() == State::withdrawn);
  BOOST_TEST(on_step(State::issued, Side::buyer, Step::message).allowed);
  BOOST_TEST(!on_step(State::issued, Side::buyer, Step::message).to.has_value());
}

BOOST_AUTO_TEST_CASE(sides_drafts_and_final_states_are_refused) {
  auto t = on_step(State::issued, Side::buyer, Step::estimate);
  BOOST_TEST(!t.allowed);
  BOOST_TEST(t.refusal.find("taken by the supplier") != std::string::npos);
  BOOST_TEST(!on_step(State::issued, Side::supplier, Step::accept).allowed);
  BOOST_TEST(!on_step(State::issued, Side::supplier, Step::withdraw).allowed);
  BOOST_TEST(on_step(State::draft, Side::supplier, Step::acknowledge).refusal.find("draft") != std::string::npos);
  for (State s : {State::agreed, State::withdrawn, State::expired})
    for (Step k : all_steps()) {
      BOOST_TEST(!on_step(s, Side::buyer, k).allowed);
      BOOST_TEST(!on_step(s, Side::supplier, k).allowed);
    }
}

BOOST_AUTO_TEST_CASE(after_a_decline_only_the_buyer_answers_and_the_state_stays) {
  for (Step k : {Step::message, Step::proposal, Step::counter_proposal}) {
    auto t = on_step(State::declined, Side::buyer, k);
    BOOST_TEST(t.allowed);
    BOOST_TEST(!t.to.has_value());
  }
  BOOST_TEST(!on_step(State::declined, Side::buyer, Step::price_decision).allowed);
  BOOST_TEST(!on_step(State::declined, Side::supplier, Step::message).allowed);
  BOOST_TEST(on_step(State::declined, Side::supplier, Step::estimate).refusal.find("declined") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(system_events) {
  BOOST_TEST(may_issue(State::draft));
  BOOST_TEST(!may_issue(State::issued));
  BOOST_TEST(may_expire(State::issued));
  BOOST_TEST(may_expire(State::negotiating));
  BOOST_TEST(!may_expire(State::draft));
  BOOST_TEST(!may_expire(State::agreed));
  BOOST_TEST(may_conclude(State::negotiating));
  BOOST_TEST(!may_conclude(State::acknowledged));
}

BOOST_AUTO_TEST_CASE(a_buyer_message_answers_nothing) {
  std::vector<ThreadStep> t{st(1, Side::supplier, Step::negotiation_request), st(2, Side::buyer, Step::message)};
  auto a = open_ask(t);
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->no == 1);
  BOOST_TEST(a->cost_items.empty());
  BOOST_TEST(describe(*a).find("価格協議の申入れ") != std::string::npos);
  // the buyer drafting an agreement does not answer it either
  t.push_back(st(3, Side::buyer, Step::agreement));
  BOOST_TEST(open_ask(t).has_value());
}

BOOST_AUTO_TEST_CASE(substantive_answers_close_the_ask) {
  const std::vector<std::string> costs{"initial_cost", "running_cost"};
  std::vector<ThreadStep> base{st(1, Side::supplier, Step::negotiation_request),
                               st(2, Side::supplier, Step::estimate, costs)};
  {
    auto a = open_ask(base);
    BOOST_REQUIRE(a.has_value());
    BOOST_TEST(a->no == 2);
    BOOST_TEST(a->figures_step.value() == 2);
    BOOST_TEST(a->cost_items == costs);
    BOOST_TEST(acceptable_figures(base).value() == 2);
  }
  for (auto answer :
       {st(3, Side::buyer, Step::accept), st(3, Side::buyer, Step::reject),
        st(3, Side::buyer, Step::counter_proposal, {"buyer_amount"}, true),
        st(3, Side::buyer, Step::proposal, {"share_percent"}, true), st(3, Side::supplier, Step::agreement)}) {
    auto t = base;
    t.push_back(answer);
    BOOST_TEST(!open_ask(t).has_value(), "step kind " << code(answer.kind));
  }
  // a proposal without its basis (older records) answers nothing
  auto t = base;
  t.push_back(st(3, Side::buyer, Step::proposal, {"buyer_amount"}, false));
  BOOST_TEST(open_ask(t).has_value());
  // a new supplier counter-proposal re-opens, and keeps the latest figures
  t = base;
  t.push_back(st(3, Side::buyer, Step::counter_proposal, {"buyer_amount"}, true));
  t.push_back(st(4, Side::supplier, Step::counter_proposal, {"amount"}));
  auto a = open_ask(t);
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->cost_items == std::vector<std::string>{"amount"});
  // a negotiation request after figures still carries them for the reasons
  t = base;
  t.push_back(st(3, Side::supplier, Step::negotiation_request));
  a = open_ask(t);
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->no == 3);
  BOOST_TEST(a->figures_step.value() == 2);
}

BOOST_AUTO_TEST_CASE(accepted_figures_are_the_latest_not_yet_accepted) {
  std::vector<ThreadStep> t{st(1, Side::supplier, Step::negotiation_request)};
  BOOST_TEST(!acceptable_figures(t).has_value());
  t.push_back(st(2, Side::supplier, Step::estimate, {"initial_cost"}));
  t.push_back(st(3, Side::buyer, Step::accept));
  BOOST_TEST(!acceptable_figures(t).has_value());
  t.push_back(st(4, Side::supplier, Step::counter_proposal, {"amount"}));
  BOOST_TEST(acceptable_figures(t).value() == 4);
}

BOOST_AUTO_TEST_CASE(reasons_address_the_parts_not_their_totals) {
  BOOST_TEST((reasoned_items({"initial_cost", "material_initial_cost", "labor_initial_cost", "running_cost"}) ==
              std::vector<std::string>{"material_initial_cost", "labor_initial_cost", "running_cost"}));
  BOOST_TEST((reasoned_items({"initial_cost"}) == std::vector<std::string>{"initial_cost"}));
  BOOST_TEST(cost_label_ja("labor_running_cost").find("人件費") != std::string::npos);
}

// Every state × side × step (8 × 2 × 12 cells) against the rules written out here a
// second time, as lists: who takes each step, what an open request allows, what a
// declined one still allows, and that drafts and the other final states allow nothing.
BOOST_AUTO_TEST_CASE(every_state_side_and_step) {
  const std::vector<State> states = {State::draft,  State::issued,   State::acknowledged, State::negotiating,
                                     State::agreed, State::declined, State::withdrawn,    State::expired};
  const std::vector<Step> supplier_only = {Step::acknowledge, Step::estimate, Step::negotiation_request, Step::decline};
  const std::vector<Step> buyer_only = {Step::proposal, Step::accept, Step::reject, Step::price_decision,
                                        Step::withdraw};
  const std::vector<Step> price_talk = {
      Step::estimate, Step::negotiation_request, Step::proposal, Step::counter_proposal, Step::accept,
      Step::reject,   Step::price_decision,      Step::agreement};
  auto in = [](const std::vector<Step>& v, Step k) { return std::find(v.begin(), v.end(), k) != v.end(); };
  int allowed = 0, refused = 0;
  for (State from : states)
    for (Side side : {Side::buyer, Side::supplier})
      for (Step kind : all_steps()) {
        bool ok = false;
        std::optional<State> to;
        const bool side_ok = side == Side::supplier ? !in(buyer_only, kind) : !in(supplier_only, kind);
        const bool open = from == State::issued || from == State::acknowledged || from == State::negotiating;
        if (side_ok && open) {
          ok = true;
          if (kind == Step::acknowledge && from == State::issued) to = State::acknowledged;
          if (kind == Step::decline) to = State::declined;
          if (kind == Step::withdraw) to = State::withdrawn;
          if (in(price_talk, kind) && from != State::negotiating) to = State::negotiating;
        }
        if (side_ok && from == State::declined && side == Side::buyer &&
            (kind == Step::message || kind == Step::proposal || kind == Step::counter_proposal))
          ok = true;
        const Transition t = on_step(from, side, kind);
        BOOST_TEST_CONTEXT(code(from) << " / " << code(side) << " / " << code(kind)) {
          BOOST_TEST(t.allowed == ok);
          BOOST_TEST((t.to == to));
          BOOST_TEST(t.refusal.empty() == ok);
        }
        (ok ? allowed : refused)++;
      }
  BOOST_TEST(allowed + refused == 8 * 2 * 12);
  BOOST_TEST(allowed > 0);
  BOOST_TEST(refused > allowed);
}

BOOST_AUTO_TEST_SUITE_END()
