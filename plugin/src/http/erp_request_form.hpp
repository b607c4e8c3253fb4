// The issue-request screen (/erp/requests/new): pick one or many suppliers, the level,
// the due date, the items and how the cost will be shared; "確認する" shows every
// guardrail's verdict per supplier (in words, with the citation) before anything is
// saved; "発行する" issues one request per supplier. Buyer role; every POST carries
// the caller's CSRF token.
#pragma once
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <utility>
#include <vector>

#include "core/catalogs.hpp"
#include "http/erp_screens.hpp"

namespace hoshi::http {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// GET: the empty form (suppliers from ?suppliers=…); POST: `fields` from the form.
std::string request_form_screen(ErpScreens& screens, const ScreenRequest& r, const FormFields* posted,
                                const std::string& csrf);

// The level and cost-sharing method choices ({value, label, selected}) in the words `t`.
Poco::JSON::Array::Ptr level_options(const Poco::JSON::Object::Ptr& t, const std::string& selected);
Poco::JSON::Array::Ptr method_options(const Poco::JSON::Object::Ptr& t, const std::string& selected);

// application/x-www-form-urlencoded → every (name, value) in order (repeats kept).
FormFields parse_form_fields(const std::string& body);
// The first value of a field, trimmed; "" when absent.
std::string form_value(const FormFields& f, const std::string& key);
// Each value of a select, radio button or checkbox field must be one the form offers
// ("" counts as nothing chosen): a hand-made POST of another value is refused with 400,
// "<key>: \"<value>\" is not one of the form's choices (<offered>)".
void require_offered(const FormFields& f, const std::string& key, const std::vector<std::string>& offered);
// The request form's and the campaign form's choices (level, cost_method, item, the
// checkboxes), each checked with require_offered.
void check_offered_choices(const FormFields& f, const Catalogs& catalogs);

}  // namespace hoshi::http
