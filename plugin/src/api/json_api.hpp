// JSON in / JSON out over the service: the shapes shared by hoshitori_query_json,
// the CLI's --json output and (later) the REST API.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>

#include <Poco/JSON/Object.h>

#include "service/json_shapes.hpp"
#include "store/audit_log.hpp"
#include "store/purpose.hpp"

namespace hoshi::api {

// Handles {"op": …}; returns the response document. Throws Error.
std::string handle(Service& service, const std::string& request_json);
// The requests, negotiation, agreement and audit ops; nullopt for an op it does not know.
std::optional<std::string> handle_records_op(Service& service, const std::string& op,
                                             const Poco::JSON::Object::Ptr& request);
// The campaign and outbox ops; nullopt for an op it does not know.
std::optional<std::string> handle_campaign_op(Service& service, const std::string& op,
                                              const Poco::JSON::Object::Ptr& request);
// The evidence and briefing ops; nullopt for an op they do not know.
std::optional<std::string> handle_evidence_op(Service& svc, const std::string& op, const Poco::JSON::Object::Ptr& req);
std::optional<std::string> handle_briefing_op(Service& svc, const std::string& op, const Poco::JSON::Object::Ptr& req);
// Ops added by a layer above this one (the connectors: sync, webhooks_deliver,
// webhook_status, webhook_enable, export_suppliers), asked after the built-in ones.
// Set once at start-up, before the first handle(); nullopt for an op it does not know.
using ExtraOps = std::optional<std::string> (*)(Service&, const std::string&, const Poco::JSON::Object::Ptr&);
void set_extra_ops(ExtraOps ops);
// The audit filter of an export_audit request: "from"/"to" (Japan-time days, inclusive)
// and "vendor_code". Throws Error naming a bad one.
records::AuditFilter audit_filter(const Poco::JSON::Object::Ptr& request);
// The "purpose" of an export: absent or null → none (cost figures withheld); else
// "negotiation" or "audit", anything else an Error naming the key.
records::Purpose purpose_arg(const Poco::JSON::Object::Ptr& request);
// The error document for a failed request: {"error", "code"} plus Error::detail.
std::string error_json(int code, const std::string& message, const Poco::JSON::Object::Ptr& detail);

}  // namespace hoshi::api
