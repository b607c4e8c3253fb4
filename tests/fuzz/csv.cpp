// Fuzz target: the supplier-master CSV import from bytes (import_suppliers_bytes, under
// `hoshitori import suppliers` and the C ABI's import_suppliers op): encoding detection
// (UTF-8 / BOM / CP932), the CSV reader, header mapping, row checks and the write into a
// fresh in-memory SQLite database (a copy of one migrated at start). Besides "no crash,
// no sanitizer report", it checks what the importer promises:
//   - the only failure is ImportError (a StoreError would mean a row passed the checks
//     that the database's own constraints refuse);
//   - importing the same bytes again changes nothing;
//   - export → import changes nothing (UTF-8, and CP932 when every value has a CP932 form).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "catalog/catalog_loader.hpp"
#include "fuzz_support.hpp"
#include "importer/encoding.hpp"
#include "importer/supplier_export.hpp"
#include "importer/supplier_import.hpp"
#include "store/database.hpp"
#include "store/sqlite_direct.hpp"
#include "store/supplier_repository.hpp"

using namespace hoshi;
using importer::Encoding;
using importer::ImportReport;

namespace {

const Catalogs* catalogs = nullptr;
store::Database* migrated = nullptr;  // an empty database with the schema, copied for each input

// A fresh in-memory database: a copy of `migrated` (SQLite's backup API), which takes far
// less than running the migrations again for every input.
std::unique_ptr<store::Database> fresh_database() {
  auto db = std::make_unique<store::Database>(":memory:");
  sqlite3* to = store::sqlite_handle(db->session());
  sqlite3_backup* copy = sqlite3_backup_init(to, "main", store::sqlite_handle(migrated->session()), "main");
  if (!copy || sqlite3_backup_step(copy, -1) != SQLITE_DONE || sqlite3_backup_finish(copy) != SQLITE_OK) {
    std::fprintf(stderr, "hoshitori fuzz: cannot copy the empty database: %s\n", sqlite3_errmsg(to));
    std::abort();
  }
  return db;
}

importer::ImportOptions options(Encoding encoding, bool all_or_nothing) {
  importer::ImportOptions o;
  o.encoding = encoding;
  o.all_or_nothing = all_or_nothing;
  o.actor = "fuzz";
  o.via = "fuzz";
  o.today = fuzz::today();
  o.block_rows = 3;  // several blocks even for small inputs: duplicates across blocks, the writer thread
  return o;
}

std::optional<ImportReport> import(store::Database& db, const std::string& name, const std::string& bytes,
                                   const importer::ImportOptions& o) {
  try {
    return importer::import_suppliers_bytes(db, *catalogs, name, bytes, o);
  } catch (const importer::ImportError&) {
    return std::nullopt;
  }
}

std::string counts(const ImportReport& r) {
  return "rows " + std::to_string(r.rows) + ", imported " + std::to_string(r.imported) + ", updated " +
         std::to_string(r.updated) + ", unchanged " + std::to_string(r.unchanged) + ", rejected " +
         std::to_string(r.rejected.size()) +
         (r.rejected.empty() ? ""
                             : " (first: line " + std::to_string(r.rejected[0].line) + " " + r.rejected[0].column +
                                   ": " + r.rejected[0].reason + ")");
}

// Exports every stored supplier and imports the export again: nothing may change.
void round_trip(store::Database& db, Encoding encoding) {
  auto suppliers = store::SupplierRepository(db).list();
  if (suppliers.empty()) return;
  std::ostringstream csv;
  try {
    importer::write_suppliers_csv(suppliers, encoding, csv);
  } catch (const importer::ExportError&) {
    if (encoding == Encoding::cp932) return;  // a character CP932 cannot write: refused by design
    throw;
  }
  auto again = import(db, "export.csv", csv.str(), options(encoding, false));
  if (!again) fuzz::broken(std::string("the ") + importer::encoding_name(encoding) + " export is not importable");
  if (again->imported || again->updated || !again->rejected.empty())
    fuzz::broken(std::string("export → import (") + importer::encoding_name(encoding) +
                 ") changed something: " + counts(*again));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static const Catalogs loaded = catalog::load_all(fuzz::schemas_dir(), "");
  catalogs = &loaded;
  static store::Database empty(":memory:");
  empty.migrate();
  migrated = &empty;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);

  // each decoder forced, as --encoding does
  for (Encoding e : {Encoding::utf8, Encoding::cp932}) {
    try {
      importer::decode(bytes, e);
    } catch (const importer::EncodingError&) {
    }
  }

  auto fresh = fresh_database();
  store::Database& db = *fresh;
  auto first = import(db, "fuzz.csv", bytes, options(Encoding::automatic, false));
  if (!first) return 0;
  if (std::getenv("HOSHITORI_FUZZ_VERBOSE")) std::fprintf(stderr, "  -> %s\n", counts(*first).c_str());
  if (first->unchanged) fuzz::broken("rows unchanged in an empty database: " + counts(*first));

  // the same file again: every row written the first time is now unchanged
  auto second = import(db, "fuzz.csv", bytes, options(Encoding::automatic, true));
  if (!second) fuzz::broken("the second import of the same bytes failed where the first did not");
  if (second->imported || second->updated || second->rejected.size() != first->rejected.size())
    fuzz::broken("importing the same bytes twice: first " + counts(*first) + "; second " + counts(*second));

  round_trip(db, Encoding::utf8);
  round_trip(db, Encoding::cp932);
  return 0;
}
