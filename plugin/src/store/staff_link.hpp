// Short-lived signed links into the ERP screens, minted by the host (C ABI op
// "erp_link", `hoshitori erp-link`) for a user it has already authenticated. The
// link carries user, role, where to go, expiry and a nonce, signed with HMAC-SHA256
// under a secret kept in the database; the server checks it, accepts each nonce once,
// and opens a session cookie.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "store/api_keys.hpp"
#include "store/database.hpp"

namespace hoshi::records {

struct StaffClaims {
  std::string user;
  Role role = Role::viewer;
  std::string next = "/erp/";  // a path under /erp/ (nothing else is accepted)
  long long expires = 0;       // Unix seconds
  std::string nonce;
};

// The named server secret, created (256 random bits) on first use. Safe across processes.
std::string server_secret(store::Database& db, const std::string& name);
// The same as a repository (for Service::with_repos).
class ServerSecrets {
 public:
  explicit ServerSecrets(store::Database& db) : db_(db) {}
  std::string get(const std::string& name) { return server_secret(db_, name); }

 private:
  store::Database& db_;
};

// "/erp/login?u=…&r=…&next=…&e=…&n=…&s=…" (percent-encoded). Throws
// Error (Code::invalid) for an empty or multi-line user, or `next` outside /erp/.
std::string mint_staff_link(const std::string& secret, StaffClaims claims, long long now, long long ttl_seconds);

// The claims when the signature matches and the link has not expired; else nullopt
// with `why` set. (Single use is the server's business: it remembers nonces.)
std::optional<StaffClaims> check_staff_link(const std::string& secret, const std::map<std::string, std::string>& q,
                                            long long now, std::string& why);

// Percent-encoding of a query value (RFC 3986 unreserved kept).
std::string url_encode(const std::string& s);

}  // namespace hoshi::records
