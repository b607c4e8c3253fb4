// The connector interface: a supplier source (the ERP's supplier master) and/or a
// status sink (where buyers look in that system). Connectors are made from the explicit
// table in registry.cpp, configured in connectors.yaml and run by sync.cpp, which owns
// the conflict policy: the source system owns codes, names and contact details;
// Hoshitori owns statuses; a supplier the source no longer lists becomes inactive.
#pragma once
#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/standing.hpp"

namespace hoshi::catalog::detail {
class Doc;
}

namespace hoshi::connectors {

// The other system could not be reached or refused: nothing was applied, the next run
// tries again. The message names the system and what failed.
struct ConnectorError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A supplier as the source system has it.
struct SourceSupplier {
  std::string external_id;  // the source's own id, as the sink needs it back ("12")
  std::string where;        // for people: "Tryton party 12"
  std::string code, name;
  std::optional<std::string> corporate_number, email, contact, department;
};

// What a sink writes back for one supplier.
struct StandingRow {
  std::string vendor_code, external_id;
  Standing standing = Standing::unknown;
  int required_scs = 3;
  // 充足, 期限間近, 期限切れ, 不足, 未報告, or 当社の暫定基準（★3相当）(・期限間近) when the
  // standing rests on the buyer's own interim rule (standing_label of the result)
  std::string label;
};

struct PushReport {
  long long written = 0, unchanged = 0;
};

class Connector {
 public:
  virtual ~Connector() = default;
  virtual bool reads_suppliers() const { return false; }
  virtual bool writes_standings() const { return false; }
  // The whole supplier master, or ConnectorError: never a partial list (a partial list
  // would make the missing suppliers inactive).
  virtual std::vector<SourceSupplier> read_suppliers() { throw ConnectorError("this connector reads no suppliers"); }
  // Writes each row's standing into the other system; only what differs is written.
  // With `dry_run` it counts what it would write and writes nothing.
  virtual PushReport write_standings(const std::vector<StandingRow>& rows, bool dry_run) {
    (void)rows;
    (void)dry_run;
    throw ConnectorError("this connector writes no standings");
  }
};

// One `connectors:` entry of connectors.yaml. A factory reads its own keys from `node`
// and reports mistakes through `doc` (file:line).
struct ConnectorSettings {
  std::string name, kind;
  int every_minutes = 0;  // serve's schedule; 0: only `hoshitori sync`
  YAML::Node node;
  std::shared_ptr<const catalog::detail::Doc> doc;
};

}  // namespace hoshi::connectors
