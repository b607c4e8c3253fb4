// Whether 取適法 (中小受託取引適正化法, in force 2026-01-01) covers a transaction, from the
// parties' capital and regular-employee counts and the kind of transaction. Pure: no I/O.
//
// Source: 製造委託等に係る中小受託事業者に対する代金の支払の遅延等の防止に関する法律
// (昭和31年法律第120号; 令和7年法律第41号による改正, 2026-01-01施行) 第2条第8項（委託事業者）・
// 第9項（中小受託事業者）, and its 施行令 for the 情報成果物・役務 kinds in the 3億円 group.
// PROVISIONAL: the source documents in the project's seeds hold no threshold (only the 300/100
// employee counts are in our domain notes); the figures below follow the statute as summarised
// by secondary sources and must be checked against the e-Gov text before they are relied on.
// Not modelled: a supplier that is an individual (個人, always 中小受託事業者 by capital), and
// the look-through rule for subsidiaries used to avoid the law (トンネル会社規制).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hoshi::scope {

// 製造委託等 (取適法 2条1項〜6項). The 情報成果物作成委託 and 役務提供委託 are split by the
// 施行令: プログラムの作成, and 運送・物品の倉庫における保管・情報処理, belong to the 3億円 /
// 300人 group with manufacturing; the others to the 5千万円 / 100人 group.
enum class TransactionKind {
  manufacturing,        // 製造委託
  repair,               // 修理委託
  program,              // 情報成果物作成委託（プログラムの作成）
  information,          // 情報成果物作成委託（プログラム以外: 放送番組・デザイン等）
  designated_service,   // 役務提供委託（運送・物品の倉庫における保管・情報処理）
  service,              // 役務提供委託（上記以外）
  specified_transport,  // 特定運送委託（2026-01-01 新設）
};

// "manufacturing" … as written in policy.yaml; nullopt for anything else.
std::optional<TransactionKind> kind_from_id(std::string_view id);
std::string_view kind_id(TransactionKind k);
std::string_view kind_label(TransactionKind k);  // 「製造委託」…
// Every id, comma-separated, for error messages.
std::string kind_ids();

struct Thresholds {
  std::int64_t capital_upper;  // 3億円 or 5千万円
  std::int64_t capital_lower;  // 1千万円
  long employees;              // 300 or 100
};
Thresholds thresholds(TransactionKind k);

// Figures of one party; nullopt where unknown.
struct Size {
  std::optional<std::int64_t> capital_yen;
  std::optional<long> employees;
};

enum class Scope {
  toriteki,      // 取適法 applies (and 独禁法 with it)
  antimonopoly,  // only 独占禁止法 (優越的地位の濫用)
  unknown,       // figures missing: not decided
};
std::string_view scope_id(Scope s);  // "toriteki" | "antimonopoly" | "unknown"

struct Decision {
  Scope scope = Scope::unknown;
  // Why, in Japanese, naming the test and the figures: 「資本金基準: 委託事業者 5億円（3億円超）、
  // 受託事業者 1億円（3億円以下）」. For unknown, what is missing.
  std::string basis;
};

// 取適法 applies when the capital test or the employee test is met; 独禁法 only when both
// tests could be made and neither is met; unknown otherwise (a supplier without figures
// is always unknown). The buyer's kind may be missing (no policy section): unknown.
Decision decide(const std::optional<TransactionKind>& kind, const Size& buyer, const Size& supplier);

}  // namespace hoshi::scope
