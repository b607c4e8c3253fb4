// store::Columns and NamedRow (store/rows.hpp): a SELECT's list named once, rows read by
// those names; a name not selected and a stored number that is not one are errors.
#include <boost/test/unit_test.hpp>

#include "store/rows.hpp"

using hoshi::store::Columns;
using hoshi::store::NamedRow;
using hoshi::store::Row;
using hoshi::store::StoreError;

BOOST_AUTO_TEST_SUITE(named_rows)

BOOST_AUTO_TEST_CASE(names_come_from_alias_or_last_dot_and_skip_nested_commas) {
  const Columns c(
      "r.vendor_code, s.name, COALESCE(o.state, 'x') AS mail_state, "
      "(SELECT COUNT(*) FROM t WHERE t.a IN (1, 2)) AS n, DISTINCT q.number, id");
  BOOST_TEST(c.size() == 6);
  BOOST_TEST(c.index("vendor_code") == 0);
  BOOST_TEST(c.index("name") == 1);
  BOOST_TEST(c.index("mail_state") == 2);
  BOOST_TEST(c.index("n") == 3);
  BOOST_TEST(c.index("number") == 4);
  BOOST_TEST(c.index("id") == 5);
  BOOST_TEST(c.list().rfind("r.vendor_code, s.name", 0) == 0u);
  BOOST_CHECK_THROW(c.index("state"), std::logic_error);
}

BOOST_AUTO_TEST_CASE(reads_by_name_and_reports_a_corrupt_number) {
  const Columns c("id, note, attendees");
  const Row good{std::string("42"), std::nullopt, std::string("-3")};
  const NamedRow r(c, good);
  BOOST_TEST(r.integer("id") == 42);
  BOOST_TEST(r.integer("attendees") == -3);
  BOOST_TEST(!r["note"].has_value());
  BOOST_TEST(r.text("note") == "");
  BOOST_TEST(r.integer("note", 7) == 7);  // NULL
  for (const char* bad : {"4x", "", " 5", "9999999999999999999999"}) {
    const Row row{std::string(bad), std::nullopt, std::nullopt};
    try {
      NamedRow(c, row).integer("id");
      BOOST_FAIL("accepted " << bad);
    } catch (const StoreError& e) {
      BOOST_TEST(std::string(e.what()).find("column id") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
