// The buyer's side of a negotiation, from the supplier panel: POST
// /erp/requests/{number}/{step|agreement|confirm|link} with the form's fields. Each
// becomes the same op the REST API runs, as the signed-in user; the answer is where to
// go next (the panel, with what was done), or an HttpError 400 naming the field.
#pragma once
#include <string>

#include "http/erp_request_form.hpp"
#include "http/erp_screens.hpp"

namespace hoshi::http {

struct PanelResult {
  std::string vendor_code;  // whose panel to show
  std::string done;         // what was done (a word the panel turns into a message)
  std::string link;         // a supplier link made just now (shown once), else ""
};

// `words`: the screen's labels in the user's language (field names and error messages).
PanelResult panel_action(Service& svc, const Caller& caller, const std::string& number, const std::string& action,
                         const FormFields& fields, const Poco::JSON::Object::Ptr& words);

}  // namespace hoshi::http
