// Renders the letters and agreement documents from the Mustache templates in
// templates/{ja,en}/NAME.{txt,html}.mustache. HTML escapes every value; text does not.
#pragma once
#include <Poco/JSON/Object.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace hoshi::records {

class Templates {
 public:
  // `dir` holds ja/ and en/.
  explicit Templates(std::string dir) : dir_(std::move(dir)) {}
  // (a Templates reads each file once; copies share what was read)
  const std::string& dir() const { return dir_; }
  // format: "txt", "html" or "subject" (text, not escaped). Throws std::runtime_error naming the template file on a
  // missing file or a template error.
  std::string render(const std::string& lang, const std::string& name, const std::string& format,
                     const Poco::JSON::Object::Ptr& context) const;

 private:
  std::string dir_;
  std::shared_ptr<std::mutex> sources_mutex_ = std::make_shared<std::mutex>();
  std::shared_ptr<std::map<std::string, std::shared_ptr<const std::string>>> sources_ =
      std::make_shared<std::map<std::string, std::shared_ptr<const std::string>>>();
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
