#include "core/coercion.hpp"

#include <algorithm>
#include <utility>

#include "core/text.hpp"

namespace hoshi::coercion {

namespace {
using Words = std::initializer_list<const char*>;

// --- the phrase tables ---------------------------------------------------------------
// clang-format off

// Spellings folded to one form before matching (after NFKC, hidden characters, line
// breaks and spaces removed).
constexpr std::pair<const char*, const char*> kFold[] = {
    {"取り引き", "取引"}, {"取引き", "取引"}, {"取り引", "取引"}, {"とりひき", "取引"}, {"はっちゅう", "発注"},
    {"けいやく", "契約"}, {"じょうけん", "条件"}, {"打ち切", "打切"}, {"取り止め", "取りやめ"},
    {"取止め", "取りやめ"}, {"見積もり", "見積"}, {"見積り", "見積"}, {"おたすけ隊", "お助け隊"},
    {"致し", "いたし"}, {"出来", "でき"}, {"頂け", "いただけ"}, {"頂く", "いただく"}, {"御座い", "ござい"},
    {"無い", "ない"}, {"する事", "すること"}, {"行な", "行"}};

// What the supplier would have to obtain.
constexpr Words kObtain = {"宣言", "認証", "評価", "取得", "★", "☆", "星", "SCS", "SECURITYACTION",
                           "セキュリティアクション", "ISMS", "Pマーク", "プライバシーマーク", "認定"};

// Trade: an order, a contract, a bid. Compounds that only name a price or a party are not.
constexpr Words kTrade = {"取引", "発注", "受注", "契約", "入札", "見積", "調達", "注文", "選定"};
constexpr Words kNotTrade = {"取引先", "取引価格", "取引単価", "発注価格", "発注単価", "契約価格", "契約金額"};

// Making something a condition: a noun and a verb that makes it one (「…の条件とします」
// 「要件です」「前提となります」「参加資格とする」), and the must-words.
constexpr Words kConditionNoun = {"条件", "要件", "前提", "資格"};
constexpr Words kConditionVerb = {"とし", "とする", "とさせ", "といたし", "です", "でござい", "であ",
                                  "となり", "となる", "となっ", "になり", "になる", "に含め"};
constexpr Words kConditionOther = {"必須", "に影響し", "に影響する", "に影響があ", "に影響が出",
                                   "に影響いたし", "に影響を与え"};
// A service is also compulsory when it is needed or limited to (「…の利用が必要です」).
constexpr Words kServiceMust = {"のみ", "が必要", "を必要とし", "に限る", "に限り", "に限定", "義務"};

// A penalty: what trade or an order losing out looks like, as object (+ particle) + action
// 「取引を停止」「発注は見送」「取引先から外」「取引\u200b停止」; or a negative verb that is the
// penalty itself 「発注しません」「取引いたしかねます」「契約を更新いたしません」.
constexpr Words kObject = {"取引の継続", "取引継続", "取引の一部", "発注の一部", "取引関係", "取引量", "取引額", "発注額", "取引先リスト", "取引先", "取引", "発注量",
                           "発注", "受注", "注文", "契約", "入札参加資格", "入札", "指名", "見積依頼", "見積",
                           "取引口座", "口座", "新規案件", "案件", "ご案内", "案内"};
constexpr Words kParticle = {"を", "は", "の", "も", "が", "から", "とも", "とは", ""};
constexpr Words kAdverb = {"一時", "全面", "即時", "直ちに", "当面", "段階的に", "他社に", "他社へ", ""};
constexpr Words kAction = {"停止", "中止", "打切", "終了", "見直", "解消", "解約", "解除", "取りやめ", "見送",
                           "見合わせ", "控え", "減", "削減", "縮小", "難し", "困難", "外", "除外", "削除", "制限",
                           "凍結", "取り消", "取消", "切り替え", "切替", "保留", "の対象外", "対象外", "から外",
                           "閉鎖", "差し控え", "差控え", "再開"};
constexpr Words kStandalone = {"お断り", "不利益", "ペナルティ", "違約金", "罰則", "罰金"};
constexpr Words kNegStem = {"契約を更新", "契約の更新", "契約は更新", "契約更新", "契約を締結", "契約の締結",
                            "契約締結", "取引を継続", "取引の継続", "取引継続", "取引は継続", "お取引は継続", "取引を続け", "発注を継続",
                            "発注の継続", "入札に参加", "入札へ参加", "入札参加", "見積を依頼", "見積の依頼",
                            "見積依頼", "発注", "取引", "注文", "受注", "契約", "指名"};
constexpr Words kNegParticle = {"", "は", "を", "も", "は一切", "を一切", "は今後", "も今後"};
constexpr Words kNegEnding = {"しません", "いたしません", "できません", "できかねます", "いたしかねます",
                              "しかねます", "行いません", "することはできません", "することができません",
                              "することはいたしかねます", "いただけません", "いただくことはできません",
                              "られません", "ることはできません", "ることができません", "しないこととし",
                              "しない方針", "しないものとし", "できなくなり", "できないもの", "できないこととな"};
// Before a penalty, what makes it a consequence of not obtaining or not using something
// (「取得しない場合」「宣言がなければ」「未取得の取引先」「取得されるまで」「取得状況によっては」).
constexpr Words kIfNot = {"ない", "なけれ", "なかっ", "せず", "されず", "未取得", "未宣言", "未認証", "未満",
                          "まで", "次第", "によっては", "に応じ"};

// After a phrase (to the next comma), what says it does not happen (「することはございません」
// 「は一切行いません」「とするものではありません」), or no longer happens (「条件としてきた
// 運用を改め」) — unless the words only sound negative (「停止せざるを得ません」).
constexpr Words kNot = {"ません", "ない", "なく", "せず", "ならず", "てきた", "ていました", "ておりました",
                        "改め", "廃止", "撤廃"};
constexpr Words kNotReallyNot = {"ざるを得", "ざるをえ", "かもしれ", "とは限ら", "なければな", "なくてはな",
                                 "避けられ"};

// Sentences end only at these; clauses also at a contrast (「…しませんが、…発注しません」).
constexpr Words kSentenceEnd = {"。", "｡", "．", "！", "？", "!", "?"};
constexpr Words kClauseEnd = {"が、", "が,", "ませんが", "ますが", "ですが", "ものの", "けれども", "けれど",
                              "ただし", "しかし"};
// A quotation the buyer mentions to deny it (「「…停止する」といった要請は行いません」).
constexpr Words kMentioned = {"」といった", "」という", "」などの", "」のような", "」のように"};
// clang-format on

// --- small helpers -----------------------------------------------------------------------

bool has_any(const std::string& s, Words words) {
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return s.find(w) != std::string::npos; });
}

