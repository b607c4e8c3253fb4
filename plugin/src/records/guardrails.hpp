// The fairness guardrails: the rules from schemas/guardrails.yaml applied to a request
// before it is issued, and to a price decision before it is recorded.
#pragma once
#include <string>
#include <vector>

#include "core/catalogs.hpp"
#include "records/request_input.hpp"

namespace hoshi::records {

// Facts about the supplier and earlier requests the checks need.
struct GuardContext {
  Date today;
  int chart_level = 3;                   // SCS level the decision chart justifies
  std::string chart_reason;              // in words
  std::vector<std::string> pressing_on;  // earlier requests declined/negotiated without a reply
  std::string unanswered_step;           // price decision: the supplier's step still unanswered
};

struct GuardResult {
  std::string rule, check, severity, title, citation, why, remedy;
  bool passed = true;
  std::string detail;  // the specifics of this case
  bool overridden = false;
  std::string override_reason, override_by;
};

struct GuardOutcome {
  std::vector<GuardResult> results;
  // Rules that refuse and were not (validly) overridden.
  std::vector<std::string> refused_ids() const;
  // The same ids as one line: "cost-sharing-explained, due-date-minimum".
  std::string refused_list() const;
  bool refused() const { return !refused_ids().empty(); }
};

// `actor` may override a refusing rule only when listed in policy.requests.overriders
// and with a reason of at least min_override_reason_chars characters.
GuardOutcome check_issue(const std::vector<GuardrailRule>& rules, const RequestPolicy& policy, const RequestInput& in,
                         const GuardContext& ctx, const std::string& actor);
GuardOutcome check_price_decision(const std::vector<GuardrailRule>& rules, const RequestPolicy& policy,
                                  const std::vector<Override>& overrides, const GuardContext& ctx,
                                  const std::string& actor);

// Throws std::invalid_argument when an override names no rule of `applies_to`.
void check_override_ids(const std::vector<GuardrailRule>& rules, const std::vector<Override>& overrides,
                        const std::string& applies_to);

}  // namespace hoshi::records
