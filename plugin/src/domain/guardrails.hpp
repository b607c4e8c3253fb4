// The fairness guardrails: the rules from schemas/guardrails.yaml applied to a request
// before it is issued, and to a price decision before it is recorded.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/catalogs.hpp"
#include "core/supplier.hpp"
#include "domain/request_input.hpp"

namespace hoshi::records {

// Facts about the supplier and earlier requests the checks need.
struct GuardContext {
  Date today;
  int chart_level = 3;                   // SCS level the decision chart justifies
  std::string chart_reason;              // in words
  std::vector<std::string> pressing_on;  // earlier requests whose negotiation ask stands unanswered
  // earlier requests at this level or above that the supplier declined: a new one needs
  // what changed (RequestInput::what_changed), and a later due date if that is the change
  struct Declined {
    std::string number;
    Date due;
    std::string sharing;  // its cost_sharing method and explanation, as issued
  };
  std::vector<Declined> declined;
  // the supplier declined or asked to negotiate an earlier request: overriding a rule
  // for it needs the compliance function (policy requests.compliance)
  bool supplier_objected = false;
  // names of services a request must not make a condition (the お助け隊 catalog)
  std::vector<std::string> services;
  // whether 取適法 applies to this request (detail::scope_record's result: toriteki,
  // antimonopoly, unknown; "" when not decided): citations of 取適法 say how they apply
  std::string scope;
  std::string unanswered_step;  // price decision: the supplier's step still unanswered
  // already-meets: what the supplier holds on record that meets the level asked for
  // ("SCS★4"; empty when nothing on record meets it or its validity is not recorded),
  // until when, and the policy's expiring window (expiring_window_days).
  std::string held;
  std::optional<Date> held_until;
  int expiring_window_days = 60;
};

// How the level asked for stands against what the supplier holds on record:
// none — it holds nothing that meets it (or no validity date is recorded);
// needless — it holds it, valid beyond the due date and beyond the expiring window;
// renewal — it holds (or held) it, but the validity ends before the due date, within
// the expiring window, or has ended: the request is worded as a renewal (更新).
enum class Holding { none, needless, renewal };
Holding holding_of(const RequestInput& in, const GuardContext& ctx);

// Fills ctx.held / held_until / expiring_window_days from the supplier's record for a
// request of `level` (records/holding.cpp): an SCS level at or above the one asked
// (★4 meets a ★3 request; any SCS ★ meets SA ★★) with its validity date, or for SA ★★
// a declaration of ★★ with its date (valid until the yearly re-confirmation). A buyer's
// interim rule (SA ★★ and お助け隊 as ★3) is the buyer's own yardstick, not a ★ the
// supplier holds: it does not count.
void add_holding(GuardContext& ctx, const Policy& policy, const StatusView& s, const std::string& level);

struct GuardResult {
  std::string rule, check, severity, title, citation, why, remedy;
  bool passed = true;
  std::string detail;  // the specifics of this case
  bool overridden = false;
  std::string override_reason, override_by;
  std::string scope_note;  // how a 取適法 citation applies to this request ("" when it does not cite it)
};

// The note beside a citation that names 取適法, for the request's scope: in scope, the
// article applies; out of scope (独禁法 only), the rule stands on the guidance and 独禁法 and
// the article is cited for reference; unknown, it applies if the sizes put it in scope.
std::string scope_note(const std::string& citation, const std::string& scope);

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

// The checks by name (the rule file's `check`), each a pure function returning "" when
// the request passes, else the specifics; guardrails_loader lists the same names.
using IssueCheck = std::string (*)(const GuardrailRule&, const RequestPolicy&, const RequestInput&,
                                   const GuardContext&);
IssueCheck issue_check(const std::string& name);  // nullptr: not an issue check

// A statutory prohibition (no-unilateral-price: 取適法 5条2項4号) is never overridden.
bool overridable(const GuardrailRule& r);

// Throws Error (Code::invalid) when an override names no rule of `applies_to`.
void check_override_ids(const std::vector<GuardrailRule>& rules, const std::vector<Override>& overrides,
                        const std::string& applies_to);

}  // namespace hoshi::records
