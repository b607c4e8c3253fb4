// Where a supplier stands against the buyer's policy: the one place these rules live.
#pragma once
#include <optional>
#include <string>

#include "core/catalogs.hpp"
#include "core/supplier.hpp"
#include "core/vocabulary.hpp"

namespace hoshi {

enum class Standing { unknown = 0, meets = 1, expiring = 2, expired = 3, below = 4 };

// The machine code (JSON, CSV, webhooks): vocab::kStandings[s].code.
const char* standing_name(Standing s);
// The word a person reads: 充足, 期限間近, 期限切れ, 不足, 未報告 (core/vocabulary.hpp).
std::string_view standing_word(Standing s, vocab::Lang l = vocab::Lang::ja);
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

// The words for a result: standing_word(standing), except that a standing resting on
// the buyer's interim rule is 「当社の暫定基準（★3相当）」 (expiring: 「…・期限間近」),
// never 充足 — the supplier does not hold the scheme's ★ (vocab::interim_words).
std::string standing_label(const StandingResult& r, vocab::Lang l = vocab::Lang::ja);
// "scheme" (the ★ on record), "interim" (the buyer's own interim rule) or "" (neither:
// the standing does not meet the policy): the machine word beside the standing.
const char* standing_basis(const StandingResult& r);

// The SCS level the policy asks of this supplier (★4 decision chart).
int required_level(const Policy& policy, const StatusView& s);
// "要求★4（機密情報の取扱いに該当）": the required level and the chart answers behind it.
std::string required_words(const Policy& policy, const StatusView& s, int required);

StandingResult evaluate(const Policy& policy, const StatusView& s, const Date& today);

}  // namespace hoshi
