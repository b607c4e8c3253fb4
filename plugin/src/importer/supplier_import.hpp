// Importing a supplier master CSV: decode, map headers, validate each row, then
// insert / update / leave unchanged in one transaction, recording history.
#pragma once
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/catalogs.hpp"
#include "importer/encoding.hpp"
#include "store/database.hpp"

namespace hoshi::importer {

struct ImportOptions {
  Encoding encoding = Encoding::automatic;
  bool all_or_nothing = false;
  std::string via;  // the identity the program knew (recorded in the audit event)
  std::string actor = "unknown";
  Date today = Date::today_tokyo();
  // Rows read, checked and written at a time (memory stays proportional to it).
  std::size_t block_rows = 20000;
  // Called now and then with (rows done, rows in all); phase is "check" or "write".
  std::function<void(const char* phase, std::size_t done, std::size_t total)> progress;
};

struct Rejection {
  std::size_t line = 0;
  std::string column;
  std::string reason;
};

struct ImportReport {
  std::string file;
  std::string encoding;
  std::size_t header_line = 1;  // rows above it (a title) are skipped
  std::size_t rows = 0;
  std::size_t imported = 0, updated = 0, unchanged = 0;
  std::vector<Rejection> rejected;
  std::vector<std::string> ignored_columns;
  bool written = false;
};

// The file or the command cannot be used at all (exit 2).
struct ImportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

ImportReport import_suppliers(store::Database& db, const Catalogs& catalogs, const std::string& path,
                              const ImportOptions& options);

// The same from bytes already in memory (`name` is used in messages and history).
ImportReport import_suppliers_bytes(store::Database& db, const Catalogs& catalogs, const std::string& name,
                                    const std::string& bytes, const ImportOptions& options);

}  // namespace hoshi::importer
