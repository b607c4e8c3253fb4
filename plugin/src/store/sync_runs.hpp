// The connectors' tables, one repository each: every sync run (sync_runs, its report as
// JSON) and which supplier a connector's source names how (connector_links). Callers
// own the transaction.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace hoshi::records {

struct SyncRun {
  std::string connector, report, finished_at;  // report: the run's JSON document
};

class SyncRuns {
 public:
  explicit SyncRuns(store::Database& db) : db_(db) {}
  // A run that was not a dry run; outcome "ok" or "failed".
  void record(const std::string& connector, const std::string& started_at, const std::string& finished_at,
              const std::string& outcome, const std::string& report);
  std::string last_finished(const std::string& connector);  // "" when it never ran
  std::vector<SyncRun> latest_failed();                     // each connector whose latest run failed, by name

 private:
  store::Database& db_;
};

class ConnectorLinks {
 public:
  explicit ConnectorLinks(store::Database& db) : db_(db) {}
  // {vendor code, external id} of every supplier the connector linked, by vendor code.
  std::vector<std::pair<std::string, std::string>> of(const std::string& connector);
  // Links (or relinks) the supplier to the source's id, seen at `at`.
  void link(const std::string& connector, const std::string& vendor_code, const std::string& external_id,
            const std::string& at);

 private:
  store::Database& db_;
};

}  // namespace hoshi::records
