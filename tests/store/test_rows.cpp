// store::select_rows / for_each_row across batch boundaries, and select_one, on both
// backends (PostgreSQL fetches in batches of 2000 rows; a short batch is the last).
#include <boost/test/unit_test.hpp>

#include "store/database.hpp"
#include "store/rows.hpp"
#include "test_db.hpp"

using namespace hoshi;

namespace {
struct Fixture {
  store::Database db{test::fresh_database()};
  Fixture() {
    db.migrate();
    store::WriteTransaction tx(db, store::WriteTransaction::Mode::plain);
    for (int i = 1; i <= 4001; ++i)
      store::execute(db, "INSERT INTO server_secrets (name, value) VALUES (:a, :b)",
                     {"n" + std::to_string(100000 + i), i % 7 == 0 ? std::string("seven") : std::to_string(i)});
    tx.commit();
  }
  std::size_t count_upto(int last) {
    std::size_t n = 0;
    store::for_each_row(db, "SELECT name, value FROM server_secrets WHERE name <= :a ORDER BY name",
                        {"n" + std::to_string(100000 + last)}, 2, [&](store::Row& r) {
                          ++n;
                          BOOST_TEST(r[0]->size() == 7u);
                        });
    return n;
  }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(rows_suite, Fixture)

BOOST_AUTO_TEST_CASE(every_row_comes_back_whatever_the_batches) {
  for (int n : {0, 1, 1999, 2000, 2001, 4000, 4001}) BOOST_TEST(count_upto(n) == static_cast<std::size_t>(n));
  auto rows = store::select_rows(db, "SELECT value FROM server_secrets WHERE value = :a", {"seven"}, 1);
  BOOST_TEST(rows.size() == 4001u / 7);
}

BOOST_AUTO_TEST_CASE(select_one_gives_the_row_or_nothing) {
  auto row = store::select_one(db, "SELECT name, value, NULL FROM server_secrets WHERE name = :a", {"n100003"}, 3);
  BOOST_TEST_REQUIRE(row.has_value());
  BOOST_TEST(*(*row)[0] == "n100003");
  BOOST_TEST(*(*row)[1] == "3");
  BOOST_TEST(!(*row)[2].has_value());
  BOOST_TEST(!store::select_one(db, "SELECT name FROM server_secrets WHERE name = :a", {"nope"}, 1).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
