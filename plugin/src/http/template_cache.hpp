// The web templates (templates/web/NAME.html.mustache), read once and rendered with
// every value HTML-escaped.
#pragma once
#include <Poco/JSON/Object.h>

#include <map>
#include <mutex>
#include <string>

namespace hoshi::http {

class TemplateCache {
 public:
  explicit TemplateCache(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  // Throws std::runtime_error naming the file when it is missing or malformed.
  std::string render(const std::string& name, const Poco::JSON::Object::Ptr& context);

 private:
  std::string dir_;
  std::mutex mutex_;
  std::map<std::string, std::string> sources_;
};

}  // namespace hoshi::http
