#include "store/sessions.hpp"

#include "store/rows.hpp"

namespace hoshi::records {

using store::execute;
using store::select_one;
using store::WriteTransaction;

namespace {
// Rows deleted per write at most: the tables shrink steadily without a long statement.
constexpr int kPruneBatch = 50;
// A used nonce is kept this long past its link's expiry, so a server whose clock runs a
// little behind (and so still takes the link as unexpired) still finds it used.
constexpr long long kNonceGrace = 600;

// Deletes at most kPruneBatch rows of `table` whose `column` < before. The outer
// condition is repeated so that PostgreSQL rechecks it on a row another server changed.
void prune(store::Database& db, const std::string& table, const std::string& key, const std::string& column,
           long long before) {
  execute(db,
          "DELETE FROM " + table + " WHERE " + column + " < :a AND " + key + " IN (SELECT " + key + " FROM " + table +
              " WHERE " + column + " < :b LIMIT " + std::to_string(kPruneBatch) + ")",
          {before, before});
}
}  // namespace

bool StaffSessions::open_with_nonce(const std::string& nonce, long long nonce_expires, const StaffSession& s,
                                    long long now) {
  return db_.guarded([&] {
    WriteTransaction tx(db_, WriteTransaction::Mode::plain);
    if (execute(db_, "INSERT INTO staff_link_nonces (nonce, expires_at) VALUES (:a, :b) ON CONFLICT (nonce) DO NOTHING",
                {nonce, nonce_expires}) != 1)
      return false;  // rolled back: nothing written
    execute(db_,
            "INSERT INTO staff_sessions (id, role, actor, key_name, via, csrf, created_at, expires_at) "
            "VALUES (:a, :b, :c, :d, :e, :f, :g, :h)",
            {s.id, std::string(role_name(s.role)), s.actor, s.key_name, s.via, s.csrf, now, s.expires_at});
    prune(db_, "staff_link_nonces", "nonce", "expires_at", now - kNonceGrace);
    prune(db_, "staff_sessions", "id", "expires_at", now);
    tx.commit();
    return true;
  });
}

std::optional<StaffSession> StaffSessions::find(const std::string& id) {
  auto row = db_.guarded([&] {
    return select_one(db_,
                      "SELECT role, actor, key_name, via, csrf, created_at, expires_at, ended_at "
                      "FROM staff_sessions WHERE id = :a",
                      {id}, 8);
  });
  if (!row) return std::nullopt;
  auto& r = *row;
  StaffSession s;
  s.id = id;
  if (!parse_role(*r[0], s.role)) return std::nullopt;  // the CHECK makes this impossible
  s.actor = std::move(*r[1]);
  s.key_name = std::move(*r[2]);
  s.via = std::move(*r[3]);
  s.csrf = std::move(*r[4]);
  s.created_at = std::stoll(*r[5]);
  s.expires_at = std::stoll(*r[6]);
  if (r[7]) s.ended_at = std::stoll(*r[7]);
  return s;
}

bool StaffSessions::end(const std::string& id, long long now) {
  return db_.guarded([&] {
    WriteTransaction tx(db_, WriteTransaction::Mode::plain);
    const long long n =
        execute(db_, "UPDATE staff_sessions SET ended_at = :a WHERE id = :b AND ended_at IS NULL", {now, id});
    tx.commit();
    return n == 1;
  });
}

long FailureCounts::blocked_for(const std::string& scope, const std::string& address, int allowed, long long now) {
  auto row = db_.guarded([&] {
    return select_one(db_, "SELECT failures, window_ends FROM rate_limits WHERE scope = :a AND address = :b",
                      {scope, address}, 2);
  });
  if (!row) return 0;
  const long long failures = std::stoll(*(*row)[0]), ends = std::stoll(*(*row)[1]);
  if (now >= ends || failures < allowed) return 0;
  return static_cast<long>(ends - now) + 1;
}

void FailureCounts::failed(const std::string& scope, const std::string& address, long long window_s, long long now) {
  db_.guarded([&] {
    WriteTransaction tx(db_, WriteTransaction::Mode::plain);
    // excluded.* is the row proposed (a fresh window at `now`); a window that has ended
    // starts again, else the count goes up by one. Atomic on both backends.
    execute(db_,
            "INSERT INTO rate_limits (scope, address, window_start, window_ends, failures) "
            "VALUES (:a, :b, :c, :d, 1) ON CONFLICT (scope, address) DO UPDATE SET "
            "failures = CASE WHEN rate_limits.window_ends <= excluded.window_start THEN 1 "
            "ELSE rate_limits.failures + 1 END, "
            "window_ends = CASE WHEN rate_limits.window_ends <= excluded.window_start THEN excluded.window_ends "
            "ELSE rate_limits.window_ends END, "
            "window_start = CASE WHEN rate_limits.window_ends <= excluded.window_start THEN excluded.window_start "
            "ELSE rate_limits.window_start END",
            {scope, address, now, now + window_s});
    execute(db_,
            "DELETE FROM rate_limits WHERE window_ends < :a AND (scope, address) IN (SELECT scope, address FROM "
            "rate_limits WHERE window_ends < :b LIMIT " +
                std::to_string(kPruneBatch) + ")",
            {now, now});
    tx.commit();
    return 0;
  });
}

}  // namespace hoshi::records
