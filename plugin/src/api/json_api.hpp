// JSON in / JSON out over the service: hoshitori_query_json, the REST routes and the CLI's
// --json output all run the op table (api/op_table.hpp) through here.
#pragma once
#include <stdexcept>
#include <string>

#include <Poco/JSON/Object.h>

#include "service/json_shapes.hpp"
#include "store/audit_log.hpp"
#include "store/purpose.hpp"

namespace hoshi::api {

// Handles {"op": …} by the op table (api/op_table.hpp); returns the response document.
// Throws Error.
std::string handle(Service& service, const std::string& request_json);
// The audit filter of an export_audit request: "from"/"to" (Japan-time days, inclusive)
// and "vendor_code". Throws Error naming a bad one.
records::AuditFilter audit_filter(const Poco::JSON::Object::Ptr& request);
// The "purpose" of an export: absent or null → none (cost figures withheld); else
// "negotiation" or "audit", anything else an Error naming the key.
records::Purpose purpose_arg(const Poco::JSON::Object::Ptr& request);
// The error document for a failed request: {"error", "code"} plus Error::detail.
std::string error_json(int code, const std::string& message, const Poco::JSON::Object::Ptr& detail);

}  // namespace hoshi::api
