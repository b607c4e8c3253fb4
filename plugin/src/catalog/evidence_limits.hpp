// policy.yaml's `evidence:` section: how many evidence files, and how many bytes, a
// supplier may send per form submission, per request and per link and hour.
#pragma once
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>

#include "catalog/yaml_doc.hpp"
#include "core/catalogs.hpp"

namespace hoshi::catalog {

// "31457280", "30 MiB", "512KiB", "1 GiB" → bytes; nullopt (with `why`) for anything
// else, including the decimal "MB"/"KB" (ambiguous: write MiB/KiB, 1 MiB = 1048576).
std::optional<long long> parse_byte_size(std::string_view text, std::string& why);

// Reads `evidence:` (absent or null: every default) into `p.evidence`. Every key is
// optional; unknown keys, values out of range and limits that contradict each other
// throw CatalogError "file:line: …".
void load_evidence_policy(const detail::Doc& d, const YAML::Node& node, Policy& p);

}  // namespace hoshi::catalog
