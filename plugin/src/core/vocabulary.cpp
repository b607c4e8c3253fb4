#include "core/vocabulary.hpp"

namespace hoshi::vocab {

bool parse_lang(std::string_view s, Lang& out) {
  if (s != "ja" && s != "en") return false;
  out = s == "ja" ? Lang::ja : Lang::en;
  return true;
}

std::string interim_pattern(Lang l, bool expiring) {
  std::string out(kInterim.in(l));
  if (!expiring) return out;
  std::string word(kStandings[2].in(l));  // 期限間近 / Expiring, lower case within the English phrase
  if (l == Lang::en && !word.empty()) word[0] = static_cast<char>(word[0] - 'A' + 'a');
  return out + std::string(kInterimExpiringJoin[l == Lang::ja ? 0 : 1]) + word;
}

std::string interim_words(int required, Lang l, bool expiring) {
  std::string out = interim_pattern(l, expiring);
  if (auto at = out.find("{n}"); at != std::string::npos) out.replace(at, 3, std::to_string(required));
  return out;
}

}  // namespace hoshi::vocab