bool starts_with_at(const std::string& s, std::size_t at, const std::string& w) {
  return s.compare(at, w.size(), w) == 0;
}

bool has_any_suffix(const std::string& s, Words words) {
  return std::any_of(words.begin(), words.end(), [&](const char* w) {
    const std::string x(w);
    return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
  });
}

bool denied(const std::string& after) { return has_any(after, kNot) && !has_any(after, kNotReallyNot); }

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// Splits at any of `ends`, each kept with the part before it.
std::vector<std::string> split(const std::string& s, Words ends) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = 0;
    for (const char* e : ends)
      if (starts_with_at(s, i, e)) len = std::string(e).size();
    if (len == 0) {
      ++i;
      continue;
    }
    i += len;
    out.push_back(s.substr(from, i - from));
    from = i;
  }
  if (from < s.size()) out.push_back(s.substr(from));
  return out;
}

// One form to match: NFKC, no hidden characters, line breaks or spaces, spellings folded.
std::string normalise(const std::string& raw) {
  std::string s = text::strip_hidden(text::nfkc(raw));
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  for (const auto& [from, to] : kFold) replace_all(s, from, to);
  for (const char* m : kMentioned)
    for (std::size_t from = 0, end = 0; (end = s.find(m, from)) != std::string::npos;) {
      const std::size_t open = s.rfind("「", end);
      if (open == std::string::npos || !denied(s.substr(end))) {
        from = end + 1;
        continue;
      }
      s.erase(open, end + 3 - open);  // 「 to 」 (3 bytes) inclusive
      from = open;
    }
  // 「ていし」 is 停止 unless it is the start of 提出・定食… (ていしゅつ, ていしょく)
  for (std::size_t at = s.find("ていし"); at != std::string::npos; at = s.find("ていし", at + 1))
    if (!starts_with_at(s, at + 9, "ゅ") && !starts_with_at(s, at + 9, "ょ") && !starts_with_at(s, at + 9, "ゃ"))
      s.replace(at, 9, "停止");
  return s;
}

// The words after position `at` in a clause, up to the next comma — past commas that
// leave the predicate open (「…としたり、…したりすることは、…行いません」).
std::string tail(const std::string& clause, std::size_t at) {
  for (std::size_t from = at;;) {
    const std::size_t end = std::min(clause.find("、", from), clause.find(",", from));
    if (end == std::string::npos) return clause.substr(at);
    std::string words = clause.substr(at, end - at);
    if (!has_any_suffix(words, {"たり", "だり", "ことは", "のは"})) return words;
    from = end + 1;  // past this comma: a search from inside it cannot find it again
  }
}

bool has_trade(std::string s) {
  for (const char* compound : kNotTrade) replace_all(s, compound, "・");
  return has_any(s, kTrade);
}

struct Match {
  std::size_t at;
  std::string phrase;
};

