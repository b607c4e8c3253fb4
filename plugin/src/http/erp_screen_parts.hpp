// Small pieces the ERP screens share (erp_screens.cpp, erp_supplier_panel.cpp): the
// standing's symbol, query strings, a query parameter, status words, running an op.
#pragma once
#include <Poco/JSON/Object.h>

#include <string>
#include <utility>
#include <vector>

#include "http/erp_screens.hpp"

namespace hoshi::http::screen_parts {

// ◎ meets, △ expiring, ✕ expired or below, ？ unknown.
const char* symbol(const std::string& standing);
// "?k=v&…" of the non-empty values, percent-encoded; "" when none.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& q);
// "?lang=en&fragment=1" (what is not the default): the query that keeps a screen's
// language and fragment mode across a link, a form or a redirect ("" for ja, whole page).
std::string screen_query(const ScreenRequest& r);
// The first value of a query parameter, "" when absent.
std::string get(const ScreenRequest& r, const std::string& key);
// A status document's お助け隊 and SA/SCS level ("sa" | "scs") in the screen's words `t`.
std::string ota_text(const Poco::JSON::Object::Ptr& s, const Poco::JSON::Object::Ptr& t);
std::string level_text(const Poco::JSON::Object::Ptr& s, const char* key, const Poco::JSON::Object::Ptr& t);
// Runs a JSON op; HttpError 404 for a missing record, 400 for anything else refused.
Poco::JSON::Object::Ptr run_op(Service& svc, const Poco::JSON::Object::Ptr& op);

}  // namespace hoshi::http::screen_parts
