// Reads and writes requests, their transitions, negotiation steps, agreements and
// confirmations. Callers own the transaction (store::WriteTransaction for writes).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace hoshi::records {

struct RequestRecord {
  std::string number, vendor_code;
  std::string level;  // "" for a supplier-initiated negotiation (stored NULL)
  std::string state;
  std::string due;         // "" for a supplier-initiated negotiation (no reply deadline)
  std::string body;        // JSON: the request as issued (see RequestService)
  std::string guardrails;  // JSON: the guardrail results at issue
  std::string created_at, created_by;
  std::optional<std::string> issued_at;
  std::string last_step_at;
  std::string origin = "buyer";  // buyer | supplier (core/request_model.hpp: model::Origin)
};

struct TransitionRecord {
  std::optional<std::string> from_state;
  std::string to_state, at, actor, side;
  std::optional<std::string> reason;
};

struct StepRecord {
  long long step = 0;
  std::string side, kind, at, actor, body;  // body: JSON
};

struct AgreementRecord {
  long long version = 0;
  std::string sha256, document, terms, created_at, created_by;
};

struct ConfirmationRecord {
  long long version = 0;
  std::string side, sha256, at, actor, method;
};

// A request's number, supplier and state, for the lists that pick by state.
struct RequestState {
  std::string number, vendor_code, state;
};

class RequestStore {
 public:
  explicit RequestStore(store::Database& db) : db_(db) {}

  std::vector<std::string> numbers();        // every request's, in order
  std::vector<RequestState> by_last_step();  // every request, the oldest last step first
  // Issued or acknowledged, due before `today` (YYYY-MM-DD), with no supplier step but an
  // acknowledgement: the ones that expire. By number.
  std::vector<RequestState> unanswered_past_due(const std::string& today);

  // Next number for (prefix, year): "PREFIX2026-00042". Needs the write transaction.
  std::string next_number(const std::string& prefix, int year);
  void insert(const RequestRecord& r);
  std::optional<RequestRecord> find(const std::string& number);
  std::vector<RequestRecord> for_supplier(const std::string& vendor_code);
  // Moves to `to` (recording the transition) and stamps last_step_at.
  void transition(const std::string& number, const TransitionRecord& t);
  void touch(const std::string& number, const std::string& at);

  long long add_step(const std::string& number, const StepRecord& s);  // returns the step number
  std::vector<StepRecord> steps(const std::string& number);
  std::vector<TransitionRecord> transitions(const std::string& number);

  long long add_agreement(const std::string& number, const AgreementRecord& a);  // returns the version
  std::vector<AgreementRecord> agreements(const std::string& number, bool with_documents = true);
  void add_confirmation(const std::string& number, const ConfirmationRecord& c);
  std::vector<ConfirmationRecord> confirmations(const std::string& number);

  // Requests in a final state whose last step is before `cutoff` (YYYY-MM-DD), by
  // number, each with whether it has an agreement (then it is kept for the agreement's
  // period; see RequestService::purge).
  struct PurgeCandidate {
    std::string number, last_step_at;
    bool has_agreement = false;
  };
  std::vector<PurgeCandidate> purgeable(const std::string& cutoff);
  // Deletes one request and everything under it; only inside a purge window.
  void remove(const std::string& number);
  // Blanks the payload of the audit events about `subject` before `cutoff`.
  long long redact_audit(const std::string& subject, const std::string& cutoff, const std::string& now);
  void open_purge_window(const std::string& cutoff);
  void close_purge_window();

 private:
  store::Database& db_;
};

}  // namespace hoshi::records
