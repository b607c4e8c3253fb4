// The written agreement drawn from the record: the template context of
// templates/ja/agreement.txt.mustache (terms checked, dates kept apart) and of the
// agreement notice mail, with the negotiation thread as it stands. The document may only
// say what the thread holds: no "協議を行い" without a negotiation step, no date the terms
// did not set.
#pragma once
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "core/catalogs.hpp"
#include "core/date.hpp"
#include "store/request_store.hpp"

namespace hoshi::agreement {

// The step that drafts this version: who drafts it and what it says beside the terms.
struct Draft {
  std::string side;       // buyer | supplier
  std::string message;    // the agreement step's "message" ("" when none)
  bool by_staff = false;  // a supplier's draft the buyer's staff recorded in its name
};

// The thread part of the context (pure): "thread" with negotiated / requested /
// exchanged / declined flags, "requests" (the supplier's negotiation requests: step, date,
// actor), "entries" (every step with its amounts, basis, message and reason) and the latest
// explanation of each side ("buyer_reason", "supplier_reason", the draft's message counting
// as its side's latest). `steps` are the steps recorded before the draft, in order.
Poco::JSON::Object::Ptr thread_context(const std::vector<records::StepRecord>& steps, const Draft& draft);

// Checks `terms` (throws Error naming the field) and returns the whole template
// context. Dates in the terms are rewritten to ISO in place, so the stored terms say what
// the document says: terms.implementation_due (the measures' deadline, not before today)
// and terms.price_revision.date (the day a price change takes effect, not before today).
// The request's own `due` is the reply deadline and appears only as such.
Poco::JSON::Object::Ptr context(const std::string& number, const Poco::JSON::Object::Ptr& request,
                                Poco::JSON::Object::Ptr terms, const std::vector<records::StepRecord>& steps,
                                const Draft& draft, const Catalogs& cat, const Date& today);

// What the agreement notice mail states about a confirmed version, from its stored terms
// and the thread before its draft: negotiated / requested / exchanged / request_count,
// implementation_due and price_revision (each only when the terms set it).
void add_notice_summary(Poco::JSON::Object::Ptr& agreement, const records::AgreementRecord& version,
                        const std::vector<records::StepRecord>& steps);

// A step's time (UTC, as recorded) as its date in Japan.
Date step_date(const std::string& at);

}  // namespace hoshi::agreement
