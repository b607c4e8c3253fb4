// Requirement requests end to end: issuing (behind the guardrails), negotiation
// steps, the written agreement confirmed by both sides, expiry and purge, each
// change recorded with its audit event in the same transaction.
#pragma once
#include <Poco/JSON/Object.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "domain/guardrails.hpp"
#include "domain/request_model.hpp"
#include "service/letters.hpp"
#include "service/service.hpp"
#include "store/agreement_codes.hpp"
#include "store/request_store.hpp"

namespace hoshi {

// A stored state's place in the life cycle (core/request_model.hpp): final — nothing
// more happens; answered — the supplier has taken a step (what a campaign counts).
// "" (no request) is neither; any other unknown code is a corrupt record (logic_error).
inline bool is_final_request_state(const std::string& state) {
  return !state.empty() && model::is_final(model::stored_state(state));
}
inline bool is_answered_request_state(const std::string& state) {
  return !state.empty() && model::is_answered(model::stored_state(state));
}

// A guardrail refused; `outcome` names the rules, why, and what would satisfy them.
struct GuardrailRefusal : std::runtime_error {
  GuardrailRefusal(const std::string& what, records::GuardOutcome o)
      : std::runtime_error(what), outcome(std::move(o)) {}
  records::GuardOutcome outcome;
};

// The request is not in a state that allows this, or the document changed.
struct StateConflict : Error {
  explicit StateConflict(const std::string& what) : Error(Code::conflict, what) {}
};

// Sides of a negotiation, and the kinds of step each may take.
struct StepInput {
  std::string side;  // buyer | supplier
  std::string kind;  // see step_kinds()
  Poco::JSON::Object::Ptr body;
  std::vector<records::Override> overrides;  // price_decision only
};

struct IssueResult {
  std::string number, state;
  records::GuardOutcome guard;
};

struct StepResult {
  long long step = 0;
  std::string state;
  std::optional<long long> agreement_version;
  std::string agreement_sha256;
};

// The scan of an agreement the supplier signed on paper (記名押印), which staff attach to
// record the supplier's confirmation for it: its bytes are stored with the confirmation
// (agreement_scans, at most the policy's evidence max_file_bytes, a PDF, PNG or JPEG by
// its content), and the SHA-256 computed from the stored bytes is kept in the
// confirmation's method and the audit event. Staff download it later (agreement_scan op).
struct PaperScan {
  std::string filename;
  std::string content;  // the scan's bytes
};

struct ConfirmResult {
  long long version = 0;
  std::string state;
  std::vector<std::string> confirmed_by;  // sides that confirmed this version
};

// One request a purge removes (or keeps), by the kind of record that sets its period:
// "request" (a request without an agreement: requests_years) or "agreement" (a request
// with an agreement, kept whole: agreements_years).
struct PurgeItem {
  std::string number, kind, last_step_on;  // last_step_on: YYYY-MM-DD
  std::string kept_until;                  // kept: the last day of its agreement's period
};

struct PurgeResult {
  std::string cutoff;             // requests: last step before this date
  std::string agreements_cutoff;  // agreements: last step before this date
  int requests_years = 0, agreements_years = 0;
  std::vector<std::string> numbers;  // removed (dry run: would be), by number
  std::vector<PurgeItem> removed;    // the same, with their kinds
  std::vector<PurgeItem> kept;       // past requests_years, kept for their agreement
  long long events_redacted = 0;
};

class RequestService {
 public:
  explicit RequestService(Service& svc);

