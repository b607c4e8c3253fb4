// Whether 取適法 applies to a request, decided when it is issued and recorded in its body,
// and read back for the letter (which cites 取適法 only where it applies).
#pragma once
#include <Poco/JSON/Object.h>

#include "core/catalogs.hpp"
#include "core/supplier.hpp"

namespace hoshi::detail {

// {"result": "toriteki"|"antimonopoly"|"unknown", "basis": "…", "transaction_kind": …,
//  "buyer": {"capital_yen", "employees"}, "supplier": {…}, "provisional": true}
Poco::JSON::Object::Ptr scope_record(const ScopePolicy& policy, const Supplier& supplier);

// scope_toriteki / scope_antimonopoly / scope_unknown and scope_basis for the letter; nothing
// for a request issued before the scope was recorded (its letter reads as issued).
void add_scope_context(Poco::JSON::Object& ctx, const Poco::JSON::Object& body);

}  // namespace hoshi::detail
