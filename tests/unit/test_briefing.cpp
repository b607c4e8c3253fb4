#include <boost/test/unit_test.hpp>

#include <string>

#include "core/briefing.hpp"

using namespace hoshi;

namespace {

// The field an answer is refused for ("" when taken).
std::string refused_field(const std::string& answer, const std::string& attendees, const std::string& note) {
  try {
    briefing::parse_answer(answer, attendees, note);
    return "";
  } catch (const briefing::InputError& e) {
    BOOST_TEST(!e.ja.empty());
    BOOST_TEST(std::string(e.what()).rfind(e.field + ": ", 0) == 0);
    return e.field;
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(briefing_suite)

BOOST_AUTO_TEST_CASE(answers_in_codes_or_japanese_words_with_attendees_and_a_note) {
  auto a = briefing::parse_answer("出席", "２", "  二名で伺います\u200B ");
  BOOST_TEST(a.answer == "attend");
  BOOST_TEST(a.attendees.value_or(0) == 2);
  BOOST_TEST(a.note == "二名で伺います");  // trimmed, the zero-width space removed
  auto b = briefing::parse_answer(" absent ", "", "");
  BOOST_TEST(b.answer == "absent");
  BOOST_TEST(!b.attendees.has_value());
  BOOST_TEST(briefing::parse_answer("attend", "099", "").attendees.value_or(0) == 99);
  BOOST_TEST(briefing::parse_answer("欠席", "", std::string(500, 'x')).note.size() == 500);
}

BOOST_AUTO_TEST_CASE(bad_answers_name_their_field) {
  BOOST_TEST(refused_field("maybe", "", "") == "answer");
  BOOST_TEST(refused_field("", "", "") == "answer");
  BOOST_TEST(refused_field("attend", "-1", "") == "attendees");
  BOOST_TEST(refused_field("attend", "abc", "") == "attendees");
  BOOST_TEST(refused_field("attend", "0", "") == "attendees");
  BOOST_TEST(refused_field("attend", "100", "") == "attendees");
  BOOST_TEST(refused_field("attend", "1.5", "") == "attendees");
  BOOST_TEST(refused_field("attend", "99999999999999999999", "") == "attendees");
  BOOST_TEST(refused_field("absent", "2", "") == "attendees");  // a number only with 出席
  BOOST_TEST(refused_field("attend", "", std::string(501, 'x')) == "note");
  std::string long_ja;
  for (int i = 0; i < 501; ++i) long_ja += "あ";
  BOOST_TEST(refused_field("attend", "", long_ja) == "note");
  BOOST_TEST(refused_field("attend", "", std::string(5000, ' ')) == "note");  // bytes bound too
  BOOST_TEST(refused_field("attend", "", "\xFF\xFE") == "note");
}

BOOST_AUTO_TEST_CASE(staff_channels_and_the_words_shown) {
  BOOST_TEST(briefing::staff_via("電話") == "staff:電話");
  BOOST_TEST(briefing::staff_via(" 招待への返信 ") == "staff:招待への返信");
  BOOST_CHECK_THROW(briefing::staff_via(""), briefing::InputError);
  BOOST_CHECK_THROW(briefing::staff_via("supplier_page"), briefing::InputError);
  BOOST_TEST(std::string(briefing::answer_word("attend")) == "出席");
  BOOST_TEST(std::string(briefing::answer_word("absent")) == "欠席");
  BOOST_TEST(std::string(briefing::answer_word("")) == "未回答");
  BOOST_TEST(briefing::via_words("supplier_page") == "取引先がページで回答");
  BOOST_TEST(briefing::via_words("staff:電話") == "担当者が記録（電話）");
}

BOOST_AUTO_TEST_SUITE_END()
