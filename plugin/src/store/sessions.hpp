// What the web servers share through the database so that any number of them on one
// store answer alike (migration 011): staff sessions, the nonces of sign-in links already
// used, and failed-guess counts per client address. Every call is one short transaction
// (WriteTransaction::Mode::plain: it changes no supplier, so the board's generation stays);
// rows past their expiry are deleted a few at a time as new ones are written. Times are
// Unix seconds, passed in by the caller (the wall clock; a test's own).
#pragma once
#include <optional>
#include <string>

#include "store/api_keys.hpp"
#include "store/database.hpp"

namespace hoshi::records {

struct StaffSession {
  std::string id;  // SHA-256 (hex) of the cookie value; the value itself is never stored
  Role role = Role::viewer;
  std::string actor, key_name, via, csrf;
  long long created_at = 0, expires_at = 0;
  std::optional<long long> ended_at;
  bool live(long long now) const { return !ended_at && now < expires_at; }
};

class StaffSessions {
 public:
  explicit StaffSessions(store::Database& db) : db_(db) {}

  // In one transaction: takes the link's nonce (kept until `nonce_expires`) and opens the
  // session. False, with nothing written, when the nonce was taken before — on any server,
  // also by one racing this call (the nonce is the table's primary key).
  bool open_with_nonce(const std::string& nonce, long long nonce_expires, const StaffSession& s, long long now);
  // The session as stored (ended or expired ones too: the caller decides), or nullopt.
  std::optional<StaffSession> find(const std::string& id);
  // Ends the session everywhere; false when it was unknown or had already ended.
  bool end(const std::string& id, long long now);

 private:
  store::Database& db_;
};

// Failed guesses per (scope, address) in a fixed window, shared by every process.
class FailureCounts {
 public:
  explicit FailureCounts(store::Database& db) : db_(db) {}

  // Seconds until the address may try again (0: it may now): the window's remaining
  // time plus one once `allowed` failures are counted in it.
  long blocked_for(const std::string& scope, const std::string& address, int allowed, long long now);
  // Counts one failure atomically (an upsert): the first opens a window of `window_s`.
  void failed(const std::string& scope, const std::string& address, long long window_s, long long now);

 private:
  store::Database& db_;
};

}  // namespace hoshi::records
