#include "domain/lifecycles.hpp"

#include <stdexcept>

namespace hoshi::model {

namespace {
// Codes and Japanese words, indexed by the enums' values (declared in the same order).
struct Words {
  const char* code;
  const char* ja;
};
constexpr Words kAgreement[] = {{"drafted", "確認待ち"},
                                {"confirmed_by_buyer", "当社確認済み・取引先の確認待ち"},
                                {"confirmed_by_supplier", "取引先確認済み・当社の確認待ち"},
                                {"concluded", "双方確認済み"}};
constexpr Words kCampaign[] = {{"draft", "下書き"}, {"queued", "送信手配済み"}};
constexpr Words kMessage[] = {{"queued", "送信待ち"}, {"claimed", "送信中"}, {"sent", "送信済み"},
                              {"failed", "送信失敗"}, {"unknown", "要確認"}, {"cancelled", "取消"}};
constexpr const char* kMessageEn[] = {"Waiting", "Sending", "Sent", "Failed", "Unknown — check", "Cancelled"};
constexpr const char* kEvents[] = {"claim",     "delivered",         "retry", "bounced", "cancel", "release",
                                   "uncertain", "confirm_delivered", "resend"};

template <typename E, std::size_t N>
std::optional<E> parse_code(const Words (&words)[N], const std::string& s) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == words[i].code) return static_cast<E>(i);
  return std::nullopt;
}
}  // namespace

// ---- agreement ----------------------------------------------------------------------

const char* code(AgreementState s) { return kAgreement[static_cast<int>(s)].code; }
const char* label_ja(AgreementState s) { return kAgreement[static_cast<int>(s)].ja; }

AgreementState agreement_state(const std::vector<Confirmation>& of_latest) {
  bool buyer = false, supplier = false;
  for (const auto& c : of_latest) (c.side == Side::buyer ? buyer : supplier) = true;
  if (buyer && supplier) return AgreementState::concluded;
  if (buyer) return AgreementState::confirmed_by_buyer;
  if (supplier) return AgreementState::confirmed_by_supplier;
  return AgreementState::drafted;
}

AgreementStep on_confirm(const std::vector<Confirmation>& of_latest, Side side, const std::string& actor) {
  const AgreementState from = agreement_state(of_latest);
  if (from == AgreementState::concluded) return {false, from, AgreementRefusal::already_concluded};
  for (const auto& c : of_latest) {
    if (c.side == side) return {false, from, AgreementRefusal::side_already_confirmed};
    if (c.actor == actor) return {false, from, AgreementRefusal::same_person_both_sides};
  }
  std::vector<Confirmation> after = of_latest;
  after.push_back({side, actor});
  return {true, agreement_state(after), AgreementRefusal::none};
}

// ---- campaign -----------------------------------------------------------------------

const char* code(CampaignState s) { return kCampaign[static_cast<int>(s)].code; }
const char* label_ja(CampaignState s) { return kCampaign[static_cast<int>(s)].ja; }
std::optional<CampaignState> parse_campaign_state(const std::string& s) {
  return parse_code<CampaignState>(kCampaign, s);
}

CampaignState stored_campaign_state(const std::string& s) {
  if (auto c = parse_campaign_state(s)) return *c;
  throw std::logic_error("stored campaign state \"" + s + "\" is not one the model knows");
}

std::optional<CampaignState> next(CampaignState from, CampaignEvent e) {
  if (e == CampaignEvent::queue && from == CampaignState::draft) return CampaignState::queued;
  if (e == CampaignEvent::queue_again && from == CampaignState::queued) return CampaignState::queued;
  return std::nullopt;
}

// ---- outbox message -----------------------------------------------------------------

const char* code(MessageState s) { return kMessage[static_cast<int>(s)].code; }
const char* code(MessageEvent e) { return kEvents[static_cast<int>(e)]; }
const char* label_ja(MessageState s) { return kMessage[static_cast<int>(s)].ja; }
const char* label(MessageState s, vocab::Lang lang) {
  return lang == vocab::Lang::ja ? label_ja(s) : kMessageEn[static_cast<int>(s)];
}
std::optional<MessageState> parse_message_state(const std::string& s) { return parse_code<MessageState>(kMessage, s); }

MessageState stored_message_state(const std::string& s) {
  if (auto m = parse_message_state(s)) return *m;
  throw std::logic_error("stored outbox state \"" + s + "\" is not one the model knows");
}

const std::vector<MessageEdge>& message_edges() {
  using E = MessageEvent;
  using S = MessageState;
  static const std::vector<MessageEdge> table = {
      {E::claim, S::queued, S::claimed},      {E::delivered, S::claimed, S::sent},
      {E::retry, S::claimed, S::queued},      {E::bounced, S::claimed, S::failed},
      {E::cancel, S::queued, S::cancelled},   {E::release, S::claimed, S::queued},
      {E::uncertain, S::claimed, S::unknown}, {E::confirm_delivered, S::unknown, S::sent},
      {E::resend, S::unknown, S::queued},
  };
  return table;
}

const MessageEdge& edge(MessageEvent e) {
  for (const auto& x : message_edges())
    if (x.event == e) return x;
  throw std::logic_error(std::string("no outbox edge for ") + code(e));
}

std::optional<MessageState> next(MessageState from, MessageEvent e) {
  const MessageEdge& x = edge(e);
  if (x.from != from) return std::nullopt;
  return x.to;
}

bool is_final(MessageState s) {
  return s == MessageState::sent || s == MessageState::failed || s == MessageState::cancelled;
}

}  // namespace hoshi::model
