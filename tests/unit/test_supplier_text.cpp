// The typed supplier and its text view by column (core/supplier.hpp).
#include <boost/test/unit_test.hpp>

#include "core/supplier.hpp"

using namespace hoshi;

BOOST_AUTO_TEST_SUITE(supplier_text)

BOOST_AUTO_TEST_CASE(canonical_text_round_trips_through_the_typed_fields) {
  SupplierText row;
  row[static_cast<int>(Field::vendor_code)] = "S1";
  row[static_cast<int>(Field::sa_level)] = "2";
  row[static_cast<int>(Field::scs_level)] = "0";
  row[static_cast<int>(Field::scs_valid_until)] = "2027-09-30";
  row[static_cast<int>(Field::chart_network)] = "1";
  row[static_cast<int>(Field::active)] = "0";
  row[static_cast<int>(Field::capital_yen)] = "300000000";
  const Supplier s = stored_supplier(row);
  BOOST_TEST(s.sa_level.value_or(-1) == 2);
  BOOST_TEST(s.scs_level.value_or(-1) == 0);
  BOOST_TEST(s.scs_valid_until->iso() == "2027-09-30");
  BOOST_TEST(*s.chart_network);
  BOOST_TEST(!*s.active);
  BOOST_TEST(*s.capital_yen == 300000000LL);
  BOOST_TEST(!s.employees.has_value());
  BOOST_TEST((text_view(s) == row));
}

BOOST_AUTO_TEST_CASE(invalid_text_is_refused_and_leaves_the_field) {
  Supplier s;
  s.sa_level = 1;
  for (const char* bad : {"x", "3", "-1", "1.0", " 1"})
    BOOST_TEST(!set_from_text(s, Field::sa_level, bad).empty(), bad);
  BOOST_TEST(s.sa_level.value_or(-1) == 1);
  for (const char* bad : {"1", "2", "6", "★3"}) BOOST_TEST(!set_from_text(s, Field::scs_level, bad).empty(), bad);
  for (const char* bad : {"2026-13-45", "2026-02-30", "2026/4/1", "20260401"})
    BOOST_TEST(!set_from_text(s, Field::ota_end, bad).empty(), bad);
  for (const char* bad : {"yes", "2"}) BOOST_TEST(!set_from_text(s, Field::active, bad).empty(), bad);
  BOOST_TEST(!set_from_text(s, Field::employees, "1,200").empty());
  BOOST_TEST(set_from_text(s, Field::sa_level, "").empty());  // "" clears
  BOOST_TEST(!s.sa_level.has_value());
}

BOOST_AUTO_TEST_CASE(a_corrupt_row_names_supplier_column_and_value) {
  SupplierText row;
  row[0] = "C9";
  row[static_cast<int>(Field::sa_declared_on)] = "2026-13-45";
  BOOST_CHECK_EXCEPTION(stored_supplier(row), CorruptSupplier, [](const CorruptSupplier& e) {
    return e.vendor_code == "C9" && e.column == "sa_declared_on" && e.value == "2026-13-45" &&
           std::string(e.what()).find("supplier C9: stored sa_declared_on \"2026-13-45\"") != std::string::npos;
  });
}

BOOST_AUTO_TEST_SUITE_END()
