// The one vocabulary (core/vocabulary.hpp): every standing outcome and request state has
// a code and words in both languages, and no two of them share a word.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include "core/standing.hpp"
#include "core/vocabulary.hpp"
#include "domain/request_model.hpp"

using namespace hoshi;

namespace {
template <class List>
void check_group(const List& group, const char* what) {
  std::set<std::string_view> codes, ja, en;
  for (const vocab::Words& w : group) {
    BOOST_TEST_CONTEXT(what << " " << w.code) {
      BOOST_TEST(!w.code.empty());
      BOOST_TEST(!w.ja.empty());
      BOOST_TEST(!w.en.empty());
      BOOST_TEST(w.ja != w.en);
      BOOST_TEST(codes.insert(w.code).second, "code used twice");
      BOOST_TEST(ja.insert(w.ja).second, "Japanese word used twice: " << w.ja);
      BOOST_TEST(en.insert(w.en).second, "English word used twice: " << w.en);
      BOOST_TEST(w.in(vocab::Lang::ja) == w.ja);
      BOOST_TEST(w.in(vocab::Lang::en) == w.en);
    }
  }
}
}  // namespace

BOOST_AUTO_TEST_SUITE(vocabulary)

BOOST_AUTO_TEST_CASE(every_standing_has_both_languages_and_its_own_words) {
  check_group(vocab::kStandings, "standing");
  BOOST_TEST(std::size(vocab::kStandings) == std::size(kAllStandings));
  BOOST_TEST(std::size(vocab::kStandingSymbols) == std::size(kAllStandings));
  // codes are API: the enum, its code and the parse round-trip
  for (Standing s : kAllStandings) {
    Standing back = Standing::unknown;
    BOOST_TEST(parse_standing(standing_name(s), back));
    BOOST_TEST(static_cast<int>(back) == static_cast<int>(s));
  }
  // the screens' and Tryton's words, not the CLI's old 適合/未達/不明
  BOOST_TEST(standing_word(Standing::meets) == "充足");
  BOOST_TEST(standing_word(Standing::below) == "不足");
  BOOST_TEST(standing_word(Standing::unknown) == "未報告");
  BOOST_TEST(standing_word(Standing::meets, vocab::Lang::en) == "Meets");
  BOOST_TEST(std::string(standing_name(Standing::expiring)) == "expiring");
  for (const auto& w : vocab::kStandings)
    for (const char* old : {"適合", "未達", "不明"}) BOOST_TEST(w.ja.find(old) == std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(every_request_state_has_both_languages_and_its_own_words) {
  check_group(vocab::kRequestStates, "request state");
  for (const auto& w : vocab::kRequestStates) {
    auto st = model::parse_state(std::string(w.code));
    BOOST_TEST_REQUIRE(st.has_value(), w.code);
    BOOST_TEST(std::string(model::label_ja(*st)) == w.ja);
    BOOST_TEST(model::label(*st, vocab::Lang::en) == w.en);
    BOOST_TEST(std::string(model::code(*st)) == w.code);
  }
}

BOOST_AUTO_TEST_CASE(interim_words_in_both_languages) {
  BOOST_TEST(vocab::interim_words(3, vocab::Lang::ja) == "当社の暫定基準（★3相当）");
  BOOST_TEST(vocab::interim_words(4, vocab::Lang::ja, true) == "当社の暫定基準（★4相当）・期限間近");
  BOOST_TEST(vocab::interim_words(3, vocab::Lang::en, true) == "Our own interim rule (★3 equivalent), expiring");
  BOOST_TEST(vocab::interim_pattern(vocab::Lang::en, false).find("{n}") != std::string::npos);
  // never the word of a standing that holds the scheme's ★
  for (const auto& w : vocab::kStandings)
    BOOST_TEST(vocab::interim_words(3, vocab::Lang::ja).find(w.ja) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
