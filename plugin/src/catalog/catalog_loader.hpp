// Loads and validates schemas/*.yaml. Any problem throws CatalogError whose message
// is "file:line: what is wrong".
#pragma once
#include <stdexcept>
#include <string>

#include "core/catalogs.hpp"
#include "core/error.hpp"

namespace hoshi::catalog {

struct CatalogError : Error {
  explicit CatalogError(const std::string& what) : Error(Code::invalid, what) {}
};

Policy load_policy(const std::string& file);
ScsCatalog load_scs(const std::string& file);
SaCatalog load_security_action(const std::string& file);
OtasuketaiRegistry load_otasuketai(const std::string& file);
// The fairness rules; refuses unknown checks, duplicate ids and a missing built-in rule.
std::vector<GuardrailRule> load_guardrails(const std::string& file);

// Loads all five (guardrails.yaml too): schemas_dir/{scs-requirements,security-action,otasuketai-services}.yaml
// and the policy file (schemas_dir/policy.yaml when empty).
Catalogs load_all(const std::string& schemas_dir, const std::string& policy_file);

// The schemas folder to use: explicit, else $HOSHITORI_SCHEMAS, else the installed
// folder, else the source tree's.
std::string default_schemas_dir(const char* explicit_dir);

}  // namespace hoshi::catalog
