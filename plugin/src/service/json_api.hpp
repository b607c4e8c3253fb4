// JSON in / JSON out over the service: the shapes shared by hoshitori_query_json,
// the CLI's --json output and (later) the REST API.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>

#include <Poco/JSON/Object.h>

#include "records/audit_log.hpp"
#include "records/purpose.hpp"
#include "service/service.hpp"

namespace hoshi::api {

// A request the caller got wrong (bad JSON, unknown op, bad field) or that names
// something missing; `code` is a HOSHITORI_* result code.
struct ApiError : std::runtime_error {
  ApiError(int c, const std::string& what, Poco::JSON::Object::Ptr d = nullptr)
      : std::runtime_error(what), code(c), detail(std::move(d)) {}
  int code;
  Poco::JSON::Object::Ptr detail;  // extra keys for the error document (refused rules)
};

Poco::JSON::Object::Ptr status_json(const SupplierStanding& s);
// The supplier with this vendor code (or unambiguous 法人番号); ApiError NOTFOUND when
// there is none, CONFLICT when a 法人番号 names several.
SupplierStanding find_supplier(Service& svc, const std::string& code);
// to_string(status_json(s)), kept with the cached entry after the first call.
std::string status_json_text(const SupplierStanding& s);
Poco::JSON::Object::Ptr import_report_json(const importer::ImportReport& r);
Poco::JSON::Object::Ptr history_entry_json(const store::HistoryEntry& e);

// Handles {"op": …}; returns the response document. Throws ApiError.
std::string handle(Service& service, const std::string& request_json);
// The requests, negotiation, agreement and audit ops; nullopt for an op it does not know.
std::optional<std::string> handle_records_op(Service& service, const std::string& op,
                                             const Poco::JSON::Object::Ptr& request);
// The campaign and outbox ops; nullopt for an op it does not know.
std::optional<std::string> handle_campaign_op(Service& service, const std::string& op,
                                              const Poco::JSON::Object::Ptr& request);
// The connector ops (connectors/connector_ops.cpp): sync, webhooks_deliver,
// webhook_status, webhook_enable, export_suppliers; nullopt for an op it does not know.
std::optional<std::string> handle_connector_op(Service& service, const std::string& op,
                                               const Poco::JSON::Object::Ptr& request);
// The audit filter of an export_audit request: "from"/"to" (Japan-time days, inclusive)
// and "vendor_code". Throws ApiError naming a bad one.
records::AuditFilter audit_filter(const Poco::JSON::Object::Ptr& request);
// The "purpose" of an export: absent or null → none (cost figures withheld); else
// "negotiation" or "audit", anything else an ApiError naming the key.
records::Purpose purpose_arg(const Poco::JSON::Object::Ptr& request);
// The error document for a failed request: {"error", "code"} plus ApiError::detail.
std::string error_json(int code, const std::string& message, const Poco::JSON::Object::Ptr& detail);

// Serialises compactly with UTF-8 kept as is.
std::string to_string(const Poco::Dynamic::Var& v);

}  // namespace hoshi::api
