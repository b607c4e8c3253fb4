// One vocabulary: the words a person reads for a standing outcome and for a request's
// state, Japanese and English, beside the machine code that JSON, CSV, webhooks and the
// database keep. The CLI, the ERP screens (labels.yaml does not spell these), letters,
// exports and connectors take their words from here; nothing else spells them.
//
// The words are those the screens and the Tryton category already used (充足・不足・未報告):
// 「適合」 is the SCS scheme's own word (自己適合宣言, 適合性評価), so a buyer-policy outcome
// does not borrow it. Codes are API: they never change.
#pragma once
#include <string>
#include <string_view>

namespace hoshi::vocab {

enum class Lang { ja, en };

struct Words {
  std::string_view code;  // JSON, CSV, webhooks, the database
  std::string_view ja;
  std::string_view en;
  std::string_view in(Lang l) const { return l == Lang::ja ? ja : en; }
};

// Standing outcomes, indexed by hoshi::Standing (core/standing.hpp).
inline constexpr Words kStandings[] = {
    {"unknown", "未報告", "Not reported"}, {"meets", "充足", "Meets"}, {"expiring", "期限間近", "Expiring"},
    {"expired", "期限切れ", "Expired"},    {"below", "不足", "Below"},
};
// The screen's symbol beside a standing, by the same index; kInterimSymbol for a "meets"
// that rests on the buyer's own interim rule.
inline constexpr std::string_view kStandingSymbols[] = {"？", "◎", "△", "✕", "✕"};
inline constexpr std::string_view kInterimSymbol = "○";

// A standing that meets the policy by the buyer's own interim rule, never the scheme's ★
// ({n}: the required level); the expiring form joins the expiring word.
inline constexpr Words kInterim = {"interim", "当社の暫定基準（★{n}相当）", "Our own interim rule (★{n} equivalent)"};
inline constexpr std::string_view kInterimExpiringJoin[] = {"・", ", "};  // by Lang

// Request (and negotiation) states, indexed by hoshi::model::State (domain/request_model.hpp
// checks the order at compile time).
inline constexpr Words kRequestStates[] = {
    {"draft", "下書き", "Draft"},
    {"issued", "発行済み（回答待ち）", "Issued (awaiting reply)"},
    {"acknowledged", "受領済み", "Acknowledged"},
    {"negotiating", "協議中", "Negotiating"},
    {"agreed", "合意済み", "Agreed"},
    {"declined", "辞退", "Declined"},
    {"withdrawn", "取下げ", "Withdrawn"},
    {"expired", "期限切れ", "Expired"},
};

// "ja" / "en"; false for anything else.
bool parse_lang(std::string_view s, Lang& out);
// kInterim's words, {n} left for the level; expiring: with the expiring word joined.
std::string interim_pattern(Lang l, bool expiring);
// The same with {n} filled: 「当社の暫定基準（★3相当）」, 「…・期限間近」.
std::string interim_words(int required, Lang l, bool expiring = false);

}  // namespace hoshi::vocab
