#include "store/sync_runs.hpp"

#include "store/rows.hpp"

namespace hoshi::records {

using store::Columns;
using store::execute;
using store::for_each_named;
using store::NamedRow;

void SyncRuns::record(const std::string& connector, const std::string& started_at, const std::string& finished_at,
                      const std::string& outcome, const std::string& report) {
  execute(db_,
          "INSERT INTO sync_runs (connector, started_at, finished_at, dry_run, outcome, report) "
          "VALUES (:a, :b, :c, 0, :d, :e)",
          {connector, started_at, finished_at, outcome, report});
}

std::string SyncRuns::last_finished(const std::string& connector) {
  static const Columns cols("MAX(finished_at) AS finished_at");
  std::string out;
  for_each_named(db_, cols, "FROM sync_runs WHERE connector = :a", {connector},
                 [&](const NamedRow& r) { out = r.text("finished_at"); });
  return out;
}

std::vector<SyncRun> SyncRuns::latest_failed() {
  static const Columns cols("s.connector, s.report, s.finished_at");
  std::vector<SyncRun> out;
  for_each_named(db_, cols,
                 "FROM sync_runs s WHERE s.outcome = 'failed' AND s.id = (SELECT MAX(t.id) FROM sync_runs t "
                 "WHERE t.connector = s.connector) ORDER BY s.connector",
                 {}, [&](const NamedRow& r) {
                   out.push_back({r.text("connector"), r["report"].value_or("{}"), r.text("finished_at")});
                 });
  return out;
}

std::vector<std::pair<std::string, std::string>> ConnectorLinks::of(const std::string& connector) {
  static const Columns cols("vendor_code, external_id");
  std::vector<std::pair<std::string, std::string>> out;
  for_each_named(db_, cols, "FROM connector_links WHERE connector = :a ORDER BY vendor_code", {connector},
                 [&](const NamedRow& r) { out.emplace_back(r.text("vendor_code"), r.text("external_id")); });
  return out;
}

void ConnectorLinks::link(const std::string& connector, const std::string& vendor_code, const std::string& external_id,
                          const std::string& at) {
  if (execute(db_,
              "UPDATE connector_links SET external_id = :c, seen_at = :d WHERE connector = :a AND vendor_code = :b",
              {external_id, at, connector, vendor_code}) == 0)
    execute(db_, "INSERT INTO connector_links (connector, vendor_code, external_id, seen_at) VALUES (:a, :b, :c, :d)",
            {connector, vendor_code, external_id, at});
}

}  // namespace hoshi::records
