#include "core/json_text.hpp"

#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace hoshi::api {

std::string to_string(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(v, out);
  return out.str();
}

}  // namespace hoshi::api
