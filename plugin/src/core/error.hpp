// The error model: one exception type, hoshi::Error, for every outcome a caller can act
// on — its Code, the message, the field or key it concerns, and extra keys for the error
// document (the refused rules). Each boundary translates a Code once: capi/ to the ABI's
// result codes (abi_code), http/ to a status (http_error), cli/ to an exit code
// (exit_code). Anything else that escapes — a std::exception from a corrupt stored value
// or a bug — is Code::error with its message, never blamed on the caller.
#pragma once
#include <Poco/JSON/Object.h>

#include <stdexcept>
#include <string>

namespace hoshi {

// The outcomes. The numbers are the "code" of the error documents (query_json's, REST's),
// the same as the public header's HOSHITORI_* (capi/ checks each at compile time).
enum class Code : int {
  error = -1,     // not the caller's doing: an internal failure, a corrupt stored value
  invalid = -2,   // a bad argument or input (names the field)
  notfound = -3,  // no such supplier, request, file… that the caller named
  conflict = -4,  // the change conflicts with stored data (or a state that forbids it)
  busy = -6,      // another writer held the database too long: try again
  refused = -7,   // a fairness guardrail refused (detail names the rules)
};

// The number an error document carries for `c` ({"error": …, "code": -2}).
constexpr int document_code(Code c) { return static_cast<int>(c); }

struct Error : std::runtime_error {
  Error(Code c, const std::string& what, std::string field = {})
      : std::runtime_error(what), code(c), field(std::move(field)) {}
  Error(Code c, const std::string& what, Poco::JSON::Object::Ptr d)
      : std::runtime_error(what), code(c), detail(std::move(d)) {}
  Code code;
  std::string field;               // the field or key it concerns ("" when none)
  Poco::JSON::Object::Ptr detail;  // extra keys for the error document (refused rules)
};

}  // namespace hoshi
