#include <boost/test/unit_test.hpp>

#include <soci/soci.h>

#include "core/text.hpp"
#include "importer/encoding.hpp"
#include "importer/supplier_import.hpp"
#include "store/supplier_repository.hpp"
#include "test_db.hpp"

using namespace hoshi;
using namespace hoshi::importer;

namespace {
const char* kHeader =
    "取引先コード,会社名,法人番号,SA,SA宣言日,お助け隊サービス,お助け隊契約期限,SCS,SCS有効期限,機密情報取扱い\r\n";

struct Fixture {
  std::string url = test::fresh_database();
  store::Database db{url};
  Fixture() { db.migrate(); }

  ImportReport run(const std::string& csv, bool all_or_nothing = false, Encoding enc = Encoding::automatic,
                   std::size_t block_rows = 20000) {
    ImportOptions o;
    o.block_rows = block_rows;
    o.today = Date{2026, 11, 20};
    o.actor = "test:yamada";
    o.all_or_nothing = all_or_nothing;
    o.encoding = enc;
    return import_suppliers_bytes(db, test::catalogs(), "suppliers.csv", csv, o);
  }
  std::optional<Supplier> get(const std::string& code) { return store::SupplierRepository(db).find(code); }
  std::size_t count() { return store::SupplierRepository(db).list().size(); }
};

const Rejection* rejection_at(const ImportReport& r, std::size_t line) {
  for (const auto& x : r.rejected)
    if (x.line == line) return &x;
  return nullptr;
}
}  // namespace

BOOST_FIXTURE_TEST_SUITE(import_suite, Fixture)

BOOST_AUTO_TEST_CASE(imports_rows_and_normalises_values) {
  auto r = run(
      std::string(kHeader) +
      "V1,㈱髙橋製作所,１１８０-３０１０-１８７７１,二つ星,令和8年4月1日,SOMPO SHERIFF,R9.3.31,★3,2027/9/30,はい\r\n"
      "V2,\"山田商店, 本店\",,★,,,,,,\r\n");
  BOOST_TEST(r.imported == 2u);
  BOOST_TEST(r.rejected.empty());
  auto v1 = get("V1");
  BOOST_TEST_REQUIRE(v1.has_value());
  BOOST_TEST(*text_of(*v1, Field::name) == "㈱髙橋製作所");  // kept as given
  BOOST_TEST(*text_of(*v1, Field::name_normalized) == "髙橋製作所");
  BOOST_TEST(*text_of(*v1, Field::corporate_number) == "1180301018771");
  BOOST_TEST(*text_of(*v1, Field::sa_level) == "2");
  BOOST_TEST(*text_of(*v1, Field::sa_declared_on) == "2026-04-01");
  BOOST_TEST(*text_of(*v1, Field::ota_provider) == "SOMPOリスクマネジメント");  // from the registry
  BOOST_TEST(*text_of(*v1, Field::ota_end) == "2027-03-31");
  BOOST_TEST(*text_of(*v1, Field::scs_valid_until) == "2027-09-30");
  BOOST_TEST(*text_of(*v1, Field::chart_confidential) == "1");
  auto v2 = get("V2");
  BOOST_TEST(*text_of(*v2, Field::name) == "山田商店, 本店");
  BOOST_TEST(!text_of(*v2, Field::corporate_number).has_value());  // sole proprietor: none
  BOOST_TEST(!text_of(*v2, Field::scs_level).has_value());
}

