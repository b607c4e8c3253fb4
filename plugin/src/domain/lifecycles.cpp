#include "domain/lifecycles.hpp"

#include <stdexcept>

namespace hoshi::model {

// ---- agreement ----------------------------------------------------------------------

const char* code(AgreementState s) {
  switch (s) {
    case AgreementState::drafted:
      return "drafted";
    case AgreementState::confirmed_by_buyer:
      return "confirmed_by_buyer";
    case AgreementState::confirmed_by_supplier:
      return "confirmed_by_supplier";
    case AgreementState::concluded:
      return "concluded";
  }
  return "drafted";
}

const char* label_ja(AgreementState s) {
  switch (s) {
    case AgreementState::drafted:
      return "確認待ち";
    case AgreementState::confirmed_by_buyer:
      return "当社確認済み・取引先の確認待ち";
    case AgreementState::confirmed_by_supplier:
      return "取引先確認済み・当社の確認待ち";
    case AgreementState::concluded:
      return "双方確認済み";
  }
  return "確認待ち";
}

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

const char* code(CampaignState s) { return s == CampaignState::draft ? "draft" : "queued"; }
const char* label_ja(CampaignState s) { return s == CampaignState::draft ? "下書き" : "送信手配済み"; }

std::optional<CampaignState> parse_campaign_state(const std::string& s) {
  for (CampaignState c : {CampaignState::draft, CampaignState::queued})
    if (s == code(c)) return c;
  return std::nullopt;
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

namespace {
const MessageState kMessageStates[] = {MessageState::queued, MessageState::claimed, MessageState::sent,
                                       MessageState::failed, MessageState::unknown, MessageState::cancelled};
}  // namespace

const char* code(MessageState s) {
  switch (s) {
    case MessageState::queued:
      return "queued";
    case MessageState::claimed:
      return "claimed";
    case MessageState::sent:
      return "sent";
    case MessageState::failed:
      return "failed";
    case MessageState::unknown:
      return "unknown";
    case MessageState::cancelled:
      return "cancelled";
  }
  return "queued";
}

const char* code(MessageEvent e) {
  switch (e) {
    case MessageEvent::claim:
      return "claim";
    case MessageEvent::delivered:
      return "delivered";
    case MessageEvent::retry:
      return "retry";
    case MessageEvent::bounced:
      return "bounced";
    case MessageEvent::cancel:
      return "cancel";
    case MessageEvent::release:
      return "release";
    case MessageEvent::sender_lost:
      return "sender_lost";
    case MessageEvent::confirm_delivered:
      return "confirm_delivered";
    case MessageEvent::resend:
      return "resend";
  }
  return "claim";
}

const char* label_ja(MessageState s) {
  switch (s) {
    case MessageState::queued:
      return "送信待ち";
    case MessageState::claimed:
      return "送信中";
    case MessageState::sent:
      return "送信済み";
    case MessageState::failed:
      return "送信失敗";
    case MessageState::unknown:
      return "送達不明（要確認）";
    case MessageState::cancelled:
      return "取消し";
  }
  return "送信待ち";
}

std::optional<MessageState> parse_message_state(const std::string& s) {
  for (MessageState m : kMessageStates)
    if (s == code(m)) return m;
  return std::nullopt;
}

MessageState stored_message_state(const std::string& s) {
  if (auto m = parse_message_state(s)) return *m;
  throw std::logic_error("stored outbox state \"" + s + "\" is not one the model knows");
}

const std::vector<MessageEdge>& message_edges() {
  using E = MessageEvent;
  using S = MessageState;
  static const std::vector<MessageEdge> table = {
      {E::claim, S::queued, S::claimed},        {E::delivered, S::claimed, S::sent},
      {E::retry, S::claimed, S::queued},        {E::bounced, S::claimed, S::failed},
      {E::cancel, S::queued, S::cancelled},     {E::release, S::claimed, S::queued},
      {E::sender_lost, S::claimed, S::unknown}, {E::confirm_delivered, S::unknown, S::sent},
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
