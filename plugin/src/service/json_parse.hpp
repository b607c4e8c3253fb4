// The one checked JSON parse for everything that comes in from outside: REST bodies, the
// C ABI's hoshitori_query_json, JSON files given to the CLI.
//
// Poco's parser keeps the last of two equal keys without a word, so
// {"supplier":"V0001",…,"supplier":"V0002"} would act on V0002 while a reviewer (or a
// proxy, or a log) reads V0001. parse_json refuses any object that gives a key twice,
// at any depth, naming the key by its path ("scs.level", "overrides[1].rule").
#pragma once
#include <Poco/Dynamic/Var.h>

#include <stdexcept>
#include <string>

namespace hoshi::api {

struct DuplicateKey : std::runtime_error {
  explicit DuplicateKey(const std::string& path_)
      : std::runtime_error("duplicate key \"" + path_ + "\""), path(path_) {}
  std::string path;  // "supplier", "scs.level", "overrides[1].rule"
};

// As Poco::JSON::Parser().parse(text). Throws Poco::Exception (Poco::JSON::JSONException)
// for text that is not JSON, DuplicateKey for a key given twice in one object.
Poco::Dynamic::Var parse_json(const std::string& text);

}  // namespace hoshi::api
