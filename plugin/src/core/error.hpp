// The one exception type for an outcome the caller can act on: `code` is a HOSHITORI_*
// result code, `detail` extra keys for the error document.
#pragma once
#include <Poco/JSON/Object.h>

#include <stdexcept>
#include <string>

namespace hoshi::api {

// A request the caller got wrong (bad JSON, unknown op, bad field) or that names
// something missing; `code` is a HOSHITORI_* result code.
struct ApiError : std::runtime_error {
  ApiError(int c, const std::string& what, Poco::JSON::Object::Ptr d = nullptr)
      : std::runtime_error(what), code(c), detail(std::move(d)) {}
  int code;
  Poco::JSON::Object::Ptr detail;  // extra keys for the error document (refused rules)
};

}  // namespace hoshi::api
