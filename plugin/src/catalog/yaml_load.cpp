#include "catalog/yaml_load.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "catalog/catalog_loader.hpp"

namespace hoshi::catalog {

namespace {

std::string at(const std::string& name, const YAML::Mark& m) {
  return name + ":" + std::to_string(m.line >= 0 ? m.line + 1 : 1) + ": ";
}

// The name after '*' or '&' at byte `pos` of `text`, as the writer spelled it.
std::string name_at(const std::string& text, int pos, char sigil) {
  if (pos < 0 || static_cast<std::size_t>(pos) >= text.size() || text[static_cast<std::size_t>(pos)] != sigil)
    return "…";
  std::string n;
  for (std::size_t i = static_cast<std::size_t>(pos) + 1; i < text.size() && n.size() < 64; ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}')
      break;
    n += c;
  }
  return n.empty() ? "…" : n;
}

// Sees every event of the parse and refuses anchors and aliases where they stand.
class NoAliases : public YAML::EventHandler {
 public:
  NoAliases(const std::string& text, const std::string& name) : text_(text), name_(name) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { anchor(m, a); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override {
    throw CatalogError(at(name_, m) + "YAML aliases (*" + name_at(text_, m.pos, '*') +
                       ") are not accepted: write the value out in full");
  }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a, const std::string&) override {
    anchor(m, a);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
    anchor(m, a);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
    anchor(m, a);
  }
  void OnMapEnd() override {}
  void OnAnchor(const YAML::Mark& m, const std::string& anchor_name) override {
    throw CatalogError(at(name_, m) + "YAML anchors (&" + anchor_name +
                       ") are not accepted: write each value out in full");
  }

 private:
  // yaml-cpp calls OnAnchor first; this is the guard should a version not.
  void anchor(const YAML::Mark& m, YAML::anchor_t a) const {
    if (a != YAML::NullAnchor)
      throw CatalogError(at(name_, m) + "YAML anchors (&" + name_at(text_, m.pos, '&') +
                         ") are not accepted: write each value out in full");
  }

  const std::string& text_;
  const std::string& name_;
};

}  // namespace

YAML::Node load_yaml_text(const std::string& text, const std::string& name) {
  if (text.size() > kMaxYamlBytes)
    throw CatalogError(name + ": larger than " + std::to_string(kMaxYamlBytes >> 20) +
                       " MiB; a configuration file is a few KB");
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    NoAliases scan(text, name);
    int documents = 0;
    while (parser.HandleNextDocument(scan))
      if (++documents > 1)
        throw CatalogError(name + ": holds more than one YAML document (a second '---'); only one is read");
    return YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    throw CatalogError(at(name, e.mark) + "nested too deeply (" + std::to_string(e.depth()) + " levels)");
  } catch (const YAML::ParserException& e) {
    throw CatalogError(at(name, e.mark) + e.msg);
  } catch (const YAML::Exception& e) {
    throw CatalogError(name + ": " + e.what());
  }
}

YAML::Node load_yaml_file(const std::string& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw CatalogError(file + ": file not found");
  if (std::filesystem::is_directory(file, ec)) throw CatalogError(file + ": is a folder, not a YAML file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CatalogError(file + ": cannot read file");
  // read at most one byte more than allowed: a device or a growing file cannot make us read on
  std::string text(kMaxYamlBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw CatalogError(file + ": cannot read file");
  text.resize(static_cast<std::size_t>(in.gcount()));
  return load_yaml_text(text, file);
}

}  // namespace hoshi::catalog
