#include <boost/test/unit_test.hpp>

#include "core/corporate_number.hpp"

using namespace hoshi;

BOOST_AUTO_TEST_SUITE(corporate_number_suite)

BOOST_AUTO_TEST_CASE(check_digit_follows_the_nta_formula) {
  // 1180301018771: a number published in the 国税庁 法人番号公表サイト
  BOOST_TEST(corporate_number::check_digit("180301018771") == 1);
  // base of all zeros: sum 0 → 9 − 0 = 9
  BOOST_TEST(corporate_number::check_digit("000000000000") == 9);
  // a base whose weighted sum is a multiple of 9 plus 1: 000000000001 → 9 − 1 = 8
  BOOST_TEST(corporate_number::check_digit("000000000001") == 8);
  // digit in an even position from the right counts twice: 000000000010 → 9 − 2 = 7
  BOOST_TEST(corporate_number::check_digit("000000000010") == 7);
}

BOOST_AUTO_TEST_CASE(accepts_valid_numbers_and_normalises_them) {
  std::string out, why;
  BOOST_TEST(corporate_number::normalize("1180301018771", out, why));
  BOOST_TEST(out == "1180301018771");
  BOOST_TEST(corporate_number::normalize("１１８０３０１０１８７７１", out, why));  // full-width
  BOOST_TEST(out == "1180301018771");
  BOOST_TEST(corporate_number::normalize("1180-3010-18771", out, why));
  BOOST_TEST(out == "1180301018771");
  BOOST_TEST(corporate_number::normalize(" 1 180 301 018 771 ", out, why));
  BOOST_TEST(out == "1180301018771");
  BOOST_TEST(corporate_number::normalize("１１８０－３０１０－１８７７１", out, why));  // full-width hyphens
  BOOST_TEST(out == "1180301018771");
  BOOST_TEST(corporate_number::normalize("T1180301018771", out, why));  // invoice registration number
  BOOST_TEST(out == "1180301018771");
}

BOOST_AUTO_TEST_CASE(rejects_wrong_check_digit_length_and_letters) {
  std::string out, why;
  BOOST_TEST(!corporate_number::normalize("2180301018771", out, why));
  BOOST_TEST(why.find("チェックデジット") != std::string::npos);
  BOOST_TEST(why.find("expected 1") != std::string::npos);
  BOOST_TEST(!corporate_number::normalize("118030101877", out, why));
  BOOST_TEST(why.find("13") != std::string::npos);
  BOOST_TEST(!corporate_number::normalize("11803010187712", out, why));
  BOOST_TEST(!corporate_number::normalize("1180301O18771", out, why));  // letter O
  BOOST_TEST(why.find("数字以外") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
