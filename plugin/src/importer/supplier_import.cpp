#include "importer/supplier_import.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "core/text.hpp"
#include "importer/csv_reader.hpp"
#include "importer/row_parser.hpp"
#include "store/audit_log.hpp"
#include "store/supplier_repository.hpp"
#include "store/webhook_queue.hpp"

namespace hoshi::importer {

namespace {
constexpr std::size_t kMaxFileBytes = std::size_t{1} << 30;  // 1 GiB
constexpr std::size_t kParallelFrom = 4000;                  // rows; below this one thread is quicker

// "line N: …" from a reader → "FILE:N: …"
std::string at_file(const std::string& name, const std::string& what) {
  if (what.rfind("line ", 0) == 0) return name + ":" + what.substr(5);
  return name + ": " + what;
}

struct Checked {
  std::optional<SupplierPatch> patch;
  Rejection why;
};

struct Valid {
  std::size_t line;
  SupplierPatch patch;
  Supplier fresh;  // a new supplier: the patch, typed
};

bool names_required_columns(const CsvRecord& row) {
  std::size_t found = 0, required = 0;
  for (const auto& spec : supplier_columns()) required += spec.required;
  for (const auto& cell : row.fields) {
    const ColumnSpec* spec = match_header(cell);
    found += spec != nullptr && spec->required;
  }
  return found >= required;
}

// Maps the header row onto known columns; throws ImportError when it is unusable.
std::vector<const ColumnSpec*> map_header(const std::string& name, CsvRecord header, ImportReport& report) {
  // "a,b,c," — empty header cells at the end name nothing
  while (!header.fields.empty() && text::trim(header.fields.back()).empty()) header.fields.pop_back();
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
    if (spec.required && !seen.count(&spec)) {
      std::string names;
      for (std::size_t k = 0; k < spec.aliases.size() && k < 6; ++k)
        names += (k ? ", " : "") + std::string(spec.aliases[k]);
      std::string hint;
      if (header.fields.size() == 1 && header.fields[0].find(';') != std::string::npos)
        hint = "; the header is separated by ';' — save the file with commas (CSV) or tabs";
      throw ImportError(name + ":" + std::to_string(header.line) + ": required column " + std::string(spec.display) +
                        " (" + std::string(field_name(spec.field)) +
                        ") is missing from the header row (accepted: " + names + ", …)" + hint);
    }
  }
  return columns;
}

// Validates a block of records, on two threads when it is large (rows are independent).
std::vector<Checked> check_rows(const RowParser& parser, const std::vector<CsvRecord>& records) {
  std::vector<Checked> out(records.size());
  auto work = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      SupplierPatch patch;
      if (parser.parse(records[i].fields, records[i].line, patch, out[i].why)) out[i].patch = std::move(patch);
    }
  };
  unsigned threads = std::min(2u, std::max(1u, std::thread::hardware_concurrency()));
  if (threads < 2 || records.size() < kParallelFrom) {
    work(0, records.size());
    return out;
  }
  std::size_t half = records.size() / 2;
  std::thread second(work, half, records.size());
  work(0, half);
  second.join();
  return out;
}

// Writes blocks of checked rows inside one transaction: inserts the new, updates the
// changed (one history entry per changed field), counts the unchanged.
class BlockWriter {
 public:
  BlockWriter(store::Database& db, store::WriteTransaction& tx, const std::string& file, const std::string& actor,
              const Policy& policy, const Date& today)
      : db_(db),
        repo_(db),
        tx_(tx),
        file_(file),
        actor_(actor),
        now_(utc_now_iso()),
        policy_(policy),
        today_(today),
        events_wanted_(records::webhooks_want(db, "supplier.standing_changed")) {}

  void write(std::vector<Valid>& rows, ImportReport& report) {
    std::vector<std::string> codes;
    codes.reserve(rows.size());
    for (const Valid& row : rows) codes.push_back(row.patch.code());
    auto existing = repo_.find_many(codes);
    std::vector<store::SupplierRepository::NewRow> inserts;
    std::vector<store::HistoryEntry> history;
    std::vector<Supplier> updates;
    std::vector<records::WebhookEvent> events;
    for (Valid& row : rows) {
      std::string source = "csv:" + file_ + ":" + std::to_string(row.line);
      auto it = existing.find(row.patch.code());
      if (it == existing.end()) {
        row.fresh = supplier_from_patch(row.patch);
        if (events_wanted_)
          if (auto e = records::standing_event(policy_, nullptr, row.fresh, today_)) events.push_back(std::move(*e));
        inserts.push_back({&row.fresh, std::move(source)});
        continue;
      }
      Supplier& merged = it->second;
      std::optional<Supplier> before;
      if (events_wanted_) before = merged;
      bool changed = store::merge_patch(merged, row.patch,
                                        {merged.code(), tx_.generation(), now_, actor_, source, "", {}, {}}, history);
      if (changed) {
        if (before)
          if (auto e = records::standing_event(policy_, &*before, merged, today_)) events.push_back(std::move(*e));
        updates.push_back(merged);
        ++report.updated;
      } else {
        ++report.unchanged;
      }
    }
    repo_.update_many(updates, tx_.generation(), now_);
    repo_.insert(inserts, tx_.generation(), now_, actor_);
    report.imported += inserts.size();
    repo_.add_history(history);
    records::enqueue_webhook_events(db_, events);
  }

