// Where a supplier stands against the buyer's policy: the one place these rules live.
#pragma once
#include <optional>
#include <string>

#include "core/catalogs.hpp"
#include "core/supplier.hpp"

namespace hoshi {

enum class Standing { unknown = 0, meets = 1, expiring = 2, expired = 3, below = 4 };

const char* standing_name(Standing s);
// The word the screens and the ERP categories use: 充足, 期限間近, 期限切れ, 不足, 未報告
// (templates/web/labels.yaml says the same for the screens, with English beside it).
const char* standing_label_ja(Standing s);
inline constexpr Standing kAllStandings[] = {Standing::unknown, Standing::meets, Standing::expiring, Standing::expired,
                                             Standing::below};
bool parse_standing(const std::string& name, Standing& out);
// Whether a standing meets the buyer's policy (meets, or meets but expiring soon): what
// the coverage figures count.
inline bool meets_policy(Standing s) { return s == Standing::meets || s == Standing::expiring; }

struct StandingResult {
  Standing standing = Standing::unknown;
  int required_scs = 3;
  std::optional<Date> until;  // the date the current standing lapses
  std::string reason;         // in Japanese words
  // Set when a meets/expiring standing rests on the buyer's own interim rule, not on the
  // scheme's ★ (the supplier does not hold SCS ★required_scs): its label says so.
  std::optional<InterimRule> interim;
  bool by_equivalent = false;  // under `interim`: the supplier's 同等のサービス counted (not お助け隊)
};

// 「当社の暫定基準（★3相当）」: what a standing resting on the buyer's interim rule is
// called wherever a person or another system reads it (board, ERP category, exports).
std::string interim_label_ja(int required);
// The word for a result: standing_label_ja(standing), except that a standing resting on
// the buyer's interim rule is 「当社の暫定基準（★3相当）」 (expiring: 「…・期限間近」),
// never 充足 — the supplier does not hold the scheme's ★.
std::string standing_label_ja(const StandingResult& r);
// "scheme" (the ★ on record), "interim" (the buyer's own interim rule) or "" (neither:
// the standing does not meet the policy): the machine word beside the standing.
const char* standing_basis(const StandingResult& r);

// The SCS level the policy asks of this supplier (★4 decision chart).
int required_level(const Policy& policy, const StatusView& s);
// "要求★4（機密情報の取扱いに該当）": the required level and the chart answers behind it.
std::string required_words(const Policy& policy, const StatusView& s, int required);

StandingResult evaluate(const Policy& policy, const StatusView& s, const Date& today);

}  // namespace hoshi
