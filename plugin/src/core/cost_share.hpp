// The cost-share helper of a supplier-initiated negotiation, in the form the guidance
// (サプライチェーン全体のサイバーセキュリティ向上のための取引先とのパートナーシップの構築に向けて,
// 想定事例 (4)) describes: the supplier's security cost (initial, and yearly running; each
// optionally split into 物件費 and 人件費) × the buyer's share of the supplier's sales (%)
// = the amount proposed to the buyer. Pure: the supplier page shows it, the service
// checks and records it in the first step's body.
#pragma once
#include <optional>
#include <string>

namespace hoshi::cost_share {

// The share is kept in hundredths of a percent: 12.5% → 1250, 100% → 10000.
inline constexpr long long kWhole = 10000;

// "12.5", "12.5%", "１２．５％", " 7 " → hundredths of a percent (0..10000, at most two
// decimals). nullopt with `why` (Japanese, for the supplier's page) for anything else.
std::optional<long long> parse_percent(const std::string& raw, std::string& why);
// 1250 → "12.5", 700 → "7", 1234 → "12.34".
std::string percent_text(long long hundredths);

// yen × share, rounded half up to whole yen.
long long share_of(long long yen, long long hundredths);

struct Input {
  std::optional<long long> material_initial, labor_initial, initial;  // yen; initial = parts' sum when given
  std::optional<long long> material_running, labor_running, running;  // yen per year
  long long share = 0;                                                // hundredths of a percent
};

struct Result {
  std::optional<long long> initial, running;              // the supplier's cost (totals)
  std::optional<long long> buyer_initial, buyer_running;  // proposed to the buyer
  std::string calculation;  // 「初期費用 1,000,000円 × 20% = 200,000円」 …, one line per cost
};

// Throws Error (Code::invalid) (English, naming the key) when no cost is given, or a total
// given beside its parts is not their sum, or the share is out of range.
Result compute(const Input& in);

// 1234567 → "1,234,567円" (the figures of the calculation, never rounded to 万).
std::string yen_text(long long yen);

}  // namespace hoshi::cost_share
