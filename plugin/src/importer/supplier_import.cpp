#include "importer/supplier_import.hpp"

#include <algorithm>
#include <fstream>
#include <thread>
#include <unordered_map>

#include "core/text.hpp"
#include "importer/csv_reader.hpp"
#include "importer/row_parser.hpp"
#include "store/supplier_repository.hpp"

namespace hoshi::importer {

namespace {
constexpr std::size_t kMaxFileBytes = std::size_t{1} << 30;  // 1 GiB
constexpr std::size_t kProgressEvery = 2000;
constexpr std::size_t kParallelFrom = 4000;  // rows; below this one thread is quicker

// "line N: …" from a reader → "FILE:N: …"
std::string at_file(const std::string& name, const std::string& what) {
  if (what.rfind("line ", 0) == 0) return name + ":" + what.substr(5);
  return name + ": " + what;
}

struct Checked {
  std::optional<Supplier> patch;
  Rejection why;
};

// Maps the header row onto known columns; throws ImportError when it is unusable.
std::vector<const ColumnSpec*> map_header(const std::string& name, const CsvRecord& header, ImportReport& report) {
  std::vector<const ColumnSpec*> columns;
  std::unordered_map<const ColumnSpec*, std::size_t> seen;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const ColumnSpec* spec = match_header(header.fields[i]);
    if (spec) {
      auto [it, fresh] = seen.emplace(spec, i);
      if (!fresh)
        throw ImportError(name + ":" + std::to_string(header.line) + ": columns " + std::to_string(it->second + 1) +
                          " and " + std::to_string(i + 1) + " both name " + std::string(spec->display));
    } else if (!text::trim(header.fields[i]).empty()) {
      report.ignored_columns.push_back(text::trim(header.fields[i]));
    }
    columns.push_back(spec);
  }
  for (const auto& spec : supplier_columns()) {
    if (spec.required && !seen.count(&spec))
      throw ImportError(name + ":" + std::to_string(header.line) + ": required column " + std::string(spec.display) +
                        " (" + std::string(field_name(spec.field)) + ") is missing from the header row");
  }
  return columns;
}

// Validates every record, on two threads for large files (rows are independent).
std::vector<Checked> check_rows(const RowParser& parser, const std::vector<CsvRecord>& records,
                                const ImportOptions& options) {
  std::vector<Checked> out(records.size());
  auto work = [&](std::size_t from, std::size_t to, bool report_progress) {
    for (std::size_t i = from; i < to; ++i) {
      Supplier patch;
      if (parser.parse(records[i].fields, records[i].line, patch, out[i].why)) out[i].patch = std::move(patch);
      if (report_progress && options.progress && i % kProgressEvery == 0)
        options.progress("check", i - from, to - from);
    }
  };
  unsigned threads = std::min(2u, std::max(1u, std::thread::hardware_concurrency()));
  if (threads < 2 || records.size() < kParallelFrom) {
    work(0, records.size(), true);
    return out;
  }
  std::size_t half = records.size() / 2;
  std::thread second(work, half, records.size(), false);
  work(0, half, true);
  second.join();
  return out;
}
}  // namespace

ImportReport import_suppliers(store::Database& db, const Catalogs& catalogs, const std::string& path,
                              const ImportOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImportError(path + ": cannot open file");
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::size_t>(in.tellg());
  if (size > kMaxFileBytes) throw ImportError(path + ": file too large (max 1 GiB)");
  in.seekg(0);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in) throw ImportError(path + ": cannot read file");
  return import_suppliers_bytes(db, catalogs, path, bytes, options);
}

ImportReport import_suppliers_bytes(store::Database& db, const Catalogs& catalogs, const std::string& name,
                                    const std::string& bytes, const ImportOptions& options) {
  ImportReport report;
  report.file = name;
  Decoded decoded;
  try {
    decoded = decode(bytes, options.encoding);
  } catch (const EncodingError& e) {
    throw ImportError(at_file(name, e.what()));
  }
  report.encoding = encoding_name(decoded.used);

  // 1. records (sequential: quotes decide where a record ends)
  std::vector<CsvRecord> records;
  std::vector<const ColumnSpec*> columns;
  try {
    CsvReader reader(decoded.utf8);
    CsvRecord rec;
    if (!reader.next(rec)) throw ImportError(name + ":1: the file is empty (a header row is required)");
    columns = map_header(name, rec, report);
    while (reader.next(rec)) records.push_back(std::move(rec));
  } catch (const CsvError& e) {
    throw ImportError(at_file(name, e.what()));
  }
  report.rows = records.size();

  // 2. each row on its own (parallel), then duplicates in file order
  RowParser parser(catalogs, columns, options.today);
  std::vector<Checked> checked = check_rows(parser, records, options);
  std::unordered_map<std::string, std::size_t> first_line;
  first_line.reserve(records.size());
  struct Valid {
    std::size_t line;
    Supplier* patch;
  };
  std::vector<Valid> rows;
  rows.reserve(records.size());
  for (std::size_t i = 0; i < checked.size(); ++i) {
    if (!checked[i].patch) {
      report.rejected.push_back(std::move(checked[i].why));
      continue;
    }
    const std::string& code = checked[i].patch->code();
    auto [it, fresh] = first_line.emplace(code, records[i].line);
    if (!fresh) {
      report.rejected.push_back(
          {records[i].line, "取引先コード",
           "取引先コード " + code + " は " + std::to_string(it->second) + " 行目と重複しています (duplicate)"});
      continue;
    }
    rows.push_back({records[i].line, &*checked[i].patch});
  }
  if (options.progress) options.progress("check", records.size(), records.size());
  if (options.all_or_nothing && !report.rejected.empty()) return report;

  // 3. one transaction: insert the new, update the changed (with history), count the rest
  db.guarded([&] {
    store::WriteTransaction tx(db);
    store::SupplierRepository repo(db);
    const std::string now = utc_now_iso();
    auto existing = repo.load_all();
    std::vector<store::SupplierRepository::NewRow> inserts;
    std::vector<Supplier> updates;
    std::vector<store::HistoryEntry> history;
    for (const Valid& row : rows) {
      const std::string source = "csv:" + name + ":" + std::to_string(row.line);
      auto it = existing.find(row.patch->code());
      if (it == existing.end()) {
        inserts.push_back({row.patch, source});
        continue;
      }
      Supplier& merged = it->second;
      bool changed = false;
      for (int i = 0; i < kFieldCount; ++i) {
        if (!row.patch->v[i] || merged.v[i] == row.patch->v[i]) continue;
        Field f = static_cast<Field>(i);
        if (f != Field::name_normalized)
          history.push_back({merged.code(), tx.generation(), now, options.actor, source, std::string(field_name(f)),
                             merged.v[i], row.patch->v[i]});
        merged.v[i] = row.patch->v[i];
        changed = true;
      }
      if (changed) {
        updates.push_back(merged);
      } else {
        ++report.unchanged;
      }
    }
    if (options.progress) options.progress("write", 0, rows.size());
    repo.insert(inserts, tx.generation(), now, options.actor);
    for (std::size_t i = 0; i < updates.size(); ++i) {
      repo.update(updates[i], tx.generation(), now);
      if (options.progress && i % kProgressEvery == 0) options.progress("write", inserts.size() + i, rows.size());
    }
    repo.add_history(history);
    tx.commit();
    if (options.progress) options.progress("write", rows.size(), rows.size());
    report.imported = inserts.size();
    report.updated = updates.size();
    report.written = true;
    return 0;
  });
  return report;
}

}  // namespace hoshi::importer
