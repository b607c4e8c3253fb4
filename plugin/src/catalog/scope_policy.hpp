// policy.yaml's optional `subcontract_scope:` section: the buyer's own capital and regular
// employees and the kind of its transactions, from which each request decides whether
// 取適法 applies (core/subcontract_scope.hpp).
#pragma once
#include <yaml-cpp/yaml.h>

#include "catalog/yaml_doc.hpp"
#include "core/catalogs.hpp"

namespace hoshi::catalog {

// Reads, when present:
//   subcontract_scope:
//     transaction_kind: manufacturing   # one of scope::kind_ids()
//     capital_yen: 5億円                # as the import reads it (「3億円」「300000000」)
//     employees: 800                   # 常時使用する従業員の数
// transaction_kind and at least one figure are required; a bad value throws CatalogError
// "file:line: …". Absent: p.scope stays empty (every scope unknown).
void load_scope_policy(const detail::Doc& d, const YAML::Node& root, Policy& p);

}  // namespace hoshi::catalog
