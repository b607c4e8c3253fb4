// Reading one schemas/*.yaml file with errors that name "file:line: what".
#pragma once
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog_loader.hpp"
#include "catalog/yaml_load.hpp"
#include "core/date.hpp"
#include "core/text.hpp"

namespace hoshi::catalog::detail {

// Reads one YAML file, remembering its name for error messages.
class Doc {
 public:
  explicit Doc(std::string file) : file_(std::move(file)) {
    root_ = load_yaml_file(file_);  // bounded, no anchors or aliases (yaml_load.hpp)
    if (!root_.IsMap()) throw fail(root_, "top level must be a mapping");
    refuse_duplicate_keys(root_);
  }

  // YAML parsers keep the first of two equal keys without a word: a second
  // "expiring_window_days:" further down would be silently ignored.
  void refuse_duplicate_keys(const YAML::Node& n) const {
    if (n.IsMap()) {
      std::set<std::string> keys;
      for (const auto& kv : n) {
        if (kv.first.IsScalar() && !keys.insert(kv.first.Scalar()).second)
          throw fail(kv.first, "key '" + kv.first.Scalar() + "' appears twice");
        refuse_duplicate_keys(kv.second);
      }
    } else if (n.IsSequence()) {
      for (const auto& item : n) refuse_duplicate_keys(item);
    }
  }

  const YAML::Node& root() const { return root_; }

  CatalogError fail(const YAML::Node& at, const std::string& what) const {
    int line = at.IsDefined() ? at.Mark().line + 1 : 0;
    if (line <= 0) line = 1;
    return CatalogError(file_ + ":" + std::to_string(line) + ": " + what);
  }

  YAML::Node req(const YAML::Node& parent, const std::string& key) const {
    YAML::Node n = parent[key];
    if (!n.IsDefined() || n.IsNull()) throw fail(parent, "missing '" + key + "'");
    return n;
  }

  std::string str(const YAML::Node& parent, const std::string& key) const {
    YAML::Node n = req(parent, key);
    if (!n.IsScalar()) throw fail(n, "'" + key + "' must be a text value");
    std::string s = n.as<std::string>();
    if (!text::is_valid_utf8(s)) throw fail(n, "'" + key + "' is not valid UTF-8");
    return s;
  }

  std::string opt_str(const YAML::Node& parent, const std::string& key) const {
    YAML::Node n = parent[key];
    if (!n.IsDefined() || n.IsNull()) return {};
    return str(parent, key);
  }

  int integer(const YAML::Node& n, const std::string& what, int min, int max) const {
    if (!n.IsScalar()) throw fail(n, what + " must be a number");
    int v = 0;
    try {
      v = n.as<int>();
    } catch (const YAML::Exception&) {
      throw fail(n, what + " must be a whole number, not '" + n.Scalar() + "'");
    }
    if (v < min || v > max)
      throw fail(n, what + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " +
                        std::to_string(v));
    return v;
  }

  int integer(const YAML::Node& parent, const std::string& key, int min, int max, std::optional<int> fallback) const {
    YAML::Node n = parent[key];
    if ((!n.IsDefined() || n.IsNull()) && fallback) return *fallback;
    return integer(req(parent, key), "'" + key + "'", min, max);
  }

  bool boolean(const YAML::Node& parent, const std::string& key, bool fallback) const {
    YAML::Node n = parent[key];
    if (!n.IsDefined() || n.IsNull()) return fallback;
    try {
      return n.as<bool>();
    } catch (const YAML::Exception&) {
      throw fail(n, "'" + key + "' must be true or false");
    }
  }

  Date date(const YAML::Node& parent, const std::string& key) const {
    YAML::Node n = req(parent, key);
    Date d;
    if (!n.IsScalar() || !parse_iso_date(n.Scalar(), d))
      throw fail(n, "'" + key + "' must be a date YYYY-MM-DD, not '" + (n.IsScalar() ? n.Scalar() : "") + "'");
    return d;
  }

  YAML::Node seq(const YAML::Node& parent, const std::string& key) const {
    YAML::Node n = req(parent, key);
    if (!n.IsSequence()) throw fail(n, "'" + key + "' must be a list");
    return n;
  }

  void only_keys(const YAML::Node& map, std::initializer_list<const char*> allowed) const {
    std::set<std::string> ok(allowed.begin(), allowed.end());
    for (const auto& kv : map) {
      std::string k = kv.first.as<std::string>();
      if (!ok.count(k)) throw fail(kv.first, "unknown key '" + k + "'");
    }
  }

  // The schema of one mapping, checked in one place by keys(): each key the file may
  // give, its shape, and whether the file must give it. A section (mapping or list) that
  // is there must not be left empty ("mail:" with nothing under it is a cut file, not a
  // choice): a list that is meant to be empty is written [].
  enum class Shape { scalar, map, list };
  struct Key {
    const char* name;
    Shape shape;
    bool required;
  };

  // `map` (named `where` in messages; "" for the top level) must be a mapping with no
  // key its schema does not name, every required key and every key of its shape.
  template <std::size_t N>
  void keys(const YAML::Node& map, const std::string& where, const Key (&schema)[N]) const {
    keys(map, where, schema, N);
  }

  void keys(const YAML::Node& map, const std::string& where, const Key* schema, std::size_t n) const {
    const std::string in = where.empty() ? "" : " in '" + where + "'";
    if (!map.IsMap())
      throw fail(map, (where.empty() ? std::string("the top level") : "'" + where + "'") +
                          " must be a mapping (key: value lines)");
    std::string known;
    for (std::size_t i = 0; i < n; ++i) known += (i ? ", " : "") + std::string(schema[i].name);
    std::vector<bool> given(n, false);
    for (const auto& kv : map) {
      const std::string k = kv.first.Scalar();
      const Key* key = nullptr;
      for (std::size_t i = 0; i < n && !key; ++i)
        if (k == schema[i].name) {
          key = &schema[i];
          given[i] = true;
        }
      if (!key) throw fail(kv.first, "unknown key '" + k + "'" + in + " (known: " + known + ")");
      const YAML::Node& v = kv.second;
      if (v.IsNull()) {
        // "mail:" with nothing under it is a cut file, not a choice; an optional
        // single value left empty is simply not given
        if (!key->required && key->shape == Shape::scalar) continue;
        throw fail(kv.first, "'" + k + "'" + in + " is empty" +
                                 (key->shape == Shape::list ? " (write [] for none)" : "") +
                                 (key->required ? "; it is required" : ""));
      }
      const bool shaped = key->shape == Shape::scalar ? v.IsScalar()
                          : key->shape == Shape::map  ? v.IsMap()
                                                      : v.IsSequence();
      if (!shaped)
        throw fail(v, "'" + k + "'" + in + " must be " +
                          (key->shape == Shape::scalar ? "a single value"
                           : key->shape == Shape::map  ? "a mapping (key: value lines)"
                                                       : "a list"));
    }
    for (std::size_t i = 0; i < n; ++i)
      if (schema[i].required && !given[i])
        throw fail(map, (where.empty() ? "missing section '" : "'" + where + "' is missing '") +
                            std::string(schema[i].name) + "' (required)");
  }

  void expect_kind(const std::string& key, const std::string& value) const {
    if (str(root_, key) != value) throw fail(root_[key], "'" + key + "' must be '" + value + "' in this file");
  }

 private:
  std::string file_;
  YAML::Node root_;
};

}  // namespace hoshi::catalog::detail
