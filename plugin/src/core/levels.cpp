#include "core/levels.hpp"

#include <set>

#include "core/text.hpp"

namespace hoshi::levels {

namespace {
constexpr std::string_view kStar = "\xE2\x98\x85";       // ★
constexpr std::string_view kWhiteStar = "\xE2\x98\x86";  // ☆ (some sheets use it)

// "★★(二つ星)" / "★3(自己評価)": a note in brackets after the value is dropped.
std::string drop_note(std::string s) {
  if (!s.empty() && s.back() == ')') {
    auto open = s.rfind('(');
    if (open != std::string::npos && open > 0) s = text::trim(s.substr(0, open));
  }
  return s;
}

bool is_none(const std::string& s) {
  return s == "0" || s == "なし" || s == "無し" || s == "無" || s == "none" || s == "-" || s == "未宣言" ||
         s == "未取得" || s == "n/a";
}

// Counts leading ★ (or ☆) and returns the rest.
int strip_stars(std::string& s) {
  int n = 0;
  for (;;) {
    if (s.compare(0, kStar.size(), kStar) == 0) {
      s.erase(0, kStar.size());
      ++n;
    } else if (s.compare(0, kWhiteStar.size(), kWhiteStar) == 0) {
      s.erase(0, kWhiteStar.size());
      ++n;
    } else {
      return n;
    }
  }
}
}  // namespace

bool parse_sa(std::string_view cell, int& out, std::string& why) {
  std::string s = drop_note(text::ascii_lower(text::clean_cell(cell)));
  for (std::string_view prefix : {"security action", "securityaction", "sa"}) {
    if (s.compare(0, prefix.size(), prefix) == 0 && s.size() > prefix.size()) {
      s = text::trim(s.substr(prefix.size()));
      break;
    }
  }
  if (is_none(s)) {
    out = 0;
    return true;
  }
  std::string rest = s;
  int stars = strip_stars(rest);
  if (stars > 0 && rest.empty() && stars <= 2) {
    out = stars;
    return true;
  }
  if (s == "1" || s == "一つ星" || s == "ひとつ星" || s == "1つ星" || s == "one star" || s == "one") {
    out = 1;
    return true;
  }
  if (s == "2" || s == "二つ星" || s == "ふたつ星" || s == "2つ星" || s == "two stars" || s == "two") {
    out = 2;
    return true;
  }
  why = "SECURITY ACTION の段階が読めません: \"" + std::string(text::trim(cell)) +
        "\" (★, ★★, 一つ星, 二つ星, 1, 2 or なし)";
  return false;
}

bool parse_scs(std::string_view cell, int& out, std::string& why) {
  std::string s = drop_note(text::ascii_lower(text::clean_cell(cell)));
  if (is_none(s)) {
    out = 0;
    return true;
  }
  std::string rest = s;
  strip_stars(rest);
  for (std::string_view prefix : {"scs", "レベル", "level", "lv.", "lv"}) {
    if (rest.compare(0, prefix.size(), prefix) == 0) {
      rest = text::trim(rest.substr(prefix.size()));
      strip_stars(rest);
      break;
    }
  }
  for (std::string_view suffix : {"つ星", "ツ星", "星"}) {
    if (rest.size() > suffix.size() && rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0) {
      rest.erase(rest.size() - suffix.size());
      break;
    }
  }
  if (rest == "3" || rest == "4" || rest == "5") {
    out = rest[0] - '0';
    return true;
  }
  why = "SCS の段階が読めません: \"" + std::string(text::trim(cell)) + "\" (★3, ★4, ★5, 3, 4, 5 or なし)";
  return false;
}

bool parse_yes_no(std::string_view cell, bool& out, std::string& why) {
  std::string s = text::ascii_lower(text::clean_cell(cell));
  static const std::set<std::string> kYes = {"はい", "yes", "y",    "true", "1",    "○",
                                             "◯",    "有",  "あり", "有り", "該当", "該当する"};
  static const std::set<std::string> kNo = {"いいえ", "no",   "n",    "false",  "0",          "×",
                                            "無",     "なし", "無し", "非該当", "該当しない", "-"};
  if (kYes.count(s)) {
    out = true;
    return true;
  }
  if (kNo.count(s)) {
    out = false;
    return true;
  }
  why = "はい/いいえ で答えてください: \"" + std::string(text::trim(cell)) + "\"";
  return false;
}

bool is_none_word(std::string_view cell) { return is_none(text::ascii_lower(text::clean_cell(cell))); }

std::string sa_symbol(int level) {
  switch (level) {
    case 0:
      return "なし";
    case 1:
      return "★";
    case 2:
      return "★★";
    default:
      return "未回答";
  }
}

std::string scs_symbol(int level) {
  switch (level) {
    case 0:
      return "なし";
    case 3:
      return "★3";
    case 4:
      return "★4";
    case 5:
      return "★5";
    default:
      return "未回答";
  }
}

}  // namespace hoshi::levels