  // Checks the guardrails and issues (or, with draft, saves unissued); throws
  // GuardrailRefusal, Error (Code::invalid) (bad input), Error (Code::notfound) (no supplier).
  IssueResult issue(const records::RequestInput& in, const std::string& actor, bool draft);
  // issue() inside the caller's WriteTransaction (a campaign issues many in one): a
  // refusal is recorded (request.refused) and returned with an empty number.
  IssueResult issue_in(store::Database& db, const records::RequestInput& in, const std::string& actor, bool draft);
  // The guardrails' verdict on a request, without saving or recording anything (the
  // issue screen shows it before the buyer submits). Throws as issue() does.
  records::GuardOutcome check(const records::RequestInput& in, const std::string& actor);
  // Issues a saved draft, checking the guardrails again.
  IssueResult issue_draft(const std::string& number, const std::string& actor);
  // One negotiation step (never edited later); kind "agreement" drafts the written
  // agreement from body.terms; "price_decision" passes the no-unilateral-price rule.
  StepResult step(const std::string& number, const StepInput& in, const std::string& actor);
  // Records `side`'s confirmation of the latest agreement version, which must have
  // exactly `sha256`; agreed once both sides confirmed the same version. The supplier's
  // side is confirmed only by the supplier through its own link (method
  // kSupplierLinkMethod, which only the supplier page passes) or from the scan of the
  // copy it signed on paper (`scan`); anything else is refused (Error (Code::invalid)),
  // recorded nowhere. A scan goes with the supplier's side only.
  // `inside`, when given, runs in the confirmation's transaction before anything is written
  // (the supplier page uses its one-time code there); what it throws refuses the confirmation.
  ConfirmResult confirm(const std::string& number, const std::string& side, const std::string& sha256,
                        const std::string& actor, const std::string& method, const PaperScan* scan = nullptr,
                        const std::function<void(records::AgreementCodes&)>& inside = {});
  static constexpr const char* kSupplierLinkMethod = "supplier-form";
  // The supplier's link, after a one-time code mailed to its registered address was entered.
  static constexpr const char* kSupplierLinkCodeMethod = "supplier-form+one-time-code";
  static constexpr const char* kSupplierOnlyMessage =
      "only the supplier confirms the supplier's side: through its own link (/s/<token>), "
      "or, for an agreement it signed on paper (記名押印), recorded by an admin with the scan of the signed copy "
      "attached (\"scan\": {\"filename\", \"content_base64\"}; CLI --paper-scan FILE); nothing was recorded";

  Poco::JSON::Object::Ptr show(const std::string& number);
  Poco::JSON::Object::Ptr list(const std::optional<std::string>& vendor_code);
  std::string letter(const std::string& number, const std::string& format, const std::string& lang);
  // What the letter templates are given: buyer, supplier, level, due (和暦), items,
  // cost sharing, help services, subsidy and 取引かけこみ寺 text. Throws out_of_range.
  Poco::JSON::Object::Ptr letter_context(const std::string& number);
  Poco::JSON::Object::Ptr letter_context_of(const records::RequestRecord& r) const;
  // The stored bytes of an agreement version (latest when not given).
  records::AgreementRecord agreement(const std::string& number, std::optional<long long> version);

  // Moves issued/acknowledged requests past their due date to expired.
  std::vector<std::string> expire(const std::string& actor);
  // Removes requests in a final state whose last step is older than their kind's retention
  // period, blanks their audit payloads (the chain stays verifiable) and records it.
  PurgeResult purge(const std::string& actor, bool dry_run);

  static const std::vector<std::string>& step_kinds();

 private:
  records::GuardContext context_for(store::Database& db, const records::RequestInput& in,
                                    const std::string& exclude_number);
  Service& svc_;
  records::Templates templates_;
};

// Parses the request file's JSON (the CLI's --json and the query_json op's "request").
records::RequestInput parse_request_input(const Poco::JSON::Object::Ptr& o, const Catalogs& catalogs);
std::vector<records::Override> parse_overrides(const Poco::JSON::Object::Ptr& o);
// "actor": required, one line of at most 200 bytes of valid UTF-8, no hidden characters.
std::string actor_arg(const Poco::JSON::Object::Ptr& o);
// Checks a step body's keys and values for its kind, and cleans its free text in place
// (text::clean_free_text); throws Error.
void validate_step(const StepInput& in);
Poco::JSON::Object::Ptr guard_json(const records::GuardOutcome& g);

}  // namespace hoshi
