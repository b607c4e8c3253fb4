// Benchmarks for issue "Foundation": every figure is printed beside a reference
// measured in the same run on the same data, as a ratio.
//   1. import of N suppliers (CLI, one process) vs the sqlite3 CLI's .import of the same CSV
//   2. 1,000,000 hoshitori_supplier_status calls vs a raw prepared SQLite point query
//   3. peak memory (max RSS) of each
// Usage: hoshitori_bench [--rows N] [--calls N] [--dir DIR]
#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "hoshitori/hoshitori.h"

namespace {
using bench::Clock;
using bench::run;
using bench::RunResult;
using bench::seconds_since;

int check_digit(const std::string& base12) {
  int sum = 0;
  for (int n = 1; n <= 12; ++n) sum += (base12[12 - n] - '0') * ((n % 2) ? 1 : 2);
  return 9 - sum % 9;
}

// A supplier master as a Japanese ERP exports it (UTF-8 with BOM, CRLF).
void write_csv(const std::string& path, int rows, std::vector<std::string>& codes) {
  static const char* kinds[] = {"株式会社", "有限会社", "", "合同会社"};
  static const char* words[] = {"青葉",   "髙橋",   "東邦", "北斗", "みどり",
                                "さくら", "富士見", "光和", "南海", "オリオン"};
  static const char* trades[] = {"製作所", "精密工業", "電子", "金型", "物流", "化成", "システム", "鋳造"};
  static const char* sa[] = {"", "★", "★★", "一つ星", "二つ星", "2"};
  static const char* scs[] = {"", "", "★3", "★4", "3"};
  static const char* ota[] = {"", "", "", "SOMPO SHERIFF", "防検サイバー"};
  std::mt19937 rng(42);
  std::ofstream out(path, std::ios::binary);
  out << "\xEF\xBB\xBF取引先コード,会社名,法人番号,メールアドレス,担当者,部署,SA,SA宣言日,お助け隊サービス,"
         "お助け隊契約期限,SCS,SCS有効期限,機密情報取扱い,事業停止影響,社内システム接続\r\n";
  codes.clear();
  for (int i = 0; i < rows; ++i) {
    char code[16];
    std::snprintf(code, sizeof code, "V%06d", i);
    codes.push_back(code);
    char base[16];
    std::snprintf(base, sizeof base, "%012u", static_cast<unsigned>(rng() % 1000000000u) * 1000u + i % 1000);
    std::string cn = std::to_string(check_digit(base)) + base;
    std::string name = std::string(kinds[rng() % 4]) + words[rng() % 10] + trades[rng() % 8] + std::to_string(i);
    const char* s = sa[rng() % 6];
    const char* l = scs[rng() % 5];
    const char* o = ota[rng() % 5];
    out << code << "," << name << "," << ((rng() % 10) ? cn : "") << ",info" << i << "@supplier.example,担当 " << i % 97
        << ",調達" << i % 7 << "課," << s << "," << (*s ? "2026/4/1" : "") << "," << o << ","
        << (*o ? "令和9年3月31日" : "") << "," << l << "," << (*l ? "2027-09-30" : "") << ","
        << ((rng() % 3) ? "いいえ" : "はい") << ",いいえ,いいえ\r\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  int rows = 100000;
  long calls = 1000000;
  std::string dir = (std::filesystem::temp_directory_path() / ("hoshitori-bench-" + std::to_string(getpid()))).string();
  bool keep = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--rows") rows = std::atoi(argv[i + 1]);
    if (a == "--calls") calls = std::atol(argv[i + 1]);
    if (a == "--dir") {
      dir = argv[i + 1];
      keep = true;  // a folder the caller named is left for inspection
    }
  }
  std::filesystem::create_directories(dir);
  setenv("HOSHITORI_SCHEMAS", HOSHITORI_SCHEMAS_DIR, 0);
  const std::string csv = dir + "/suppliers.csv";
  std::vector<std::string> codes;
  write_csv(csv, rows, codes);
  std::printf("hoshitori bench: %d suppliers (%.1f MB CSV), %ld status calls, in %s\n", rows,
              static_cast<double>(std::filesystem::file_size(csv)) / 1e6, calls, dir.c_str());

  // --- 1. import ---------------------------------------------------------------------
  const std::string ref_db = dir + "/reference.sqlite", our_db = dir + "/hoshitori.sqlite";
  const std::string script = dir + "/import.sql";
  std::ofstream(script) << ".mode csv\n.import " << csv << " suppliers\n";
  // each import three times into a fresh database; the median counts (the machine is shared)
  auto median = [](std::vector<RunResult> v) {
    std::sort(v.begin(), v.end(), [](const RunResult& a, const RunResult& b) { return a.seconds < b.seconds; });
    return v[v.size() / 2];
  };
  // the floor: the sqlite3 CLI alone reading the same CSV (.import into a scratch table)
  // and filling Hoshitori's schema (indexes, constraints) with INSERT … SELECT — the
  // same storage work without any parsing, checking or normalising of ours
  const std::string floor_db = dir + "/floor.sqlite", floor_script = dir + "/floor.sql";
  std::ofstream(floor_script)
      << ".mode csv\n.import " << csv << " x\n"
      << "INSERT INTO suppliers (vendor_code, name, name_normalized, corporate_number, email, contact, department,"
         " sa_declared_on, ota_service, ota_end, scs_valid_until, active, generation, created_at, created_by,"
         " created_source, updated_at) SELECT \"取引先コード\", \"会社名\", \"会社名\", NULLIF(\"法人番号\", ''),"
         " \"メールアドレス\", \"担当者\", \"部署\", NULLIF(\"SA宣言日\", ''), NULLIF(\"お助け隊サービス\", ''),"
         " NULLIF(\"お助け隊契約期限\", ''), NULLIF(\"SCS有効期限\", ''), 1, 1, 't', 'bench', 'csv:' || rowid, 't' "
         "FROM x;\n";
  std::vector<RunResult> refs, ourss, agains, floors;
  for (int round = 0; round < 3; ++round) {
    for (const auto& f : {ref_db, our_db, our_db + "-wal", our_db + "-shm"}) std::filesystem::remove(f);
    refs.push_back(run({"sqlite3", ref_db}, script));
    for (const auto& f : {floor_db, floor_db + "-wal", floor_db + "-shm"}) std::filesystem::remove(f);
    run({HOSHITORI_CLI, "--db", floor_db, "init"});
    floors.push_back(run({"sqlite3", floor_db}, floor_script));
    RunResult init = run({HOSHITORI_CLI, "--db", our_db, "init"});
    ourss.push_back(run({HOSHITORI_CLI, "--db", our_db, "import", "suppliers", csv, "--json"}));
    agains.push_back(run({HOSHITORI_CLI, "--db", our_db, "import", "suppliers", csv, "--json"}));
    if (refs.back().status != 0 || init.status != 0 || ourss.back().status != 0 || agains.back().status != 0) {
      std::fprintf(stderr, "import failed (sqlite3 %d, init %d, hoshitori %d, again %d)\n", refs.back().status,
                   init.status, ourss.back().status, agains.back().status);
      return 1;
    }
  }
  RunResult ref = median(refs), ours = median(ourss), again = median(agains), floor = median(floors);
  std::printf("\nimport %d suppliers (median of 3 runs each)\n", rows);
  std::printf("  sqlite3 .import (reference)   %7.3f s   max RSS %6ld KB\n", ref.seconds, ref.max_rss_kb);
  std::printf("  sqlite3 .import + INSERT into our schema %.3f s   max RSS %6ld KB   ratio %.2fx (storage alone)\n",
              floor.seconds, floor.max_rss_kb, floor.seconds / ref.seconds);
  std::printf("  hoshitori import suppliers    %7.3f s   max RSS %6ld KB   ratio %.2fx (target <= 2x)\n", ours.seconds,
              ours.max_rss_kb, ours.seconds / ref.seconds);
  std::printf("  re-import, nothing changed    %7.3f s   max RSS %6ld KB   ratio %.2fx\n", again.seconds,
              again.max_rss_kb, again.seconds / ref.seconds);

  // --- 2. status lookups ---------------------------------------------------------------
  std::mt19937 rng(7);
  std::vector<const char*> keys(65536);
  for (auto& k : keys) k = codes[rng() % codes.size()].c_str();

  sqlite3* raw = nullptr;
  sqlite3_open_v2(our_db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(raw,
                     "SELECT sa_level, scs_level, scs_valid_until, ota_end, corporate_number FROM suppliers "
                     "WHERE vendor_code = ?",
                     -1, &st, nullptr);
  long found_raw = 0;
  auto t0 = Clock::now();
  for (long i = 0; i < calls; ++i) {
    sqlite3_bind_text(st, 1, keys[i & 65535], -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) found_raw += sqlite3_column_int(st, 1) >= 0;
    sqlite3_reset(st);
  }
  double raw_s = seconds_since(t0);
  sqlite3_finalize(st);
  sqlite3_close(raw);

  hoshitori* db = nullptr;
  if (hoshitori_open(our_db.c_str(), &db) != HOSHITORI_OK) {
    std::fprintf(stderr, "hoshitori_open: %s\n", hoshitori_errmsg(db));
    return 1;
  }
  hoshitori_supplier_status_t s;
  long found = 0;
  // first touch of every key loads it from the database: measured separately
  t0 = Clock::now();
  for (const char* k : keys) {
    s.size = sizeof s;
    found += hoshitori_supplier_status(db, k, &s) == HOSHITORI_OK;
  }
  double warm_s = seconds_since(t0);
  found = 0;
  t0 = Clock::now();
  for (long i = 0; i < calls; ++i) {
    s.size = sizeof s;
    found += hoshitori_supplier_status(db, keys[i & 65535], &s) == HOSHITORI_OK;
  }
  double ours_s = seconds_since(t0);
  hoshitori_close(db);
  if (found != calls || found_raw != calls) {
    std::fprintf(stderr, "lookups missed: hoshitori %ld, sqlite %ld of %ld\n", found, found_raw, calls);
    return 1;
  }
  std::printf("\n%ld status lookups by vendor code (%zu distinct keys)\n", calls, keys.size());
  std::printf("  raw prepared SQLite point query (reference)  %7.3f s  %7.0f ns/call\n", raw_s, raw_s * 1e9 / calls);
  std::printf("  hoshitori_supplier_status                    %7.3f s  %7.0f ns/call  ratio %.2fx (target <= 1x)\n",
              ours_s, ours_s * 1e9 / calls, ours_s / raw_s);
  std::printf("  first touch of %zu keys (loads from the database)  %.3f s\n", keys.size(), warm_s);

  struct rusage self {};
  getrusage(RUSAGE_SELF, &self);
  std::printf("\npeak memory of this benchmark process (both lookup loops): %ld KB\n", self.ru_maxrss);
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
