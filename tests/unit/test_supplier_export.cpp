// The supplier master written out as CSV: cells a spreadsheet would run, CP932 limits, the BOM.
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "core/supplier.hpp"
#include "importer/supplier_export.hpp"

using namespace hoshi;

BOOST_AUTO_TEST_SUITE(supplier_export)

BOOST_AUTO_TEST_CASE(cells_a_spreadsheet_would_run_are_neutralised) {
  for (const char* f : {"=1+1", "+81-3-0000", "-5", "@SUM(A1)", "\tx", "=HYPERLINK(\"x\")"})
    BOOST_TEST(importer::neutralise_cell(f) == std::string("'") + f);
  for (const char* plain : {"", "株式会社テスト", "A-1", "1=1", "'quoted"})
    BOOST_TEST(importer::neutralise_cell(plain) == plain);
}

BOOST_AUTO_TEST_CASE(cp932_export_names_the_supplier_and_column_it_cannot_write) {
  Supplier ok, bad;
  ok.vendor_code = "S1";
  ok.name = "髙橋製作所";  // in CP932 (IBM extension)
  bad.vendor_code = "S2";
  bad.name = "株式会社";
  bad.contact = "\xF0\xA0\xAE\xB7野";  // 𠮷: not in CP932
  std::ostringstream out;
  importer::write_suppliers_csv({ok}, importer::Encoding::cp932, out);
  BOOST_TEST(out.str().find("S1,") != std::string::npos);
  BOOST_TEST(out.str().substr(0, 3) != "\xEF\xBB\xBF");
  std::ostringstream out2;
  try {
    importer::write_suppliers_csv({ok, bad}, importer::Encoding::cp932, out2);
    BOOST_FAIL("exported a character CP932 lacks");
  } catch (const importer::ExportError& e) {
    BOOST_TEST(std::string(e.what()).find("取引先コード S2, 担当者") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(utf8_export_starts_with_a_bom_and_quotes_commas) {
  Supplier s;
  s.vendor_code = "S1";
  s.name = "甲, \"乙\"";
  s.sa_level = 2;
  s.active = false;
  std::ostringstream out;
  importer::write_suppliers_csv({s}, importer::Encoding::utf8, out);
  const std::string text = out.str();
  BOOST_TEST(text.substr(0, 3) == "\xEF\xBB\xBF");
  BOOST_TEST(text.find("S1,\"甲, \"\"乙\"\"\",") != std::string::npos);
  BOOST_TEST(text.find("★★") != std::string::npos);
  // 資本金, 従業員数, 同等のサービス, 同等のサービス有効期限 empty
  BOOST_TEST(text.find("取引停止,,,,\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
