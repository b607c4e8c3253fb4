// The durable outbox: every mail is a row first (written in the same transaction as the
// campaign step that made it), then claimed by one sender, sent, and marked with the
// server's answer in its own transaction with its audit event.
//
// Exactly once: a sender sends its claimed rows strictly in id order and marks each
// right after the server answers, so when a sender dies only its lowest still-claimed
// row can have been in flight. recover() marks that one "unknown" (a person decides:
// `outbox resolve`) and puts the rest back in the queue. Claims take rows with
// FOR UPDATE SKIP LOCKED on PostgreSQL, so several senders share one queue.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "domain/lifecycles.hpp"
#include "store/database.hpp"

namespace hoshi::records {

struct OutboxMessage {
  std::optional<long long> campaign_id;
  std::string vendor_code;
  std::optional<std::string> request_number;  // a supplier link to it is made at sending
  std::string recipient, recipient_name, lang, charset, subject, text_body, html_body, ics, message_id;
  std::string not_before;  // UTC ISO (audit_now form)
  long long id = 0;        // set by claim()
  int attempts = 0;        // set by claim()
};

// Inside the caller's transaction; returns the new row's id.
long long enqueue(store::Database& db, const OutboxMessage& m);

// The placeholder a rendered message carries where its supplier link goes; the sender
// replaces it with a token made as the message is sent (tokens are never at rest).
inline constexpr const char* kTokenPlaceholder = "@@HOSHITORI_TOKEN@@";
// `text` with every placeholder replaced by `token`.
std::string with_token(std::string text, const std::string& token);
// `text` with every `placeholder` replaced by `value`.
std::string with_placeholder(std::string text, const std::string& placeholder, const std::string& value);

struct SenderId {
  std::string id, host, proc_start;
  long long pid = 0;
  static SenderId for_this_process();
};

struct SendCounts {
  long long queued = 0, claimed = 0, sent = 0, failed = 0, unknown = 0, cancelled = 0;
};

class Outbox {
 public:
  Outbox(store::Database& db, std::string via) : db_(db), via_(std::move(via)) {}

  void register_sender(const SenderId& me);
  // Puts back what `me` still holds (a clean stop) and records the stop.
  void stop_sender(const SenderId& me);
  // Finds dead senders (same host and the process is gone, or silent for `lease_seconds`)
  // and settles their claims. Returns {unknown, requeued}.
  std::pair<int, int> recover(const SenderId& me, int lease_seconds);
  // Up to `max` due messages in id order, claimed for `me` (and its heartbeat renewed).
  // A request message whose request is no longer open is cancelled instead. Tokens for
  // request messages are made here, in the claim's transaction: `tokens[i]` belongs to
  // the i-th message ("" when it has none).
  std::vector<OutboxMessage> claim(const SenderId& me, int max, std::optional<long long> campaign, int link_days,
                                   std::vector<std::string>& tokens);
  // Records the server's answer for a claimed message, with its audit event.
  // retry: back to the queue at `next_attempt` (UTC ISO).
  void mark(const OutboxMessage& m, model::MessageEvent kind, const std::string& reply, const std::string& next_attempt,
            const std::string& link_id);
  // Returns claimed messages of `me` to the queue (the SMTP server went away).
  int release(const SenderId& me, const std::string& not_before);

  SendCounts counts(std::optional<long long> campaign);
  // For `outbox resolve`: an unknown message was delivered (sent) or must go again (resend).
  void resolve(long long id, bool delivered, const std::string& actor);
  // Addresses with a permanent failure (5xx) on record.
  bool bounced_before(const std::string& address);

 private:
  store::Database& db_;
  std::string via_;
};

}  // namespace hoshi::records
