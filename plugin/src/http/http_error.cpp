#include "http/http_error.hpp"

namespace hoshi::http {

HttpError http_error(const Error& e) { return http_error(e, e.what()); }

HttpError http_error(const Error& e, const std::string& detail) {
  Poco::JSON::Object::Ptr extra = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  extra->set("code", document_code(e.code));
  if (!e.field.empty()) extra->set("field", e.field);  // the key or field the caller got wrong
  switch (e.code) {
    case Code::invalid:
      return HttpError(400, "Bad Request", detail, extra);
    case Code::notfound:
      return HttpError(404, "Not Found", detail, extra);
    case Code::conflict:
      return HttpError(409, "Conflict", detail, extra);
    case Code::busy:
      return HttpError(503, "Service Unavailable", detail, extra);
    case Code::refused:
      if (e.detail)
        for (const auto& k : e.detail->getNames()) extra->set(k, e.detail->get(k));
      return HttpError(422, "Refused by a fairness guardrail", detail, extra);
    case Code::error:
      break;
  }
  return HttpError(500, "Internal Server Error", detail, extra);
}

}  // namespace hoshi::http
