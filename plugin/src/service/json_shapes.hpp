// The JSON shapes of the service's answers, shared by the ops (api/), the CLI's --json
// output and the REST API.
#pragma once
#include <Poco/JSON/Object.h>

#include <string>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "service/service.hpp"

namespace hoshi::api {

Poco::JSON::Object::Ptr status_json(const SupplierStanding& s);
// The supplier with this vendor code (or unambiguous 法人番号); Error NOTFOUND when
// there is none, CONFLICT when a 法人番号 names several.
SupplierStanding find_supplier(Service& svc, const std::string& code);
// to_string(status_json(s)), kept with the cached entry after the first call.
std::string status_json_text(const SupplierStanding& s);
Poco::JSON::Object::Ptr import_report_json(const importer::ImportReport& r);
Poco::JSON::Object::Ptr history_entry_json(const store::HistoryEntry& e);

}  // namespace hoshi::api
