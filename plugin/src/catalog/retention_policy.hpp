// policy.yaml's `retention:` section: how long each kind of record is kept before
// `hoshitori purge` may delete it, with the legal minimums enforced at load.
#pragma once
#include <yaml-cpp/yaml.h>

#include "catalog/yaml_doc.hpp"
#include "core/catalogs.hpp"

namespace hoshi::catalog {

// Reads `retention:` from the policy's top level `root` into `p.retention`:
//   retention:
//     requests_years: 2      # ≥ 2 (取適法 7条)
//     agreements_years: 7    # ≥ 7 (法人税法施行規則59条) and ≥ requests_years
// The key of earlier versions, `retention_years: N` (one number for every record), is
// still read when `retention:` is absent: requests N years, agreements max(N, 7) years,
// so no record goes sooner than it did. Giving both, or neither, throws CatalogError
// "file:line: …", as does a period below its minimum.
void load_retention_policy(const detail::Doc& d, const YAML::Node& root, Policy& p);

}  // namespace hoshi::catalog
