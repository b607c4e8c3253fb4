// The web servers' shared state (migration 011) on both backends: single-use sign-in
// nonces, staff sessions seen and ended through another connection (another server), and
// failed-guess windows — none of which may count as a change to the suppliers.
#include <boost/test/unit_test.hpp>

#include "store/database.hpp"
#include "store/rows.hpp"
#include "store/sessions.hpp"
#include "test_db.hpp"

using namespace hoshi;

namespace {
struct Fixture {
  std::string url = test::fresh_database();
  store::Database db{url};
  Fixture() { db.migrate(); }
};

records::StaffSession session(const std::string& id, long long expires) {
  records::StaffSession s;
  s.id = id;
  s.role = records::Role::buyer;
  s.actor = "山田 太郎";
  s.key_name = "erp-link";
  s.via = "erp-link";
  s.csrf = "csrf-" + id;
  s.expires_at = expires;
  return s;
}

long long count(store::Database& db, const std::string& table) {
  return std::stoll(*store::select_rows(db, "SELECT COUNT(*) FROM " + table, {}, 1).at(0)[0]);
}
}  // namespace

BOOST_FIXTURE_TEST_SUITE(sessions_suite, Fixture)

BOOST_AUTO_TEST_CASE(a_nonce_opens_one_session_on_any_connection) {
  store::Database other(url);  // a second server on the same database
  const long long gen = db.generation();
  BOOST_TEST(records::StaffSessions(db).open_with_nonce("n1", 1300, session("s1", 9000), 1000));
  // the same link again, through the other server: refused, and nothing written
  BOOST_TEST(!records::StaffSessions(other).open_with_nonce("n1", 1300, session("s2", 9000), 1001));
  BOOST_TEST(!records::StaffSessions(db).find("s2"));
  BOOST_TEST(count(db, "staff_sessions") == 1);
  BOOST_TEST(records::StaffSessions(other).open_with_nonce("n2", 1300, session("s2", 9000), 1002));
  // the session opened on the first is whole on the second
  auto s = records::StaffSessions(other).find("s1");
  BOOST_TEST_REQUIRE(s.has_value());
  BOOST_TEST(s->actor == "山田 太郎");
  BOOST_TEST(static_cast<int>(s->role) == static_cast<int>(records::Role::buyer));
  BOOST_TEST(s->csrf == "csrf-s1");
  BOOST_TEST(s->created_at == 1000);
  BOOST_TEST(s->expires_at == 9000);
  BOOST_TEST(s->live(8999));
  BOOST_TEST(!s->live(9000));
  BOOST_TEST(db.generation() == gen);  // no supplier changed: the board's caches stay
}

BOOST_AUTO_TEST_CASE(an_ended_session_is_ended_for_every_connection) {
  store::Database other(url);
  BOOST_TEST(records::StaffSessions(db).open_with_nonce("n1", 1300, session("s1", 9000), 1000));
  BOOST_TEST(records::StaffSessions(other).end("s1", 1100));
  BOOST_TEST(!records::StaffSessions(db).end("s1", 1200));  // already ended
  BOOST_TEST(!records::StaffSessions(db).end("nope", 1200));
  auto s = records::StaffSessions(db).find("s1");
  BOOST_TEST_REQUIRE(s.has_value());
  BOOST_TEST(s->ended_at.value_or(0) == 1100);
  BOOST_TEST(!s->live(1101));
}

BOOST_AUTO_TEST_CASE(expired_rows_are_pruned_as_new_ones_come) {
  records::StaffSessions sessions(db);
  for (int i = 0; i < 60; ++i)
    BOOST_TEST(
        sessions.open_with_nonce("old" + std::to_string(i), 1100, session("old" + std::to_string(i), 2000), 1000));
  BOOST_TEST(count(db, "staff_sessions") == 60);
  // long after: each login deletes a bounded batch of what has expired
  BOOST_TEST(sessions.open_with_nonce("new1", 99000, session("new1", 99000), 90000));
  BOOST_TEST(count(db, "staff_sessions") == 11);  // 60 - 50 + 1
  BOOST_TEST(count(db, "staff_link_nonces") == 11);
  BOOST_TEST(sessions.open_with_nonce("new2", 99000, session("new2", 99000), 90000));
  BOOST_TEST(count(db, "staff_sessions") == 2);
  // a nonce is kept a while past its link's expiry (a server whose clock is behind)
  BOOST_TEST(sessions.open_with_nonce("late", 90100, session("late", 99000), 90050));
  BOOST_TEST(sessions.open_with_nonce("x", 99000, session("x", 99000), 90200));
  BOOST_TEST(!sessions.open_with_nonce("late", 90100, session("late2", 99000), 90201));
}

BOOST_AUTO_TEST_CASE(failures_share_one_window_across_connections) {
  store::Database other(url);
  records::FailureCounts a(db), b(other);
  const long long gen = db.generation();
  for (int i = 0; i < 2; ++i) a.failed("apikey", "10.0.0.1", 60, 1000 + i);
  BOOST_TEST(a.blocked_for("apikey", "10.0.0.1", 4, 1002) == 0);
  for (int i = 0; i < 2; ++i) b.failed("apikey", "10.0.0.1", 60, 1010 + i);
  // four failures in the window opened at 1000: blocked until 1060 on either connection
  BOOST_TEST(a.blocked_for("apikey", "10.0.0.1", 4, 1020) == 41);
  BOOST_TEST(b.blocked_for("apikey", "10.0.0.1", 4, 1059) == 2);
  BOOST_TEST(b.blocked_for("apikey", "10.0.0.1", 4, 1060) == 0);
  // other scopes and addresses have their own allowance
  BOOST_TEST(a.blocked_for("signin", "10.0.0.1", 4, 1020) == 0);
  BOOST_TEST(a.blocked_for("apikey", "10.0.0.2", 4, 1020) == 0);
  // a failure after the window starts a new one, counting from one
  b.failed("apikey", "10.0.0.1", 60, 1070);
  BOOST_TEST(a.blocked_for("apikey", "10.0.0.1", 1, 1071) == 60);
  BOOST_TEST(a.blocked_for("apikey", "10.0.0.1", 2, 1071) == 0);
  BOOST_TEST(db.generation() == gen);
}

BOOST_AUTO_TEST_CASE(ended_failure_windows_are_pruned) {
  records::FailureCounts f(db);
  for (int i = 0; i < 70; ++i) f.failed("link", "10.0.1." + std::to_string(i), 60, 1000);
  BOOST_TEST(count(db, "rate_limits") == 70);
  f.failed("link", "10.0.2.1", 60, 5000);
  BOOST_TEST(count(db, "rate_limits") == 21);  // 70 - 50 + 1
  f.failed("link", "10.0.2.1", 60, 5001);
  BOOST_TEST(count(db, "rate_limits") == 1);
  BOOST_TEST(f.blocked_for("link", "10.0.2.1", 2, 5002) == 59);
}

BOOST_AUTO_TEST_SUITE_END()
