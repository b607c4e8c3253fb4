#include "http/template_cache.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "service/letters.hpp"

namespace hoshi::http {

std::string TemplateCache::render(const std::string& name, const Poco::JSON::Object::Ptr& context) {
  const std::string path = dir_ + "/" + name + ".html.mustache";
  std::string source;
  {
    std::lock_guard lock(mutex_);
    auto it = sources_.find(name);
    if (it == sources_.end()) {
      std::ifstream in(path, std::ios::binary);
      if (!in) throw std::runtime_error(path + ": not found");
      std::stringstream s;
      s << in.rdbuf();
      it = sources_.emplace(name, s.str()).first;
    }
    source = it->second;
  }
  return records::render_mustache(source, context, true, path);
}

}  // namespace hoshi::http
