// The supplier's way to its briefing page (/s/<token>), as a supplier link is to its
// request page: 256 random bits, stored only as SHA-256, scoped to one briefing campaign
// and one supplier it invited, expiring and revocable (migration 014).
#pragma once
#include <optional>
#include <string>

#include "store/database.hpp"

namespace hoshi::records {

struct BriefingLink {
  bool live = true;
  bool expired = false;  // not live: expired, else revoked
  long long campaign_id = 0;
  std::string vendor_code, expires_at;
  std::string token_id;  // first 12 hex digits of the token's hash (the audit trail's "briefing-link:…")
};

class BriefingLinks {
 public:
  explicit BriefingLinks(store::Database& db, std::string via = "") : db_(db), via_(std::move(via)) {}

  // A new link for an invited supplier of a queued briefing campaign, with a
  // "briefing_link.created" event. Returns the token; throws Error (Code::notfound) (no such
  // campaign) or Error (Code::invalid) (not a briefing, supplier not invited, lifetime).
  std::string create(long long campaign_id, const std::string& vendor_code, int ttl_days, const std::string& actor);
  // Inside the caller's transaction (the outbox claim): a link for the invitation
  // `outbox_id` as it is sent; the message's "mail.sent" event records it.
  std::string mint_for_outbox(long long campaign_id, const std::string& vendor_code, int ttl_days, long long outbox_id);
  // Inside the caller's transaction: revokes the links made for a message that did not go out.
  int revoke_for_outbox(long long outbox_id, const std::string& actor);
  // nullopt for a token never issued (or not shaped like one).
  std::optional<BriefingLink> find(const std::string& token);

 private:
  store::Database& db_;
  std::string via_;
};

}  // namespace hoshi::records
