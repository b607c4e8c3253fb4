#include "core/coercion.hpp"

#include "core/text.hpp"

namespace hoshi::coercion {

namespace {
// Sentences end at 。．！？!? and line breaks.
std::vector<std::string> sentences(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string t = text::trim(cur);
    if (!t.empty()) out.push_back(t);
    cur.clear();
  };
  static const char* const kEnds[] = {"。", "．", "！", "？", "!", "?", "\n"};
  for (std::size_t i = 0; i < text.size();) {
    bool ended = false;
    for (const char* e : kEnds) {
      const std::string end(e);
      if (text.compare(i, end.size(), end) == 0) {
        cur += end;
        i += end.size();
        flush();
        ended = true;
        break;
      }
    }
    if (!ended) cur += text[i++];
  }
  flush();
  return out;
}

bool has_any(const std::string& s, std::initializer_list<const char*> words, std::string* which = nullptr) {
  for (const char* w : words)
    if (s.find(w) != std::string::npos) {
      if (which) *which = w;
      return true;
    }
  return false;
}

// A promise that nothing of the kind happens: 「不利益な取扱いはしません」「条件ではありません」
// 「取引に影響はありません」. A sentence with a condition in it (「…しない場合は発注しません」)
// is never a promise, however it ends.
bool promises_otherwise(const std::string& s) {
  if (has_any(s, {"ない場合", "なければ", "しないと", "できない場合", "未取得の場合"})) return false;
  return has_any(
      s, {"しません", "いたしません", "致しません", "ではありません", "はありません", "ことはありません", "問いません",
          "求めません", "行いません", "ないことをお約束", "ことはない", "ことはなく", "条件とはしない", "条件ではない",
          "条件ではなく", "影響しない", "影響はない", "影響はなく", "問わない"});
}

// What trade or an order losing out looks like.
constexpr std::initializer_list<const char*> kPenalty = {"取引停止",
                                                         "取引を停止",
                                                         "取引の停止",
                                                         "取引を打ち切",
                                                         "取引打ち切",
                                                         "取引を中止",
                                                         "取引中止",
                                                         "取引を終了",
                                                         "取引終了",
                                                         "取引を見直",
                                                         "取引の見直",
                                                         "取引を解消",
                                                         "取引解消",
                                                         "発注停止",
                                                         "発注を停止",
                                                         "発注の停止",
                                                         "発注しない",
                                                         "発注しません",
                                                         "取引しません",
                                                         "取引できません",
                                                         "発注できない",
                                                         "発注を見合わせ",
                                                         "発注を控え",
                                                         "発注を減",
                                                         "発注量を減",
                                                         "取引量を減",
                                                         "契約を解除",
                                                         "契約解除",
                                                         "契約を更新しない",
                                                         "契約更新しない",
                                                         "取引先から除外",
                                                         "取引先リストから",
                                                         "入札に参加できない",
                                                         "入札参加資格を",
                                                         "指名しない",
                                                         "ペナルティ",
                                                         "違約金",
                                                         "罰則",
                                                         "不利益な取扱いをする",
                                                         "不利益な取扱いを行う"};
// A condition of trade.
constexpr std::initializer_list<const char*> kCondition = {
    "取引継続の条件", "取引の継続の条件", "取引継続には", "取引を継続するには", "取引を継続する条件",
    "取引条件とし",   "取引の条件とし",   "取引の前提",   "取引継続の前提",     "発注の条件",
    "発注条件",       "受注の条件",       "契約の条件",   "契約条件とし",       "入札の条件",
    "入札参加の条件", "入札参加条件",     "入札の前提",   "取引開始の条件",     "新規取引の条件"};
// What the supplier would have to obtain.
constexpr std::initializer_list<const char*> kObtain = {"宣言",
                                                        "認証",
                                                        "評価",
                                                        "取得",
                                                        "★",
                                                        "星",
                                                        "SCS",
                                                        "SECURITY ACTION",
                                                        "セキュリティアクション",
                                                        "ISMS",
                                                        "Pマーク",
                                                        "プライバシーマーク",
                                                        "認定"};
// Words that make a thing compulsory.
constexpr std::initializer_list<const char*> kMust = {
    "必須",       "条件",     "限る",     "限ります",     "前提",         "義務",         "しなければ",
    "しない場合", "ない場合", "なければ", "加入すること", "契約すること", "利用すること", "導入すること"};
// What an order or a bid is.
constexpr std::initializer_list<const char*> kTrade = {"取引", "発注",     "受注", "契約",
                                                       "入札", "見積依頼", "調達", "注文"};
}  // namespace

std::optional<Finding> forced_condition(const std::string& raw) {
  if (!text::is_valid_utf8(raw)) return std::nullopt;
  const std::string t = text::nfkc(raw);
  for (const auto& s : sentences(t)) {
    if (promises_otherwise(s)) continue;
    std::string phrase;
    if (has_any(s, kCondition, &phrase) && has_any(s, kObtain)) return Finding{s, phrase};
    if (has_any(s, kPenalty, &phrase) &&
        (has_any(s, kObtain) || has_any(s, {"ない場合", "なければ", "しないと", "できない場合", "未取得"})))
      return Finding{s, phrase};
  }
  return std::nullopt;
}

std::optional<Finding> service_condition(const std::string& raw, const std::vector<std::string>& services) {
  if (!text::is_valid_utf8(raw)) return std::nullopt;
  const std::string t = text::nfkc(raw);
  for (const auto& s : sentences(t)) {
    if (promises_otherwise(s) || !has_any(s, kTrade)) continue;
    std::string must;
    if (!has_any(s, kMust, &must)) continue;
    for (const auto& name : services) {
      const std::string n = text::nfkc(text::trim(name));
      if (n.size() >= 6 && s.find(n) != std::string::npos) return Finding{s, n + "（" + must + "）"};
    }
    if (has_any(s, {"お助け隊"})) return Finding{s, "お助け隊（" + must + "）"};
  }
  return std::nullopt;
}

}  // namespace hoshi::coercion
