// The supplier's way in: one link per request (/s/<token>), 256 random bits, stored
// only as SHA-256, scoped to that request and its supplier, expiring and revocable.
#pragma once
#include <optional>
#include <string>

#include "store/database.hpp"

namespace hoshi::records {

struct SupplierLink {
  enum class State { live, expired, revoked };
  State state = State::live;
  std::string number, vendor_code, expires_at;
  std::string token_id;  // first 12 hex digits of the token's hash: names the link in the audit trail
};

class SupplierLinks {
 public:
  explicit SupplierLinks(store::Database& db, std::string via = "") : db_(db), via_(std::move(via)) {}

  // A new link for the request (earlier links stay valid until revoked or expired).
  // Returns the token; throws Error (Code::notfound) for an unknown request,
  // Error (Code::invalid) for a final-state request or a bad lifetime.
  std::string create(const std::string& number, int ttl_days, const std::string& actor);
  // Inside the caller's transaction, without an audit event (the sender records the link
  // with the message's "mail.sent"): a link for the request, made for outbox message
  // `outbox_id` as it is sent. Returns the token.
  std::string mint_for_outbox(const std::string& number, const std::string& vendor_code, int ttl_days,
                              long long outbox_id);
  // Inside the caller's transaction: revokes the links made for a message that did not go out
  // (a briefing invitation's briefing link too); returns how many request links.
  int revoke_for_outbox(long long outbox_id, const std::string& actor);
  // nullopt for a token never issued (or not shaped like one).
  std::optional<SupplierLink> find(const std::string& token);
  // Revokes every live link of the request; returns how many.
  int revoke(const std::string& number, const std::string& actor);

 private:
  store::Database& db_;
  std::string via_;
};

}  // namespace hoshi::records
