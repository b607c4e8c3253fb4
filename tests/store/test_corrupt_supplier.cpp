// A stored supplier value its column cannot hold (put into the database by hand) is a
// corrupt record, reported with the supplier, the column and the value — never read as
// "unknown" (which would turn a corrupt ★ into 未報告 on the board).
#include <boost/test/unit_test.hpp>

#include <soci/soci.h>

#include "importer/supplier_import.hpp"
#include "service/service.hpp"
#include "store/supplier_repository.hpp"
#include "test_db.hpp"

using namespace hoshi;

namespace {
struct Corrupt {
  std::string url = test::fresh_database();
  Corrupt() {
    store::Database db(url);
    db.migrate();
    importer::ImportOptions o;
    o.today = Date{2026, 11, 20};
    o.actor = "test:yamada";
    auto r = importer::import_suppliers_bytes(db, test::catalogs(), "s.csv",
                                              "取引先コード,会社名,SA,SCS,SCS有効期限\r\n"
                                              "C1,株式会社シー,★★,★3,2027-09-30\r\n"
                                              "G1,株式会社ジー,★★,★3,2027-09-30\r\n",
                                              o);
    BOOST_TEST_REQUIRE(r.imported == 2u);
  }
  // A second connection, as someone with database access would have.
  void raw_sql(const std::string& sql) {
    store::Database raw(url);
    if (raw.backend() == store::Backend::sqlite) raw.session() << "PRAGMA ignore_check_constraints = ON";
    raw.session() << sql;
  }
  // The message of what find(code) throws ("" when it does not throw).
  std::string find_error(const std::string& code) {
    store::Database db(url);
    try {
      store::SupplierRepository(db).find(code);
    } catch (const CorruptSupplier& e) {
      BOOST_TEST(e.vendor_code == code);
      return e.what();
    }
    return "";
  }
};

ServiceOptions options(const std::string& url) {
  ServiceOptions o;
  o.database = url;
  o.schemas_dir = HOSHITORI_SOURCE_SCHEMAS_DIR;
  o.today = Date{2026, 11, 20};
  return o;
}
}  // namespace

BOOST_FIXTURE_TEST_SUITE(corrupt_supplier, Corrupt)

BOOST_AUTO_TEST_CASE(an_impossible_date_is_reported_with_supplier_column_and_value) {
  BOOST_TEST(find_error("C1").empty());
  raw_sql("UPDATE suppliers SET scs_valid_until = '2026-13-45' WHERE vendor_code = 'C1'");
  const std::string e = find_error("C1");
  BOOST_TEST(e.find("supplier C1") != std::string::npos, e);
  BOOST_TEST(e.find("scs_valid_until") != std::string::npos, e);
  BOOST_TEST(e.find("\"2026-13-45\"") != std::string::npos, e);
  BOOST_TEST(e.find("corrupt record") != std::string::npos, e);
  BOOST_TEST(find_error("G1").empty(), "the other supplier still reads");

  // a list holding it fails clearly rather than showing a board with a wrong standing
  store::Database db(url);
  BOOST_CHECK_EXCEPTION(store::SupplierRepository(db).list(), CorruptSupplier, [](const CorruptSupplier& x) {
    return x.vendor_code == "C1" && x.column == "scs_valid_until";
  });

  // through the service (what the CLI, the screens and the API call): the same error, not 未報告
  Service svc(options(url));
  BOOST_CHECK_EXCEPTION(svc.get("C1"), CorruptSupplier,
                        [](const CorruptSupplier& x) { return x.value == "2026-13-45"; });
  auto g1 = svc.get("G1");
  BOOST_TEST_REQUIRE(g1.has_value());
  BOOST_TEST(g1->view.scs_level == 3);
}

BOOST_AUTO_TEST_CASE(a_date_in_another_form_is_not_taken_for_unknown) {
  raw_sql("UPDATE suppliers SET sa_declared_on = '2026/4/1' WHERE vendor_code = 'C1'");
  const std::string e = find_error("C1");
  BOOST_TEST(e.find("sa_declared_on \"2026/4/1\" is not a date YYYY-MM-DD") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(a_level_outside_its_scale_is_reported) {
  if (test::backend() == "sqlite") {
    // SQLite keeps what a hand edit gives once its CHECK is switched off: a level "x"
    raw_sql("UPDATE suppliers SET sa_level = 'x' WHERE vendor_code = 'C1'");
    const std::string e = find_error("C1");
    BOOST_TEST(e.find("supplier C1: stored sa_level \"x\" is not a SECURITY ACTION level") != std::string::npos, e);
    raw_sql("UPDATE suppliers SET sa_level = 2, scs_level = 7 WHERE vendor_code = 'C1'");
  } else {
    // PostgreSQL's INTEGER column refuses "x"; a level beyond the scale, after the CHECK goes
    raw_sql("ALTER TABLE suppliers DROP CONSTRAINT IF EXISTS suppliers_scs_level_check");
    raw_sql("UPDATE suppliers SET scs_level = 7 WHERE vendor_code = 'C1'");
  }
  const std::string e = find_error("C1");
  BOOST_TEST(e.find("stored scs_level \"7\" is not an SCS level 0, 3, 4 or 5") != std::string::npos, e);
}

BOOST_AUTO_TEST_SUITE_END()
