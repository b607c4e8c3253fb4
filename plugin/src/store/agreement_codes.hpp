// One-time codes for the supplier's confirmation of an agreement (policy
// agreement.one_time_code). The supplier asks for a code on its page; a mail to its
// registered address is queued in the outbox carrying kCodePlaceholder, and the code
// itself is made only when the sender claims that message (like a link token: never at
// rest in clear). Only its HMAC is kept (agreement_codes, migration 016), with its
// expiry (AgreementPolicy::kCodeMinutes from sending) and the wrong tries counted
// (AgreementPolicy::kCodeTries); a code is used once, in the confirmation's transaction.
#pragma once
#include <optional>
#include <string>

#include "store/database.hpp"

namespace hoshi::records {

inline constexpr const char* kCodePlaceholder = "@@HOSHITORI_CODE@@";
// The server secret (server_secrets) the codes' HMAC is keyed with.
inline constexpr const char* kCodeSecret = "one-time-code";

struct CodeVerdict {
  enum class Kind { ok, none, not_sent, expired, exhausted, wrong };
  Kind kind = Kind::none;
  long long id = 0;
  int tries_left = 0;
};

class AgreementCodes {
 public:
  explicit AgreementCodes(store::Database& db) : db_(db) {}

  // Inside the caller's transaction: the request for a code, sent by outbox message `outbox_id`.
  void add_request(const std::string& number, long long version, const std::string& link_id,
                   const std::string& recipient, long long outbox_id, const std::string& now);
  // Codes asked for the request since `since` (UTC ISO): bounds how many mails a link can cause.
  long long requested_since(const std::string& number, const std::string& since);
  // Inside the claim's transaction: makes the code of outbox message `outbox_id`, keeps its
  // HMAC and expiry, and returns it ("" when the message carries no code).
  std::string mint_for_outbox(long long outbox_id, const std::string& now);
  // The latest code asked through `link_id` for this request's `version`, checked against
  // `code`; a wrong code counts a try (the caller commits it).
  CodeVerdict check(const std::string& number, long long version, const std::string& link_id, const std::string& code,
                    const std::string& secret, const std::string& now);
  // Marks the code used; false when it was used (or exhausted) meanwhile.
  bool use(long long id, const std::string& now);

 private:
  store::Database& db_;
};

}  // namespace hoshi::records
