// The life cycles beside the request's (request_model.hpp): an agreement version, a
// mail-out campaign and an outbox message. Each is an enum of states and ONE table of
// the events that move it; the store writes what the table says (its UPDATEs take their
// state codes from here) and the service refuses what the table refuses. No I/O.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/vocabulary.hpp"
#include "domain/request_model.hpp"

namespace hoshi::model {

// ---- an agreement version: drafted, confirmed by one side, by both ----------------
// A new version (the agreement redrafted) starts again at drafted; the request becomes
// agreed when both sides have confirmed the latest version.
enum class AgreementState { drafted, confirmed_by_buyer, confirmed_by_supplier, concluded };
enum class AgreementRefusal { none, side_already_confirmed, same_person_both_sides, already_concluded };
struct Confirmation {
  Side side = Side::buyer;
  std::string actor;
};
struct AgreementStep {
  bool allowed = false;
  AgreementState to = AgreementState::drafted;
  AgreementRefusal refusal = AgreementRefusal::none;
};
const char* code(AgreementState s);
const char* label_ja(AgreementState s);
// The state of the latest version from its confirmations.
AgreementState agreement_state(const std::vector<Confirmation>& of_latest);
// `actor` confirms the latest version for `side`: one confirmation a side, one person
// never for both sides, nothing after both.
AgreementStep on_confirm(const std::vector<Confirmation>& of_latest, Side side, const std::string& actor);

// ---- a campaign (mail-out): drafted, then queued ------------------------------------
enum class CampaignState { draft, queued };
enum class CampaignEvent { queue, queue_again };
const char* code(CampaignState s);
const char* label_ja(CampaignState s);
std::optional<CampaignState> parse_campaign_state(const std::string& s);
// A stored code the table does not know is a corrupt record (std::logic_error naming it).
CampaignState stored_campaign_state(const std::string& s);
// queue: draft → queued; queue_again (a repeatable campaign such as reminders): queued →
// queued. nullopt: refused.
std::optional<CampaignState> next(CampaignState from, CampaignEvent e);

// ---- an outbox message ------------------------------------------------------------
enum class MessageState { queued, claimed, sent, failed, unknown, cancelled };
enum class MessageEvent {
  claim,              // a sender takes it                           queued  → claimed
  delivered,          // the SMTP server accepted it                 claimed → sent
  retry,              // a temporary failure: again later            claimed → queued
  bounced,            // a permanent failure                         claimed → failed
  cancel,             // its request closed before it was sent       queued  → cancelled
  release,            // the sender stops or gives it back unsent    claimed → queued
  uncertain,          // it may have been sent: the SMTP exchange broke off, or its
                      // sender died holding it                 claimed → unknown
  confirm_delivered,  // staff checked: it did arrive                unknown → sent
  resend,             // staff checked: it did not arrive            unknown → queued
};
struct MessageEdge {
  MessageEvent event;
  MessageState from;
  MessageState to;
};
const char* code(MessageState s);
const char* code(MessageEvent e);
const char* label_ja(MessageState s);
// The screens' word (the mail-out page shows a count under each).
const char* label(MessageState s, vocab::Lang lang);
std::optional<MessageState> parse_message_state(const std::string& s);
MessageState stored_message_state(const std::string& s);
// The one table, in the order above.
const std::vector<MessageEdge>& message_edges();
const MessageEdge& edge(MessageEvent e);
std::optional<MessageState> next(MessageState from, MessageEvent e);
// sent, failed, cancelled: nothing more happens to the message.
bool is_final(MessageState s);

}  // namespace hoshi::model
