// Parsing the words people write for levels and yes/no answers (after NFKC).
#pragma once
#include <string>
#include <string_view>

namespace hoshi::levels {

// SECURITY ACTION: ★/一つ星/1 → 1, ★★/二つ星/2 → 2, なし/0/none/- → 0.
bool parse_sa(std::string_view cell, int& out, std::string& why);
// SCS評価制度: ★3/3/レベル3 → 3, ★4 → 4, ★5 → 5, なし/0/none/- → 0.
bool parse_scs(std::string_view cell, int& out, std::string& why);
// はい/いいえ, yes/no, y/n, true/false, 1/0, ○/×.
bool parse_yes_no(std::string_view cell, bool& out, std::string& why);

// なし / 無し / none / 0 / - … (after NFKC, any case).
bool is_none_word(std::string_view cell);

// Display forms: "★★", "★3", "なし", "未回答".
std::string sa_symbol(int level);
std::string scs_symbol(int level);

}  // namespace hoshi::levels
