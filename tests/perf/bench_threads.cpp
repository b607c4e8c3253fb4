// Host threads on one handle (issue 16): 1, 4 and 8 threads doing reads through the C ABI,
// with the handle's pool of read connections and with it forced to one connection (reads
// queue on the write connection, as before the pool), in the same run on the same data.
//   status:     hoshitori_supplier_status by vendor code (answered from the checked cache)
//   query_json: status, history and a 20-row suppliers page in turn (history and the page
//               read the database on every call)
// Every call must succeed, so a smoke-sized run (ctest bench_threads_*) checks the path.
// Usage: hoshitori_bench_threads [--db PATH|URL] [--rows N] [--calls N] [--pool N] [--threads 1,4,8]
//                                [--ops status,history,suppliers]   (the query_json mix)
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.hpp"
#include "hoshitori/hoshitori.h"

namespace {

void write_csv(const std::string& path, int rows) {
  static const char* sa[] = {"", "★", "★★"};
  static const char* scs[] = {"", "★3", "★4"};
  std::ofstream out(path, std::ios::binary);
  out << "取引先コード,会社名,メールアドレス,部署,SA,SA宣言日,SCS,SCS有効期限\n";
  for (int i = 0; i < rows; ++i) {
    char code[16];
    std::snprintf(code, sizeof code, "V%06d", i);
    const char* s = sa[i % 3];
    const char* l = scs[(i / 3) % 3];
    out << code << ",株式会社ベンチ" << i << ",info" << i << "@bench.example,調達" << i % 7 << "課," << s << ","
        << (*s ? "2026-04-01" : "") << "," << l << "," << (*l ? "2027-09-30" : "") << "\n";
  }
}

hoshitori* open_db(const std::string& db, int read_connections) {
  hoshitori_open_options o = HOSHITORI_OPEN_OPTIONS_INIT;
  o.read_connections = read_connections;
  hoshitori* h = nullptr;
  if (hoshitori_open_v2(db.c_str(), &o, &h) != HOSHITORI_OK) {
    std::fprintf(stderr, "open %s: %s\n", db.c_str(), h ? hoshitori_errmsg(h) : "no handle");
    std::exit(1);
  }
  return h;
}

std::atomic<long> g_failed{0};
std::vector<int> g_mix = {0, 1, 2};  // query_json ops in turn: 0 status, 1 history, 2 suppliers page

// One thread's share of the calls: status through the struct, or the query_json mix.
void work(hoshitori* db, bool json, int rows, int thread, long calls) {
  unsigned seed = 2654435761u * static_cast<unsigned>(thread + 1);
  char code[16], request[160];
  for (long i = 0; i < calls; ++i) {
    seed = seed * 1103515245u + 12345u;
    std::snprintf(code, sizeof code, "V%06u", (seed >> 8) % static_cast<unsigned>(rows));
    int rc;
    if (!json) {
      hoshitori_supplier_status_t st;
      st.size = sizeof st;
      rc = hoshitori_supplier_status(db, code, &st);
    } else {
      switch (g_mix[static_cast<std::size_t>(i) % g_mix.size()]) {
        case 0:
          std::snprintf(request, sizeof request, R"({"op":"status","vendor_code":"%s"})", code);
          break;
        case 1:
          std::snprintf(request, sizeof request, R"({"op":"history","vendor_code":"%s"})", code);
          break;
        default:
          std::snprintf(request, sizeof request, R"({"op":"suppliers","limit":20,"offset":%u})",
                        (seed >> 4) % static_cast<unsigned>(rows));
      }
      char* out = nullptr;
      rc = hoshitori_query_json(db, request, &out);
      hoshitori_free(out);
    }
    if (rc != HOSHITORI_OK && g_failed.fetch_add(1) == 0)
      std::fprintf(stderr, "call failed (%d): %s\n", rc, hoshitori_errmsg(db));
  }
}

// Calls per second of `calls` calls split over `threads` threads.
double run(hoshitori* db, bool json, int rows, int threads, long calls) {
  std::vector<std::thread> pool;
  auto t0 = bench::Clock::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back(work, db, json, rows, t, calls / threads + (t < calls % threads ? 1 : 0));
  for (auto& th : pool) th.join();
  return static_cast<double>(calls) / bench::seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  int rows = 20000, pool = 4;
  long calls = 100000;
  std::string db, threads_arg = "1,4,8";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--db") db = argv[i + 1];
    if (a == "--rows") rows = std::atoi(argv[i + 1]);
    if (a == "--calls") calls = std::atol(argv[i + 1]);
    if (a == "--pool") pool = std::atoi(argv[i + 1]);
    if (a == "--threads") threads_arg = argv[i + 1];
    if (a == "--ops") {  // a subset of the query_json mix, e.g. "history"
      g_mix.clear();
      const char* names[] = {"status", "history", "suppliers"};
      for (int op = 0; op < 3; ++op)
        if (std::strstr(argv[i + 1], names[op])) g_mix.push_back(op);
    }
  }
  std::vector<int> thread_counts;
  std::stringstream ts(threads_arg);
  for (std::string n; std::getline(ts, n, ',');) thread_counts.push_back(std::atoi(n.c_str()));
  if (rows < 1 || calls < 1 || pool < 2 || thread_counts.empty() || g_mix.empty()) {
    std::fprintf(stderr,
                 "usage: %s [--db PATH|URL] [--rows N>0] [--calls N>0] [--pool N>1] [--threads 1,4,8] [--ops "
                 "status,history,suppliers]\n",
                 argv[0]);
    return 2;
  }
  setenv("HOSHITORI_SCHEMAS", HOSHITORI_SCHEMAS_DIR, 0);
  const auto dir = std::filesystem::temp_directory_path() / ("hoshitori-bench-threads-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  if (db.empty()) db = (dir / "bench.sqlite").string();
  const std::string csv = (dir / "suppliers.csv").string();
  write_csv(csv, rows);
  {
    hoshitori* h = open_db(db, 1);
    char* out = nullptr;
    const std::string req = R"({"op":"import_suppliers","file":")" + csv + R"(","actor":"bench"})";
    if (hoshitori_query_json(h, req.c_str(), &out) != HOSHITORI_OK) {
      std::fprintf(stderr, "import: %s\n", out ? out : hoshitori_errmsg(h));
      return 1;
    }
    hoshitori_free(out);
    hoshitori_close(h);
  }
  std::printf("hoshitori threads bench: %d suppliers, %ld status / %ld query_json calls per figure, %u cores, %s\n",
              rows, calls, std::max(1L, calls / 5), std::thread::hardware_concurrency(),
              db.rfind("postgres", 0) == 0 ? "PostgreSQL" : "SQLite");
  for (bool json : {false, true}) {
    std::printf("\n%s\n",
                json ? "query_json reads (status, history, suppliers page in turn)" : "hoshitori_supplier_status");
    std::printf("  threads   pool of %d: calls/s  vs 1 thread   one connection: calls/s  vs 1 thread   pool/one\n",
                pool);
    double base[2] = {0, 0};
    for (int threads : thread_counts) {
      double rate[2];
      const long n = json ? std::max(1L, calls / 5) : calls;  // a query_json read costs more
      for (int k = 0; k < 2; ++k) {
        hoshitori* h = open_db(db, k == 0 ? pool : 1);
        run(h, json, rows, 1, std::min<long>(n / 10 + 1, rows));  // warm: caches, connections
        rate[k] = run(h, json, rows, threads, n);
        hoshitori_close(h);
        if (base[k] == 0) base[k] = rate[k];
      }
      std::printf("  %7d   %17.0f  %10.2fx   %22.0f  %10.2fx   %7.2fx\n", threads, rate[0], rate[0] / base[0], rate[1],
                  rate[1] / base[1], rate[0] / rate[1]);
    }
  }
  std::filesystem::remove_all(dir);
  if (g_failed) {
    std::fprintf(stderr, "%ld calls failed\n", g_failed.load());
    return 1;
  }
  return 0;
}