BOOST_AUTO_TEST_CASE(each_bad_row_is_rejected_with_line_column_and_reason) {
  auto r = run(std::string(kHeader) +
               "B1,,,,,,,,,\r\n"                       // 2 empty name
               "B2,A社,1180301018772,,,,,,,\r\n"       // 3 check digit
               "B3,A社,,★★★,,,,,,\r\n"                 // 4 SA
               "B4,A社,,,,,,★9,,\r\n"                  // 5 SCS
               "B5,A社,,,,,,,2026-02-30,\r\n"          // 6 date
               "B6,A社,,,,存在しない隊,,,,\r\n"        // 7 registry
               "B7,A社,,,,,,,,たぶん\r\n"              // 8 yes/no
               "B8,A社,,,2027-01-01,,,,,\r\n"          // 9 future declaration
               "B9\u200B,\"A\r\n(改行)\",,,,,,,,\r\n"  // 10-11 zero-width space in the code
               "OK1,良い会社,,,,,,,,\r\n"              // 12
               "OK1,重複,,,,,,,,\r\n"                  // 13 duplicate
               "B10,A社,,,,,,,,,extra\r\n");           // 14 too many columns
  BOOST_TEST(r.imported == 1u);
  BOOST_TEST(r.rejected.size() == 11u);
  struct Want {
    std::size_t line;
    const char* column;
    const char* words;
  } wants[] = {{2, "会社名", "必須"},
               {3, "法人番号", "チェックデジット"},
               {4, "SA", "SECURITY ACTION"},
               {5, "SCS", "SCS"},
               {6, "SCS有効期限", "存在しない"},
               {7, "お助け隊サービス", "登録一覧"},
               {8, "機密情報取扱い", "はい/いいえ"},
               {9, "SA宣言日", "未来"},
               {10, "取引先コード", "見えない文字"},
               {13, "取引先コード", "12 行目と重複"},
               {14, "", "列が多すぎます"}};
  for (const auto& w : wants) {
    const Rejection* x = rejection_at(r, w.line);
    BOOST_TEST_REQUIRE(x != nullptr, "no rejection at line " << w.line);
    BOOST_TEST(x->column == w.column, "line " << w.line);
    BOOST_TEST(x->reason.find(w.words) != std::string::npos, "line " << w.line << ": " << x->reason);
  }
  BOOST_TEST(count() == 1u);  // good rows are kept
}

