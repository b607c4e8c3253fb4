#include <boost/test/unit_test.hpp>

#include "core/levels.hpp"
#include "core/text.hpp"

using namespace hoshi;

namespace {
int sa(const std::string& s) {
  int v = -9;
  std::string why;
  return levels::parse_sa(s, v, why) ? v : -9;
}
int scs(const std::string& s) {
  int v = -9;
  std::string why;
  return levels::parse_scs(s, v, why) ? v : -9;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(levels_and_text_suite)

BOOST_AUTO_TEST_CASE(security_action_spellings) {
  BOOST_TEST(sa("★") == 1);
  BOOST_TEST(sa("★★") == 2);
  BOOST_TEST(sa("一つ星") == 1);
  BOOST_TEST(sa("二つ星") == 2);
  BOOST_TEST(sa("1") == 1);
  BOOST_TEST(sa("２") == 2);
  BOOST_TEST(sa("なし") == 0);
  BOOST_TEST(sa("SECURITY ACTION 二つ星") == 2);
  BOOST_TEST(sa("★★（二つ星）") == 2);
  BOOST_TEST(sa("★★★") == -9);
  BOOST_TEST(sa("3") == -9);
  BOOST_TEST(sa("gold") == -9);
}

BOOST_AUTO_TEST_CASE(scs_spellings) {
  BOOST_TEST(scs("★3") == 3);
  BOOST_TEST(scs("★4") == 4);
  BOOST_TEST(scs("3") == 3);
  BOOST_TEST(scs("４") == 4);
  BOOST_TEST(scs("★５") == 5);
  BOOST_TEST(scs("レベル3") == 3);
  BOOST_TEST(scs("なし") == 0);
  BOOST_TEST(scs("★3（自己評価）") == 3);
  BOOST_TEST(scs("4つ星") == 4);
  BOOST_TEST(scs("★2") == -9);
  BOOST_TEST(scs("A") == -9);
}

BOOST_AUTO_TEST_CASE(yes_no_answers) {
  bool b = false;
  std::string why;
  BOOST_TEST((levels::parse_yes_no("はい", b, why) && b));
  BOOST_TEST((levels::parse_yes_no("いいえ", b, why) && !b));
  BOOST_TEST((levels::parse_yes_no("YES", b, why) && b));
  BOOST_TEST((levels::parse_yes_no("○", b, why) && b));
  BOOST_TEST((levels::parse_yes_no("該当", b, why) && b));
  BOOST_TEST((levels::parse_yes_no("非該当", b, why) && !b));
  BOOST_TEST(!levels::parse_yes_no("たぶん", b, why));
  BOOST_TEST(why.find("はい/いいえ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(company_names_normalise_for_matching) {
  const std::string base = text::normalize_company_name("株式会社髙橋製作所");
  BOOST_TEST(base == "髙橋製作所");
  BOOST_TEST(text::normalize_company_name("㈱髙橋製作所") == base);
  BOOST_TEST(text::normalize_company_name("（株）髙橋製作所") == base);
  BOOST_TEST(text::normalize_company_name("髙橋製作所 株式会社") == base);
  BOOST_TEST(text::normalize_company_name("ｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾄ") == "カブシキガイシャヤマト");
  BOOST_TEST(text::normalize_company_name("ＡＢＣ Co., Ltd.") == "abc");
  BOOST_TEST(text::normalize_company_name("有限会社丸山鉄工所") == "丸山鉄工所");
}

BOOST_AUTO_TEST_CASE(utf8_validation_and_safe_truncation) {
  BOOST_TEST(text::is_valid_utf8("髙橋"));
  BOOST_TEST(!text::is_valid_utf8("\x82\xa0"));      // CP932 あ
  BOOST_TEST(!text::is_valid_utf8("\xC0\xAF"));      // overlong '/'
  BOOST_TEST(!text::is_valid_utf8("\xED\xA0\x80"));  // surrogate
  BOOST_TEST(text::utf8_prefix("髙橋", 4) == "髙");  // 3-byte chars: never split one
  BOOST_TEST(text::trim("\xE3\x80\x80 株式会社 \t") == "株式会社");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(hidden_characters_are_stripped) {
  using hoshi::text::strip_hidden;
  BOOST_TEST(strip_hidden("佐藤 花子") == "佐藤 花子");
  BOOST_TEST(strip_hidden("\xE2\x80\xAE"
                          "fdp.exe") == "fdp.exe");  // U+202E right-to-left override
  BOOST_TEST(strip_hidden("a\xE2\x80\x8B"
                          "b\xEF\xBB\xBF") == "ab");  // zero-width space, BOM
  BOOST_TEST(strip_hidden("x\ty\r\n\x7F"
                          "z") == "xyz");  // controls
  BOOST_TEST(strip_hidden("\xE2\x81\xA6"
                          "a\xE2\x81\xA9") == "a");                            // isolates U+2066 / U+2069
  BOOST_TEST(strip_hidden("ｶﾀｶﾅ・全角　スペース") == "ｶﾀｶﾅ・全角　スペース");  // visible text stays as it is
}

BOOST_AUTO_TEST_CASE(free_text_keeps_what_a_reader_sees) {
  using hoshi::text::clean_free_text;
  using hoshi::text::Lines;
  // bidi controls: embeddings/overrides, isolates, marks, the Arabic letter mark
  BOOST_TEST(clean_free_text("山田\xE2\x80\xAE"
                             "太郎\xE2\x80\xAA\xE2\x80\xAC",
                             Lines::one) == "山田太郎");  // U+202E U+202A U+202C
  BOOST_TEST(clean_free_text("\xE2\x81\xA6x\xE2\x81\xA9\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C", Lines::one) ==
             "x");  // U+2066 U+2069 U+200E U+200F U+061C
  // zero-width: space, non-joiner, joiner, word joiner, BOM; soft hyphen
  BOOST_TEST(clean_free_text("a\xE2\x80\x8B"
                             "b\xE2\x80\x8C"
                             "c\xE2\x80\x8D"
                             "d\xE2\x81\xA0"
                             "e\xEF\xBB\xBF"
                             "f\xC2\xAD"
                             "g",
                             Lines::one) == "abcdefg");
  // C0 and C1 controls and DEL
  BOOST_TEST(clean_free_text("a\x01\x1B[31mb\x7F\xC2\x85\xC2\x9B"
                             "c",
                             Lines::one) == "a[31mbc");
  // line breaks and tabs: kept in multi-line text (CR LF and CR as LF), one space in one line
  BOOST_TEST(clean_free_text("一行目\r\n二行目\r三行目\n\t字下げ\xE2\x80\xA8四", Lines::many) ==
             "一行目\n二行目\n三行目\n\t字下げ\n四");
  BOOST_TEST(clean_free_text("山田\r\n太郎\t様 \n殿", Lines::one) == "山田 太郎 様 殿");
  // what a reader sees stays as it is: kana, full-width, ideographic space, IVS, emoji
  const std::string visible = "ｶﾀｶﾅ・全角　スペース 髙\xF3\xA0\x84\x80 ✓";
  BOOST_TEST(clean_free_text(visible, Lines::many) == visible);
  BOOST_TEST(clean_free_text("", Lines::one) == "");
  // invalid UTF-8 is left for the caller's check, not turned into something else
  BOOST_TEST(clean_free_text("a\xFF"
                             "b",
                             Lines::one) ==
             "a\xFF"
             "b");
  BOOST_TEST(hoshi::text::is_hidden(0x202E));
  BOOST_TEST(hoshi::text::is_hidden(0xFEFF));
  BOOST_TEST(!hoshi::text::is_hidden(U'髙'));
  BOOST_TEST(!hoshi::text::is_hidden(0xE0100));  // a variation selector belongs to its kanji
}
