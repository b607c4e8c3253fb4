// The one way Hoshitori reads a YAML file (schemas/*.yaml, the policy, connectors.yaml,
// the screens' labels.yaml): bounded in size, one document, no anchors or aliases.
//
// yaml-cpp expands aliases while it builds nodes, and walking the result visits every
// expansion: nine lines of nested aliases ("billion laughs") hang the loader. Our files
// are written by people and never need them, so an anchor (&name) or an alias (*name) is
// refused before any node is built, by a scan of the parser's events.
#pragma once
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>

namespace hoshi::catalog {

// Larger than any configuration file a person writes (the SCS catalog is ~40 KiB).
inline constexpr std::size_t kMaxYamlBytes = 4u << 20;

// Parses the first and only document of `text`; `name` (the file) prefixes every
// error: "name:line: what". Throws CatalogError.
YAML::Node load_yaml_text(const std::string& text, const std::string& name);

// Reads `file` (at most kMaxYamlBytes) and parses it as load_yaml_text does. Throws
// CatalogError: "file: file not found", "file: larger than 4 MiB …", "file:line: …".
YAML::Node load_yaml_file(const std::string& file);

}  // namespace hoshi::catalog
