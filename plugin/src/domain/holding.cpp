// What a supplier already holds on record against the level a request asks for (the
// already-meets guardrail and the renewal wording of the letter).
#include "domain/guardrails.hpp"

namespace hoshi::records {

void add_holding(GuardContext& ctx, const Policy& policy, const StatusView& s, const std::string& level) {
  ctx.expiring_window_days = policy.expiring_window_days;
  ctx.held.clear();
  ctx.held_until.reset();
  const int asked = level_scs(level);  // 0 for SA ★★
  auto consider = [&](const std::string& what, const Date& until) {
    if (!ctx.held_until || *ctx.held_until < until) {
      ctx.held = what;
      ctx.held_until = until;
    }
  };
  if (s.scs_level >= 3 && s.scs_level >= asked && s.scs_valid_until)
    consider("SCS★" + std::to_string(s.scs_level), *s.scs_valid_until);
  if (asked == 0 && s.sa_level >= 2 && s.sa_declared_on)
    consider("SECURITY ACTION ★★", Date::from_days(s.sa_declared_on->days() + policy.sa_reconfirm_days));
}

}  // namespace hoshi::records
