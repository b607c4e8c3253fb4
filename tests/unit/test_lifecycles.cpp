// The agreement, campaign and outbox-message life cycles (domain/lifecycles.hpp): every
// state × event is checked against the legal transitions written out here independently,
// so a table entry added, dropped or redirected fails.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <tuple>

#include "domain/lifecycles.hpp"

using namespace hoshi::model;

BOOST_AUTO_TEST_SUITE(lifecycles)

BOOST_AUTO_TEST_CASE(every_message_state_and_event) {
  // (from, event, to), as the outbox's delivery and recovery rules say
  const std::set<std::tuple<std::string, std::string, std::string>> legal = {
      {"queued", "claim", "claimed"},        {"claimed", "delivered", "sent"},         {"claimed", "retry", "queued"},
      {"claimed", "bounced", "failed"},      {"queued", "cancel", "cancelled"},        {"claimed", "release", "queued"},
      {"claimed", "uncertain", "unknown"}, {"unknown", "confirm_delivered", "sent"}, {"unknown", "resend", "queued"},
  };
  const MessageState states[] = {MessageState::queued, MessageState::claimed, MessageState::sent,
                                 MessageState::failed, MessageState::unknown, MessageState::cancelled};
  const MessageEvent events[] = {
      MessageEvent::claim,  MessageEvent::delivered, MessageEvent::retry,       MessageEvent::bounced,
      MessageEvent::cancel, MessageEvent::release,   MessageEvent::uncertain, MessageEvent::confirm_delivered,
      MessageEvent::resend};
  int allowed = 0, refused = 0;
  for (MessageState s : states)
    for (MessageEvent e : events) {
      auto to = next(s, e);
      bool is_legal = false;
      for (const auto& [f, ev, t] : legal)
        if (f == code(s) && ev == code(e)) {
          is_legal = true;
          BOOST_TEST_CONTEXT(code(s) << " --" << code(e) << "-->") {
            BOOST_TEST_REQUIRE(to.has_value());
            BOOST_TEST(code(*to) == t);
          }
        }
      if (!is_legal) BOOST_TEST(!to.has_value(), code(s) << " --" << code(e) << "--> must be refused");
      (is_legal ? allowed : refused)++;
    }
  BOOST_TEST(allowed == 9);
  BOOST_TEST(refused == 6 * 9 - 9);
  // nothing leaves a final state; every non-final state has a way on
  for (MessageState s : states) {
    bool leaves = false;
    for (MessageEvent e : events) leaves = leaves || next(s, e).has_value();
    BOOST_TEST(leaves == !is_final(s), code(s));
    BOOST_TEST(std::string(label_ja(s)).find_first_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos);
    BOOST_CHECK(parse_message_state(code(s)) == s);
    BOOST_TEST(std::string(label(s, hoshi::vocab::Lang::en)) != label(s, hoshi::vocab::Lang::ja), code(s));
  }
  BOOST_CHECK_THROW(stored_message_state("sending"), std::logic_error);
}

BOOST_AUTO_TEST_CASE(every_campaign_state_and_event) {
  BOOST_CHECK(next(CampaignState::draft, CampaignEvent::queue) == CampaignState::queued);
  BOOST_TEST(!next(CampaignState::queued, CampaignEvent::queue).has_value());
  BOOST_CHECK(next(CampaignState::queued, CampaignEvent::queue_again) == CampaignState::queued);
  BOOST_TEST(!next(CampaignState::draft, CampaignEvent::queue_again).has_value());
  BOOST_CHECK(stored_campaign_state("draft") == CampaignState::draft);
  BOOST_CHECK_THROW(stored_campaign_state("sent"), std::logic_error);
  BOOST_TEST(std::string(label_ja(CampaignState::queued)) != label_ja(CampaignState::draft));
}

BOOST_AUTO_TEST_CASE(agreement_confirmations) {
  const Confirmation buyer{Side::buyer, "erp:sato"};
  const Confirmation supplier{Side::supplier, "supplier:V1"};
  BOOST_CHECK(agreement_state({}) == AgreementState::drafted);
  BOOST_CHECK(agreement_state({buyer}) == AgreementState::confirmed_by_buyer);
  BOOST_CHECK(agreement_state({supplier}) == AgreementState::confirmed_by_supplier);
  BOOST_CHECK(agreement_state({supplier, buyer}) == AgreementState::concluded);

  auto s = on_confirm({}, Side::buyer, "erp:sato");
  BOOST_TEST(s.allowed);
  BOOST_CHECK(s.to == AgreementState::confirmed_by_buyer);
  s = on_confirm({buyer}, Side::supplier, "supplier:V1");
  BOOST_TEST(s.allowed);
  BOOST_CHECK(s.to == AgreementState::concluded);
  s = on_confirm({supplier}, Side::buyer, "erp:sato");
  BOOST_TEST(s.allowed);
  BOOST_CHECK(s.to == AgreementState::concluded);
  // refused: the same side twice, one person for both sides, anything after both
  s = on_confirm({buyer}, Side::buyer, "erp:suzuki");
  BOOST_TEST(!s.allowed);
  BOOST_CHECK(s.refusal == AgreementRefusal::side_already_confirmed);
  BOOST_CHECK(s.to == AgreementState::confirmed_by_buyer);
  s = on_confirm({buyer}, Side::supplier, "erp:sato");
  BOOST_TEST(!s.allowed);
  BOOST_CHECK(s.refusal == AgreementRefusal::same_person_both_sides);
  s = on_confirm({buyer, supplier}, Side::buyer, "erp:tanaka");
  BOOST_TEST(!s.allowed);
  BOOST_CHECK(s.refusal == AgreementRefusal::already_concluded);
}

BOOST_AUTO_TEST_SUITE_END()
