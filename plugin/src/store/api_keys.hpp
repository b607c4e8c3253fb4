// Staff API keys: created by an administrator, shown once, stored only as a hash,
// revocable. A key is "hsk_<id>_<secret>": the id finds the row, the secret's
// SHA-256 is compared in constant time. Keys carry a role:
//   viewer — reads; buyer — also issues requests, records steps and confirmations,
//   updates statuses; admin — also expires and purges records and manages keys.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace hoshi::records {

enum class Role { viewer = 0, buyer = 1, admin = 2 };
const char* role_name(Role r);
bool parse_role(const std::string& s, Role& out);

struct ApiKey {
  std::string id, name;
  Role role = Role::viewer;
  std::string created_at, created_by;
  std::optional<std::string> revoked_at, revoked_by;
};

struct CreatedKey {
  ApiKey key;
  std::string secret;  // the whole key to hand over; not stored anywhere
};

class ApiKeys {
 public:
  // `via`: as for AuditLog. Creating and revoking are audit events.
  explicit ApiKeys(store::Database& db, std::string via = "") : db_(db), via_(std::move(via)) {}

  // Throws Error: Code::invalid for a bad name, Code::conflict when a live key already
  // has the name.
  CreatedKey create(const std::string& name, Role role, const std::string& actor);
  // The live key, or nullopt (unknown, malformed, wrong secret or revoked: all alike).
  std::optional<ApiKey> authenticate(const std::string& presented);
  std::vector<ApiKey> list();
  // Revokes the live key of that name; false when there is none.
  bool revoke(const std::string& name, const std::string& actor);

 private:
  store::Database& db_;
  std::string via_;
};

}  // namespace hoshi::records