// The first phrase in `clause` that makes something a condition and is not denied.
std::optional<Match> condition_in(const std::string& clause, bool service) {
  std::vector<std::string> phrases;
  for (const char* n : kConditionNoun)
    for (const char* v : kConditionVerb) phrases.push_back(std::string(n) + v);
  phrases.insert(phrases.end(), kConditionOther.begin(), kConditionOther.end());
  if (service) phrases.insert(phrases.end(), kServiceMust.begin(), kServiceMust.end());
  for (const auto& p : phrases)
    for (std::size_t at = clause.find(p); at != std::string::npos; at = clause.find(p, at + 1))
      if (!denied(tail(clause, at + p.size()))) return Match{at, p};
  return std::nullopt;
}

// The first penalty in `clause`: a loss of trade that is not denied, or a negative verb
// that is itself the loss.
std::optional<Match> penalty_in(const std::string& clause) {
  for (const char* stem : kNegStem)
    for (std::size_t at = clause.find(stem); at != std::string::npos; at = clause.find(stem, at + 1))
      for (const char* particle : kNegParticle)
        for (const char* ending : kNegEnding)
          if (const std::string p = std::string(stem) + particle + ending; starts_with_at(clause, at, p))
            return Match{at, p};
  for (const char* object : kObject)
    for (std::size_t at = clause.find(object); at != std::string::npos; at = clause.find(object, at + 1))
      for (const char* particle : kParticle)
        for (const char* adverb : kAdverb)
          for (const char* action : kAction) {
            const std::string p = std::string(object) + particle + adverb + action;
            if (starts_with_at(clause, at, p) && !denied(tail(clause, at + p.size()))) return Match{at, p};
          }
  for (const char* word : kStandalone)
    for (std::size_t at = clause.find(word); at != std::string::npos; at = clause.find(word, at + 1))
      if (!denied(tail(clause, at + std::string(word).size()))) return Match{at, word};
  return std::nullopt;
}

struct Sentence {
  std::string shown;                 // as the reader sees it (NFKC, hidden characters removed)
  std::vector<std::string> clauses;  // normalised
  std::string all;                   // normalised, whole
};

std::vector<Sentence> sentences(const std::string& raw) {
  std::vector<Sentence> out;
  for (const auto& part : split(raw, kSentenceEnd)) {
    Sentence s{text::trim(text::clean_free_text(text::nfkc(part), text::Lines::one)), {}, normalise(part)};
    if (s.all.empty()) continue;
    s.clauses = split(s.all, kClauseEnd);
    out.push_back(std::move(s));
  }
  return out;
}

// A penalty in `s` that follows a condition of not obtaining / not using (「…ない場合」).
std::optional<std::string> penalty_for_not(const Sentence& s) {
  std::size_t before = 0;  // where the clause starts in the whole sentence
  for (const auto& clause : s.clauses) {
    if (auto m = penalty_in(clause); m && has_any(s.all.substr(0, before + m->at), kIfNot)) return m->phrase;
    before += clause.size();
  }
  return std::nullopt;
}

std::optional<std::string> condition_of_trade(const Sentence& s, bool service) {
  if (!has_trade(s.all)) return std::nullopt;
  for (const auto& clause : s.clauses)
    if (auto m = condition_in(clause, service)) return m->phrase;
  return std::nullopt;
}
}  // namespace

std::optional<Finding> forced_condition(const std::string& raw) {
  if (!text::is_valid_utf8(raw)) return std::nullopt;
  const auto all = sentences(raw);
  const bool obtaining_anywhere =
      std::any_of(all.begin(), all.end(), [](const Sentence& s) { return has_any(s.all, kObtain); });
  for (const auto& s : all) {
    if (has_any(s.all, kObtain))
      if (auto p = condition_of_trade(s, false)) return Finding{s.shown, *p};
    if (obtaining_anywhere)
      if (auto p = penalty_for_not(s)) return Finding{s.shown, *p};
  }
  return std::nullopt;
}

std::optional<Finding> service_condition(const std::string& raw, const std::vector<std::string>& services) {
  if (!text::is_valid_utf8(raw)) return std::nullopt;
  std::vector<std::string> names;  // normalised like the text; very short names would match anything
  for (const auto& name : services)
    if (text::is_valid_utf8(name))
      if (std::string n = normalise(name); n.size() >= 6) names.push_back(n);
  for (const auto& s : sentences(raw)) {
    std::string named;
    for (const auto& n : names)
      if (named.empty() && s.all.find(n) != std::string::npos) named = n;
    if (named.empty() && s.all.find("お助け隊") != std::string::npos) named = "お助け隊";
    // a service the buyer designates (「当社指定の監視サービス」「当社が指定するサービス」)
    if (named.empty() && has_any(s.all, {"当社指定", "弊社指定", "指定の", "指定する", "が指定した"}) &&
        s.all.find("サービス") != std::string::npos)
      named = "指定のサービス";
    if (named.empty()) continue;
    auto p = condition_of_trade(s, true);
    if (!p) p = penalty_for_not(s);
    if (p) return Finding{s.shown, named + "（" + *p + "）"};
  }
  return std::nullopt;
}

}  // namespace hoshi::coercion
