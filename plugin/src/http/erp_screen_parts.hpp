// Small pieces the ERP screens share (erp_screens.cpp, erp_supplier_panel.cpp): the
// standing's symbol, query strings, a query parameter, status words, running an op.
#pragma once
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <utility>
#include <vector>

#include "core/catalogs.hpp"
#include "http/erp_screens.hpp"

namespace hoshi::http::screen_parts {

// ◎ meets, △ expiring, ✕ expired or below, ？ unknown.
const char* symbol(const std::string& standing);
// A status document's standing in the screen's words `t`: 「当社の暫定基準（★3相当）」
// (interim_label / interim_expiring) when it rests on the buyer's own interim rule (basis
// "interim"), never 充足; else the standing's word. Its symbol: ○ for the interim rule.
std::string standing_words(const Poco::JSON::Object::Ptr& s, const Poco::JSON::Object::Ptr& t);
const char* standing_symbol(const Poco::JSON::Object::Ptr& s);
// The policy's interim rules for a legend on the screen: label (as standing_words says
// it), description, until.
Poco::JSON::Array::Ptr interim_rules(const Policy& policy, const Poco::JSON::Object::Ptr& t);
// "?k=v&…" of the non-empty values, percent-encoded; "" when none.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& q);
// "?lang=en&fragment=1" (what is not the default): the query that keeps a screen's
// language and fragment mode across a link, a form or a redirect ("" for ja, whole page).
std::string screen_query(const ScreenRequest& r);
// The first value of a query parameter, "" when absent.
std::string get(const ScreenRequest& r, const std::string& key);
// A status document's お助け隊 (and 同等のサービス, when reported) and SA/SCS level ("sa" | "scs") in the screen's
// words `t`.
std::string ota_text(const Poco::JSON::Object::Ptr& s, const Poco::JSON::Object::Ptr& t);
std::string level_text(const Poco::JSON::Object::Ptr& s, const char* key, const Poco::JSON::Object::Ptr& t);
// Runs a JSON op; HttpError 404 for a missing record, 400 for anything else refused.
Poco::JSON::Object::Ptr run_op(Service& svc, const Poco::JSON::Object::Ptr& op);

}  // namespace hoshi::http::screen_parts
