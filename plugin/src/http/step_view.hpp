// One negotiation step as the screens show it (the supplier's page and the staff panel):
// who, when, what kind, and the words and amounts it carries, formatted for reading.
#pragma once
#include <Poco/JSON/Object.h>

namespace hoshi::http {

// From a step of request_show: side, kind, at (Japan time), actor, and message, reason,
// basis, initial_cost, running_cost, buyer_amount, amount (yen), share_percent ("50%").
// Every key is set, to false when the step has no such field, so that a template never
// falls back on a same-named key of the page around it (the request's own `reason`).
Poco::JSON::Object::Ptr step_view(const Poco::JSON::Object::Ptr& step);

}  // namespace hoshi::http
