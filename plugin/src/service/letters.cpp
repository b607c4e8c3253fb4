#include "service/letters.hpp"

#include <Poco/JSON/Array.h>
#include <kainjow/mustache.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/error.hpp"

namespace hoshi::records {

namespace mu = kainjow::mustache;

namespace {
mu::data to_data(const Poco::Dynamic::Var& v) {
  if (v.isEmpty()) return mu::data(false);
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
    const auto& o = v.extract<Poco::JSON::Object::Ptr>();
    mu::data d(mu::data::type::object);
    if (!o) return d;
    for (const auto& key : o->getNames()) d.set(key, to_data(o->get(key)));
    return d;
  }
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    const auto& a = v.extract<Poco::JSON::Array::Ptr>();
    mu::data d(mu::data::type::list);
    if (a)
      for (std::size_t i = 0; i < a->size(); ++i) d.push_back(to_data(a->get(static_cast<unsigned>(i))));
    return d;
  }
  if (v.type() == typeid(bool)) return mu::data(v.extract<bool>());
  return mu::data(v.convert<std::string>());
}
}  // namespace

std::string Templates::render(const std::string& lang, const std::string& name, const std::string& format,
                              const Poco::JSON::Object::Ptr& context) const {
  if (format != "txt" && format != "html" && format != "subject")
    throw Error(Code::invalid, "format must be txt, html or subject, not " + format);
  const std::string path = dir_ + "/" + lang + "/" + name + "." + format + ".mustache";
  std::shared_ptr<const std::string> source;
  {
    std::lock_guard lock(*sources_mutex_);
    auto it = sources_->find(path);
    if (it != sources_->end()) source = it->second;
  }
  if (!source) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": template not found");
    std::stringstream buf;
    buf << in.rdbuf();
    source = std::make_shared<const std::string>(buf.str());
    std::lock_guard lock(*sources_mutex_);
    (*sources_)[path] = source;
  }
  return render_mustache(*source, context, format == "html", path);
}

std::string render_mustache(const std::string& source, const Poco::JSON::Object::Ptr& context, bool html,
                            const std::string& what) {
  mu::mustache tmpl(source);
  if (!tmpl.is_valid()) throw std::runtime_error(what + ": " + tmpl.error_message());
  if (!html) tmpl.set_custom_escape([](const std::string& s) { return s; });
  std::string out = tmpl.render(to_data(Poco::Dynamic::Var(context)));
  if (!tmpl.is_valid()) throw std::runtime_error(what + ": " + tmpl.error_message());
  return out;
}

std::string default_templates_dir(const std::string& schemas_dir) {
  if (const char* env = std::getenv("HOSHITORI_TEMPLATES"); env && *env) return env;
  std::filesystem::path schemas(schemas_dir);
  if (!schemas.has_filename()) schemas = schemas.parent_path();  // "schemas/"
  const std::filesystem::path beside = schemas.parent_path() / "templates";
  if (std::filesystem::exists(beside / "ja")) return beside.string();
  if (std::filesystem::exists(HOSHITORI_INSTALLED_SCHEMAS_DIR "/../templates/ja"))
    return HOSHITORI_INSTALLED_SCHEMAS_DIR "/../templates";
  return HOSHITORI_SOURCE_SCHEMAS_DIR "/../templates";
}

std::string yen(long long amount) {
  std::string digits = std::to_string(amount < 0 ? -amount : amount);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (amount < 0 ? "-" : "") + out + "円";
}

}  // namespace hoshi::records
