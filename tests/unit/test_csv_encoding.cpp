#include <boost/test/unit_test.hpp>

#include "importer/csv_reader.hpp"
#include "importer/encoding.hpp"
#include "importer/supplier_columns.hpp"

using namespace hoshi;
using namespace hoshi::importer;

BOOST_TEST_DONT_PRINT_LOG_VALUE(hoshi::importer::Encoding)
BOOST_TEST_DONT_PRINT_LOG_VALUE(hoshi::Field)

namespace {
std::vector<CsvRecord> read_all(const std::string& text) {
  CsvReader r(text);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  while (r.next(rec)) out.push_back(rec);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(csv_encoding_suite)

BOOST_AUTO_TEST_CASE(quoted_fields_with_commas_quotes_and_newlines) {
  auto recs = read_all("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line1\r\nline2\"\r\nlast,,\r\n\r\n\r\n");
  BOOST_TEST_REQUIRE(recs.size() == 3u);
  BOOST_TEST(recs[1].fields[0] == "x, y");
  BOOST_TEST(recs[1].fields[1] == "say \"hi\"");
  BOOST_TEST(recs[1].fields[2] == "line1\r\nline2");
  BOOST_TEST(recs[1].line == 2u);
  BOOST_TEST(recs[2].line == 4u);  // the record after a two-line field starts on line 4
  BOOST_TEST(recs[2].fields.size() == 3u);
  BOOST_TEST(recs[2].fields[1].empty());
}

BOOST_AUTO_TEST_CASE(lf_only_and_no_final_newline) {
  auto recs = read_all("a,b\n1,2\n3,4");
  BOOST_TEST_REQUIRE(recs.size() == 3u);
  BOOST_TEST(recs[2].fields[1] == "4");
}

BOOST_AUTO_TEST_CASE(lone_cr_line_ends_from_old_mac_exports) {
  auto recs = read_all("a,b\r1,2\r3,4\r");
  BOOST_TEST_REQUIRE(recs.size() == 3u);
  BOOST_TEST(recs[2].fields[0] == "3");
  BOOST_TEST(recs[2].line == 3u);
  auto quoted = read_all("a,b\r\"x\ry\rz\",1\rA2,2\r");
  BOOST_TEST_REQUIRE(quoted.size() == 3u);
  BOOST_TEST(quoted[2].line == 5u);  // the record after a three-line field
}

BOOST_AUTO_TEST_CASE(tab_separated_when_header_has_tabs_only) {
  CsvReader r("取引先コード\t会社名\nV1\t株式会社A, B\n");
  BOOST_TEST(r.delimiter() == '\t');
  CsvRecord rec;
  r.next(rec);
  r.next(rec);
  BOOST_TEST(rec.fields[1] == "株式会社A, B");
}

BOOST_AUTO_TEST_CASE(unterminated_quote_names_its_line) {
  CsvReader r("a,b\n1,\"never closed\n2,3\n");
  CsvRecord rec;
  r.next(rec);
  try {
    r.next(rec);
    BOOST_FAIL("expected CsvError");
  } catch (const CsvError& e) {
    BOOST_TEST(std::string(e.what()).find("line 2") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(cp932_with_nec_and_ibm_extensions_decodes) {
  // ㈱ (NEC special row 13: 0x878A), 髙 as IBM extension (0xFBFC) and as NEC-selected IBM
  // extension (0xEEE0), 﨑 (0xFAB1 / 0xED95), half-width ｶ (0xB6)
  std::string cp932 = "\x87\x8A\xFB\xFC\x8B\xB4\x90\xBB\x8D\xEC\x8F\x8A,\xEE\xE0,\xFA\xB1,\xED\x95,\xB6";
  Decoded d = decode(cp932, Encoding::automatic);
  BOOST_TEST(d.used == Encoding::cp932);
  BOOST_TEST(d.utf8 == "㈱髙橋製作所,髙,﨑,﨑,ｶ");
  // and back: whichever code the encoder picks, it decodes to the same text
  BOOST_TEST(decode(utf8_to_cp932("㈱髙橋製作所,﨑,ｶ"), Encoding::cp932).utf8 == "㈱髙橋製作所,﨑,ｶ");
  BOOST_CHECK_THROW(utf8_to_cp932("🍣"), EncodingError);
}

BOOST_AUTO_TEST_CASE(utf8_with_and_without_bom) {
  Decoded a = decode("\xEF\xBB\xBF取引先コード", Encoding::automatic);
  BOOST_TEST(a.used == Encoding::utf8);
  BOOST_TEST(a.had_bom);
  BOOST_TEST(a.utf8 == "取引先コード");
  Decoded b = decode("取引先コード", Encoding::automatic);
  BOOST_TEST(b.used == Encoding::utf8);
  BOOST_TEST(!b.had_bom);
}

BOOST_AUTO_TEST_CASE(forced_utf8_on_cp932_names_the_line) {
  try {
    decode("a,b\n\x82\xa0,1\n", Encoding::utf8);
    BOOST_FAIL("expected EncodingError");
  } catch (const EncodingError& e) {
    BOOST_TEST(std::string(e.what()).find("line 2") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(bytes_valid_in_neither_encoding_are_refused) {
  BOOST_CHECK_THROW(decode("a\n\x80\xFF\n", Encoding::automatic), EncodingError);
  BOOST_CHECK_THROW(decode(std::string("\xFF\xFE"
                                       "a\0",
                                       4),
                           Encoding::automatic),
                    EncodingError);  // UTF-16
}

BOOST_AUTO_TEST_CASE(headers_match_in_japanese_and_english) {
  BOOST_TEST(match_header("取引先コード")->field == Field::vendor_code);
  BOOST_TEST(match_header("Vendor_Code")->field == Field::vendor_code);
  BOOST_TEST(match_header(" 会社名 ")->field == Field::name);
  BOOST_TEST(match_header("法人番号")->field == Field::corporate_number);
  BOOST_TEST(match_header("ＳＣＳ有効期限")->field == Field::scs_valid_until);
  BOOST_TEST(match_header("security_action")->field == Field::sa_level);
  BOOST_TEST(match_header("お助け隊契約期限")->field == Field::ota_end);
  BOOST_TEST(match_header("法人番号(13桁)")->field == Field::corporate_number);
  BOOST_TEST(match_header("*取引先コード")->field == Field::vendor_code);
  BOOST_TEST(match_header("※会社名")->field == Field::name);
  BOOST_TEST(match_header("取引先名称")->field == Field::name);
  BOOST_TEST(match_header("ﾒｰﾙｱﾄﾞﾚｽ")->field == Field::email);  // half-width kana
  BOOST_TEST(match_header("備考") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
