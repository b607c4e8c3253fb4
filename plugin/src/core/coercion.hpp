// Words in a request that turn it into a condition of trade: a declaration,
// certification or evaluation made a condition of continued trade, a penalty for not
// obtaining it, or a named service made a condition of an order or a bid (the
// guidance's problem patterns 「宣言・認証の強制」「推奨サービスの取引条件化」).
// Pure text analysis, sentence by sentence (sentences end only at 。．！？!?), after
// NFKC with hidden characters, line breaks and spaces removed and spellings folded
// (取り引き, 打ち切, おたすけ隊, とりひき …). Within a sentence each clause (split also at
// 「が、」「ものの」「けれども」) is read on its own: a phrase that is denied after it
// (「取引を停止することはございません」「条件とするものではありません」) is a promise, but a
// penalty that is itself a negative verb (「発注しません」「取引いたしかねます」) is not.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace hoshi::coercion {

struct Finding {
  std::string sentence;  // the sentence as written (trimmed)
  std::string phrase;    // the words that made it a condition
};

// A sentence that makes obtaining a declaration, certification, evaluation or a level
// a condition of continued trade, or states a disadvantage for not obtaining it.
std::optional<Finding> forced_condition(const std::string& text);

// A sentence that makes using one of `services` (names as written in the catalog or
// the request) a condition of an order, a contract or a bid.
std::optional<Finding> service_condition(const std::string& text, const std::vector<std::string>& services);

}  // namespace hoshi::coercion