 private:
  store::Database& db_;
  store::SupplierRepository repo_;
  store::WriteTransaction& tx_;
  const std::string& file_;
  const std::string& actor_;
  std::string now_;
  const Policy& policy_;
  const Date& today_;
  bool events_wanted_;
};
}  // namespace

ImportReport import_suppliers(store::Database& db, const Catalogs& catalogs, const std::string& path,
                              const ImportOptions& options) {
  // any readable file: a regular one, a pipe, /dev/stdin ("-" too)
  if (path != "-" && std::filesystem::is_directory(path)) throw ImportError(path + ": is a folder, not a CSV file");
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) throw ImportError(path + ": cannot open file (" + std::strerror(errno) + ")");
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::string bytes;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.append(buf, static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > kMaxFileBytes) throw ImportError(path + ": file too large (max 1 GiB)");
  }
  if (in.bad()) throw ImportError(path + ": cannot read file");
  return import_suppliers_bytes(db, catalogs, path == "-" ? "stdin" : path, bytes, options);
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

  // The file is read in blocks: each block's records are split out (sequentially:
  // quotes decide where a record ends), checked (in parallel), freed of duplicates
  // (file order: the first occurrence wins) and written, all in one transaction, so
  // memory stays proportional to a block, not to the file.
  CsvReader reader(decoded.utf8);
  std::vector<const ColumnSpec*> columns;
  CsvRecord rec;
  // Some exports put a title ("取引先マスタ 2026/11/01") above the header: the header is
  // the first of the first rows that names both required columns.
  constexpr int kHeaderSearch = 10;
  std::optional<CsvRecord> first;
  try {
    for (int n = 0;; ++n) {
      if (!reader.next(rec)) {
        if (!first) throw ImportError(name + ":1: the file is empty (a header row is required)");
        break;
      }
      if (!first) first = rec;
      if (names_required_columns(rec)) {
        first.reset();
        break;
      }
      if (n + 1 == kHeaderSearch) break;
    }
  } catch (const CsvError& e) {
    throw ImportError(at_file(name, e.what()));
  }
  // no row named both: report against the first row, as the header it should have been
  columns = map_header(name, first ? *first : rec, report);
  report.header_line = first ? first->line : rec.line;
  RowParser parser(catalogs, columns, options.today);

  db.guarded([&] {
    store::WriteTransaction tx(db);
    BlockWriter writer(db, tx, name, options.actor, catalogs.policy, options.today);
    ImportReport counts;  // written by the writing thread only
    std::unordered_map<std::string, std::size_t> first_line;
    std::vector<CsvRecord> block;
    std::vector<Valid> valid, pending;
    // Block N is written on a second thread while block N+1 is read and checked.
    std::thread writing;
    std::exception_ptr write_error;
    auto finish_writing = [&] {
      if (writing.joinable()) writing.join();
      if (write_error) std::rethrow_exception(write_error);
    };
    try {
      bool more = true;
      while (more) {
        block.clear();
        try {
          while (block.size() < std::max<std::size_t>(1, options.block_rows) && (more = reader.next(rec)))
            block.push_back(std::move(rec));
        } catch (const CsvError& e) {
          throw ImportError(at_file(name, e.what()));  // rolls back whatever was written
        }
        report.rows += block.size();
        std::vector<Checked> checked = check_rows(parser, block);
        valid.clear();
        for (std::size_t i = 0; i < checked.size(); ++i) {
          if (!checked[i].patch) {
            report.rejected.push_back(std::move(checked[i].why));
            continue;
          }
          auto [it, fresh] = first_line.emplace(checked[i].patch->code(), block[i].line);
          if (!fresh) {
            report.rejected.push_back({block[i].line, "取引先コード",
                                       "取引先コード " + it->first + " は " + std::to_string(it->second) +
                                           " 行目と重複しています (duplicate)"});
            continue;
          }
          valid.push_back({block[i].line, std::move(*checked[i].patch), {}});
        }
        finish_writing();
        // with --all-or-nothing, a rejection means nothing will be committed: only check on
        if (!(options.all_or_nothing && !report.rejected.empty())) {
          pending.swap(valid);
          writing = std::thread([&] {
            try {
              writer.write(pending, counts);
            } catch (...) {
              write_error = std::current_exception();
            }
          });
        }
        if (options.progress) options.progress("import", reader.position(), reader.size());
      }
      finish_writing();
    } catch (...) {
      if (writing.joinable()) writing.join();
      throw;
    }
    report.imported = counts.imported;
    report.updated = counts.updated;
    report.unchanged = counts.unchanged;
    if (options.all_or_nothing && !report.rejected.empty()) {
      report.imported = report.updated = report.unchanged = 0;
      return 0;  // tx rolls back
    }
    if (report.imported || report.updated) {
      // One event per import; each supplier's field changes are in supplier_history.
      Poco::JSON::Object after(Poco::JSON_PRESERVE_KEY_ORDER);
      after.set("file", name);
      after.set("encoding", report.encoding);
      after.set("rows", report.rows);
      after.set("imported", report.imported);
      after.set("updated", report.updated);
      after.set("unchanged", report.unchanged);
      after.set("rejected", report.rejected.size());
      after.set("generation", tx.generation());
      std::ostringstream json;
      Poco::JSON::Stringifier::condense(after, json);
      records::AuditLog(db, options.via)
          .append({options.actor, "suppliers.imported", name, std::nullopt, std::nullopt, json.str()});
    }
    tx.commit();
    report.written = true;
    return 0;
  });
  return report;
}

}  // namespace hoshi::importer
