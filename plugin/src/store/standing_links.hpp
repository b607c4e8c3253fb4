// The supplier's standing link (/s/<token>): one per supplier, not tied to a request, for
// the buyer to print in every order document (想定事例 (4): a supplier may raise its
// security costs with a buyer that asked it for nothing). 256 random bits stored only as
// SHA-256 (migration 018), long-lived, made, rotated and revoked by staff; each change is
// an audit event (standing_link.created / rotated / revoked) on the supplier.
#pragma once
#include <optional>
#include <string>

#include "store/database.hpp"

namespace hoshi::records {

struct StandingLink {
  enum class State { live, expired, revoked };
  State state = State::live;
  std::string vendor_code, created_at, expires_at;
  std::string token_id;  // first 12 hex digits of the token's hash ("standing-link:…" in the audit trail)
};

class StandingLinks {
 public:
  static constexpr int kDefaultDays = 1825;  // five years: printed on order documents
  static constexpr int kMaxDays = 3650;

  explicit StandingLinks(store::Database& db, std::string via = "") : db_(db), via_(std::move(via)) {}

  // The supplier's new link; a live one it had is revoked in the same transaction
  // (rotation). Returns the token. Throws Error (Code::notfound) (no such supplier) or
  // Error (Code::invalid) (lifetime outside 1..kMaxDays days).
  std::string create(const std::string& vendor_code, int ttl_days, const std::string& actor);
  // Revokes the supplier's live link; false when it had none. Throws Error (Code::notfound).
  bool revoke(const std::string& vendor_code, const std::string& actor);
  // The supplier's current (unrevoked) link, if any: never the token, which is not kept.
  std::optional<StandingLink> current(const std::string& vendor_code);
  // nullopt for a token never issued (or not shaped like one).
  std::optional<StandingLink> find(const std::string& token);

 private:
  void revoke_opened(const std::string& now, const std::string& vendor_code, const std::string& actor);
  store::Database& db_;
  std::string via_;
};

}  // namespace hoshi::records
