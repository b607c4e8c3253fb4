// Renders the letters and agreement documents from the Mustache templates in
// templates/{ja,en}/NAME.{txt,html}.mustache. HTML escapes every value; text does not.
#pragma once
#include <Poco/JSON/Object.h>

#include <string>

namespace hoshi::records {

class Templates {
 public:
  // `dir` holds ja/ and en/.
  explicit Templates(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  // format: "txt" or "html". Throws std::runtime_error naming the template file on a
  // missing file or a template error.
  std::string render(const std::string& lang, const std::string& name, const std::string& format,
                     const Poco::JSON::Object::Ptr& context) const;

 private:
  std::string dir_;
};

// Renders one Mustache source with a JSON context; `html` escapes every {{value}}.
// Throws std::runtime_error naming `what` on a template error.
std::string render_mustache(const std::string& source, const Poco::JSON::Object::Ptr& context, bool html,
                            const std::string& what);

// templates/ beside the schemas folder ($HOSHITORI_TEMPLATES when set).
std::string default_templates_dir(const std::string& schemas_dir);

// 1200000 → "1,200,000円"
std::string yen(long long amount);

}  // namespace hoshi::records