BOOST_AUTO_TEST_CASE(hidden_characters_are_removed_from_text_cells) {
  // U+202E (right-to-left override), U+200B (zero-width space), BOM, a C0 control: what
  // the 星取表 and the exports show must be what a reader of the CSV saw
  auto r = run(std::string(kHeader) +
               "H1,\"\xE2\x80\xAE株式会社\x01ヒドゥン\xE2\x80\x8B\xEF\xBB\xBF\",,,,,,,,\r\n"
               "H2,\xE2\x80\x8B,,,,,,,,\r\n");  // a name of nothing visible
  BOOST_TEST(r.imported == 1u);
  auto h1 = get("H1");
  BOOST_TEST_REQUIRE(h1.has_value());
  BOOST_TEST(*text_of(*h1, Field::name) == "株式会社ヒドゥン");
  BOOST_TEST_REQUIRE(r.rejected.size() == 1u);
  BOOST_TEST(r.rejected[0].column == "会社名");
  BOOST_TEST(r.rejected[0].reason.find("見えない文字") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(spreadsheet_habits_are_understood) {
  auto r =
      run("取引先コード,会社名,法人番号,メールアドレス\r\n"
          "=\"00123\",株式会社ゼロ,,\"a@x.example; B@y.example\"\r\n"  // ="…" keeps leading zeros
          "00124,株式会社指数,1.18030E+12,\r\n");
  BOOST_TEST(r.imported == 1u);
  BOOST_TEST_REQUIRE(get("00123").has_value());
  BOOST_TEST(*text_of(*get("00123"), Field::email) == "a@x.example; B@y.example");
  BOOST_TEST_REQUIRE(r.rejected.size() == 1u);
  BOOST_TEST(r.rejected[0].column == "法人番号");
  BOOST_TEST(r.rejected[0].reason.find("指数表記") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(blocks_keep_file_order_duplicates_and_one_transaction) {
  // 350 rows in blocks of 100: a duplicate of a row from the first block in the
  // third, and a bad row in the last block
  std::string csv = "取引先コード,会社名,SA\r\n";
  for (int i = 0; i < 350; ++i) {
    std::string code = i == 250 ? "R7" : "R" + std::to_string(i);
    std::string sa = i == 340 ? "★★★" : "★";
    csv += code + ",会社" + std::to_string(i) + "," + sa + "\r\n";
  }
  auto r = run(csv, false, Encoding::automatic, 100);
  BOOST_TEST(r.rows == 350u);
  BOOST_TEST(r.imported == 348u);
  BOOST_TEST_REQUIRE(r.rejected.size() == 2u);
  BOOST_TEST(r.rejected[0].line == 252u);  // duplicate of line 9
  BOOST_TEST(r.rejected[0].reason.find("9 行目") != std::string::npos);
  BOOST_TEST(r.rejected[1].line == 342u);
  BOOST_TEST(*text_of(*get("R7"), Field::name) == "会社7");  // the first occurrence wins
  BOOST_TEST(count() == 348u);

  Fixture other;  // all-or-nothing on a fresh database: the last block's bad row undoes the first blocks
  auto none = other.run(csv, true, Encoding::automatic, 100);
  BOOST_TEST(!none.written);
  BOOST_TEST(none.imported == 0u);
  BOOST_TEST(other.count() == 0u);

  Fixture broken;  // a file that turns unreadable after two blocks leaves nothing behind
  BOOST_CHECK_THROW(broken.run(csv + "X1,\"never closed,★\r\n", false, Encoding::automatic, 100), ImportError);
  BOOST_TEST(broken.count() == 0u);
}

BOOST_AUTO_TEST_CASE(all_or_nothing_writes_nothing_when_a_row_is_bad) {
  auto r = run(std::string(kHeader) + "G1,良い,,,,,,,,\r\nG2,,,,,,,,,\r\n", true);
  BOOST_TEST(r.rejected.size() == 1u);
  BOOST_TEST(!r.written);
  BOOST_TEST(r.imported == 0u);
  BOOST_TEST(count() == 0u);
  r = run(std::string(kHeader) + "G1,良い,,,,,,,,\r\n", true);
  BOOST_TEST(r.written);
  BOOST_TEST(count() == 1u);
}

BOOST_AUTO_TEST_CASE(reimport_changes_nothing_and_a_change_is_recorded_in_history) {
  std::string csv = std::string(kHeader) + "C1,株式会社変化,,★,,,,,,\r\nC2,不変,,,,,,,,\r\n";
  BOOST_TEST(run(csv).imported == 2u);
  auto again = run(csv);
  BOOST_TEST(again.imported == 0u);
  BOOST_TEST(again.updated == 0u);
  BOOST_TEST(again.unchanged == 2u);
  store::SupplierRepository repo(db);
  BOOST_TEST(repo.history("C1").empty());  // no change yet
  auto created = repo.creation("C1");
  BOOST_TEST_REQUIRE(created.has_value());
  BOOST_TEST((*created)[1] == "test:yamada");
  BOOST_TEST((*created)[2] == "csv:suppliers.csv:2");

  auto changed = run(std::string(kHeader) + "C1,株式会社変化,,★★,2026-05-01,,,,,\r\nC2,不変,,,,,,,,\r\n");
  BOOST_TEST(changed.updated == 1u);
  BOOST_TEST(changed.unchanged == 1u);
  auto h = repo.history("C1");
  BOOST_TEST_REQUIRE(h.size() == 2u);  // sa_level, sa_declared_on
  BOOST_TEST(h[0].field == "sa_level");
  BOOST_TEST(*h[0].old_value == "1");
  BOOST_TEST(*h[0].new_value == "2");
  BOOST_TEST(h[0].actor == "test:yamada");
  BOOST_TEST(h[0].source == "csv:suppliers.csv:2");
  BOOST_TEST(h[1].field == "sa_declared_on");
  BOOST_TEST(!h[1].old_value.has_value());
}

BOOST_AUTO_TEST_CASE(history_cannot_be_edited_or_deleted_even_in_sql) {
  run(std::string(kHeader) + "H1,会社,,★,,,,,,\r\n");
  run(std::string(kHeader) + "H1,会社,,★★,,,,,,\r\n");
  store::SupplierRepository repo(db);
  BOOST_TEST_REQUIRE(repo.history("H1").size() == 1u);
  BOOST_CHECK_THROW(db.session() << "UPDATE supplier_history SET new_value = '1'", soci::soci_error);
  BOOST_CHECK_THROW(db.session() << "DELETE FROM supplier_history", soci::soci_error);
  BOOST_TEST(*repo.history("H1")[0].new_value == "2");
  BOOST_TEST(db.schema_version() == db.latest_version());
}

BOOST_AUTO_TEST_CASE(empty_cells_leave_stored_values_and_nashi_clears_a_level) {
  run(std::string(kHeader) + "E1,会社,,★★,,,,★3,2027-01-31,\r\n");
  run("取引先コード,会社名,SCS\r\nE1,会社,\r\n");  // SCS column present but empty
  BOOST_TEST(*text_of(*get("E1"), Field::scs_level) == "3");
  BOOST_TEST(*text_of(*get("E1"), Field::sa_level) == "2");  // column absent: untouched
  run("取引先コード,会社名,SCS\r\nE1,会社,なし\r\n");
  BOOST_TEST(*text_of(*get("E1"), Field::scs_level) == "0");
}

BOOST_AUTO_TEST_CASE(cp932_file_with_extension_characters) {
  std::string csv = utf8_to_cp932(std::string(kHeader) + "K1,㈱髙橋製作所,,★★,,,,,,\r\nK2,ﾔﾏﾄ電子㈲,,,,,,,,\r\n");
  BOOST_TEST(!text::is_valid_utf8(csv));
  auto r = run(csv);
  BOOST_TEST(r.encoding == "cp932");
  BOOST_TEST(r.imported == 2u);
  BOOST_TEST(*text_of(*get("K1"), Field::name) == "㈱髙橋製作所");
  BOOST_TEST(*text_of(*get("K2"), Field::name) == "ﾔﾏﾄ電子㈲");
  BOOST_TEST(*text_of(*get("K2"), Field::name_normalized) == "ヤマト電子");
  BOOST_CHECK_THROW(run(csv, false, Encoding::utf8), ImportError);
  BOOST_TEST(run(csv, false, Encoding::cp932).unchanged == 2u);
}

BOOST_AUTO_TEST_CASE(a_title_above_the_header_is_skipped) {
  auto r = run("取引先マスタ一覧,出力日 2026/11/01\r\n\r\n取引先コード,会社名\r\nT1,株式会社タイトル\r\n");
  BOOST_TEST(r.header_line == 3u);
  BOOST_TEST(r.imported == 1u);
  BOOST_TEST(r.rejected.empty());
  try {
    run("一覧\r\nコード,社名なし\r\nT1,x\r\n");
    BOOST_FAIL("expected ImportError");
  } catch (const ImportError& e) {  // no header anywhere: reported against the first row
    BOOST_TEST(std::string(e.what()).rfind("suppliers.csv:1: required column", 0) == 0, e.what());
  }
}

BOOST_AUTO_TEST_CASE(unusable_files_raise_import_error_naming_the_line) {
  BOOST_CHECK_THROW(run(""), ImportError);
  BOOST_CHECK_THROW(run("会社名,SA\r\nA,★\r\n"), ImportError);  // no 取引先コード column
  try {
    run(std::string(kHeader) + "X1,\"never closed,,,,,,,,\r\n");
    BOOST_FAIL("expected ImportError");
  } catch (const ImportError& e) {
    BOOST_TEST(std::string(e.what()).rfind("suppliers.csv:2:", 0) == 0, e.what());
  }
  try {
    run("取引先コード,会社名,vendor_code\r\n");
    BOOST_FAIL("expected ImportError");
  } catch (const ImportError& e) {
    BOOST_TEST(std::string(e.what()).find("both name") != std::string::npos, e.what());
  }
  BOOST_TEST(count() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
