// Benchmarks for the audit trail (issue 4), each against a reference in the same run:
//   1. `hoshitori export audit --format csv` of N events vs `sqlite3 -csv` of the same
//      rows (target ≤ 1.5×), with the export's peak memory (target < 64 MiB)
//   2. `hoshitori verify` of the chain vs `sha256sum` over the same bytes (the sqlite3
//      CSV of the rows)
// Usage: hoshitori_bench_audit [--events N] [--dir DIR] [--keep]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "bench_util.hpp"
#include "service/service.hpp"
#include "store/audit_log.hpp"

using bench::Clock;
using bench::run;
using bench::RunResult;
using bench::seconds_since;

namespace {
// Realistic events: the actions a year of requests produces, with Japanese payloads.
void generate(const std::string& db_path, long events) {
  hoshi::ServiceOptions o;
  o.database = db_path;
  o.schemas_dir = HOSHITORI_SCHEMAS_DIR;
  hoshi::Service svc(o);
  static const char* actions[] = {"request.issued", "negotiation.estimate", "negotiation.proposal",
                                  "agreement.confirmed", "supplier.updated"};
  long done = 0;
  while (done < events) {
    svc.with_db([&](hoshi::store::Database& db) {
      hoshi::store::WriteTransaction tx(db);
      hoshi::records::AuditLog log(db);
      for (long i = 0; i < 20000 && done < events; ++i, ++done) {
        char subject[32], vendor[16], after[512];
        std::snprintf(subject, sizeof subject, "2026-%05ld", done / 8 + 1);
        std::snprintf(vendor, sizeof vendor, "V%05ld", done % 50000);
        std::snprintf(after, sizeof after,
                      "{\"step\":%ld,\"side\":\"supplier\",\"initial_cost\":%ld,\"message\":\"多要素認証の導入費用の"
                      "見積りです。取引シェアに応じた按分をお願いします。\",\"contracts\":[\"基本契約 %ld\"]}",
                      done % 7, 100000 + done, done % 300);
        log.append({done % 3 ? "調達 太郎" : "supplier:佐藤", actions[done % 5], subject, std::string(vendor),
                    done % 5 == 4 ? std::optional<std::string>("{\"sa_level\":\"1\"}") : std::nullopt,
                    std::string(after)});
      }
      tx.commit();
      return 0;
    });
  }
}

long file_size(const std::string& p) { return static_cast<long>(std::filesystem::file_size(p)); }

double best(std::vector<RunResult>& runs) {
  double b = 1e18;
  for (const auto& r : runs) b = std::min(b, r.seconds);
  return b;
}
}  // namespace

int main(int argc, char** argv) {
  long events = 1000000;
  std::string dir = (std::filesystem::temp_directory_path() / "hoshitori-bench-audit").string();
  bool keep = false;  // --keep: leave the database and files for profiling
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--keep")) keep = true;
    if (i + 1 < argc && !std::strcmp(argv[i], "--events")) events = std::atol(argv[i + 1]);
    if (i + 1 < argc && !std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string db = dir + "/audit.db", ref_csv = dir + "/sqlite3.csv", our_csv = dir + "/hoshitori.csv";

  auto t0 = Clock::now();
  generate(db, events);
  const double gen = seconds_since(t0);
  std::printf("audit trail: %ld events appended in %.1f s (%.0f events/s, hash-chained, in 20k-event transactions)\n",
              events, gen, events / gen);

  const std::string query =
      "SELECT seq, at, actor, action, subject, vendor_code, before_json, after_json, payload_sha256, prev_hash, hash, "
      "redacted_at FROM audit_events ORDER BY seq";
  std::vector<RunResult> refs, ours, sums, verifies;
  for (int round = 0; round < 3; ++round) {  // best of three: the machine is shared
    refs.push_back(run({"sqlite3", "-csv", db, query}, "", ref_csv));
    ours.push_back(run({HOSHITORI_CLI, "--db", db, "export", "audit", "--format", "csv", "--out", our_csv}));
    sums.push_back(run({"sha256sum", ref_csv}));
    verifies.push_back(run({HOSHITORI_CLI, "--db", db, "verify"}));
    for (auto* r : {&refs.back(), &ours.back(), &sums.back(), &verifies.back()})
      if (r->status != 0) {
        std::fprintf(stderr, "a benchmark command failed (status %d)\n", r->status);
        return 1;
      }
  }
  long our_rss = 0, verify_rss = 0;
  for (const auto& r : ours) our_rss = std::max(our_rss, r.max_rss_kb);
  for (const auto& r : verifies) verify_rss = std::max(verify_rss, r.max_rss_kb);
  const double ref = best(refs), our = best(ours), sum = best(sums), ver = best(verifies);
  std::printf("export of %ld events as CSV (best of 3)\n", events);
  std::printf("  sqlite3 -csv (reference)        %7.3f s   %6.1f MB written\n", ref, file_size(ref_csv) / 1e6);
  std::printf("  hoshitori export audit --format csv %7.3f s   %6.1f MB written (BOM, Japanese headers, JST column)\n",
              our, file_size(our_csv) / 1e6);
  std::printf("  ratio %.2fx (target <= 1.5x)   peak memory %ld KB (target < 65536 KB)\n", our / ref, our_rss);
  std::printf("verify of the chain (best of 3)\n");
  std::printf("  sha256sum of the same rows' bytes %7.3f s\n", sum);
  std::printf("  hoshitori verify                  %7.3f s   peak memory %ld KB\n", ver, verify_rss);
  std::printf("  ratio %.2fx\n", ver / sum);
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
