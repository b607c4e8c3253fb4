// One sync run of a connector: read the source's supplier master, apply it under the
// conflict policy in one transaction (the source owns codes, names, 法人番号 and mail
// addresses; Hoshitori owns statuses; a linked supplier the source no longer lists is made
// inactive, never deleted), then write each supplier's standing back to a sink.
// Idempotent: a second run over unchanged data changes nothing and writes nothing.
#pragma once
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "connectors/connector.hpp"

namespace hoshi {
class Service;
}

namespace hoshi::connectors {

struct SyncRejected {
  std::string where, field, reason;
};

struct SyncReport {
  std::string connector;
  bool dry_run = false;
  std::string error;  // the source or sink failed: nothing of that half was applied
  long long read = 0, created = 0, updated = 0, unchanged = 0, deactivated = 0;
  std::vector<SyncRejected> rejected;
  bool pushed = false;  // the connector writes standings and did (or, dry, would)
  PushReport push;
  bool ok() const { return error.empty(); }
};

SyncReport run_sync(Service& svc, const ConnectorSettings& settings, bool dry_run, const std::string& actor);
// run_sync for each connector of `connectors` (only the one named `only` when not
// empty), in order; a connector that throws gets a report with its error.
std::vector<SyncReport> run_syncs(Service& svc, const std::vector<ConnectorSettings>& connectors,
                                  const std::string& only, bool dry_run, const std::string& actor);
Poco::JSON::Object::Ptr sync_report_json(const SyncReport& r);
// When the connector last ran (finished_at, UTC ISO, "" never), for serve's schedule.
std::string last_sync_at(Service& svc, const std::string& connector);

}  // namespace hoshi::connectors
