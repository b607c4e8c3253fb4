#include "importer/supplier_import.hpp"

#include <fstream>
#include <sstream>
#include <unordered_map>

#include "core/text.hpp"
#include "importer/csv_reader.hpp"
#include "importer/row_parser.hpp"
#include "store/supplier_repository.hpp"

namespace hoshi::importer {

namespace {
constexpr std::size_t kMaxFileBytes = std::size_t{1} << 30;  // 1 GiB
constexpr std::size_t kProgressEvery = 2000;

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

// The snapshot recorded as the "to" of a supplier's creation.
std::string snapshot(const Supplier& s) {
  std::string out = "{";
  for (int i = 0; i < kFieldCount; ++i) {
    Field f = static_cast<Field>(i);
    if (!s.v[i] || f == Field::name_normalized) continue;
    if (out.size() > 1) out += ",";
    out += "\"" + std::string(field_name(f)) + "\":\"" + json_escape(*s.v[i]) + "\"";
  }
  return out + "}";
}

struct ValidRow {
  std::size_t line;
  Supplier patch;
};
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
    throw ImportError(name + ":" + std::string(e.what()).substr(5));  // "line N: …" → "FILE:N: …"
  }
  report.encoding = encoding_name(decoded.used);

  CsvReader reader(decoded.utf8);
  CsvRecord rec;
  std::vector<ValidRow> rows;
  try {
    if (!reader.next(rec)) throw ImportError(name + ":1: the file is empty (a header row is required)");
    // header
    std::vector<const ColumnSpec*> columns;
    std::unordered_map<const ColumnSpec*, std::size_t> seen;
    for (std::size_t i = 0; i < rec.fields.size(); ++i) {
      const ColumnSpec* spec = match_header(rec.fields[i]);
      if (spec) {
        auto [it, fresh] = seen.emplace(spec, i);
        if (!fresh)
          throw ImportError(name + ":" + std::to_string(rec.line) + ": columns " + std::to_string(it->second + 1) +
                            " and " + std::to_string(i + 1) + " both name " + std::string(spec->display));
      } else if (!text::trim(rec.fields[i]).empty()) {
        report.ignored_columns.push_back(text::trim(rec.fields[i]));
      }
      columns.push_back(spec);
    }
    for (const auto& spec : supplier_columns()) {
      if (spec.required && !seen.count(&spec))
        throw ImportError(name + ":" + std::to_string(rec.line) + ": required column " + std::string(spec.display) +
                          " (" + std::string(field_name(spec.field)) + ") is missing from the header row");
    }

    RowParser parser(catalogs, columns, options.today);
    std::unordered_map<std::string, std::size_t> first_line;
    while (reader.next(rec)) {
      ++report.rows;
      ValidRow row{rec.line, {}};
      Rejection why;
      if (!parser.parse(rec.fields, rec.line, row.patch, why)) {
        report.rejected.push_back(why);
      } else {
        auto [it, fresh] = first_line.emplace(row.patch.code(), rec.line);
        if (!fresh) {
          report.rejected.push_back({rec.line, "取引先コード",
                                     "取引先コード " + row.patch.code() + " は " + std::to_string(it->second) +
                                         " 行目と重複しています (duplicate)"});
        } else {
          rows.push_back(std::move(row));
        }
      }
      if (options.progress && report.rows % kProgressEvery == 0)
        options.progress("check", reader.position(), reader.size());
    }
  } catch (const CsvError& e) {
    throw ImportError(name + ":" + std::string(e.what()).substr(5));
  }
  if (options.progress) options.progress("check", reader.size(), reader.size());

  if (options.all_or_nothing && !report.rejected.empty()) return report;

  db.guarded([&] {
    store::WriteTransaction tx(db);
    store::SupplierRepository repo(db);
    const std::string now = utc_now_iso();
    auto existing = repo.load_all();
    std::vector<const Supplier*> inserts;
    std::vector<Supplier> merged_updates;
    std::vector<store::HistoryEntry> history;
    for (auto& row : rows) {
      const std::string source = "csv:" + name + ":" + std::to_string(row.line);
      auto it = existing.find(row.patch.code());
      if (it == existing.end()) {
        inserts.push_back(&row.patch);
        history.push_back({row.patch.code(), tx.generation(), now, options.actor, source, "created", std::nullopt,
                           snapshot(row.patch)});
        continue;
      }
      Supplier merged = it->second;
      bool changed = false;
      for (int i = 0; i < kFieldCount; ++i) {
        if (!row.patch.v[i] || merged.v[i] == row.patch.v[i]) continue;
        Field f = static_cast<Field>(i);
        if (f != Field::name_normalized)
          history.push_back({merged.code(), tx.generation(), now, options.actor, source, std::string(field_name(f)),
                             merged.v[i], row.patch.v[i]});
        merged.v[i] = row.patch.v[i];
        changed = true;
      }
      if (changed) {
        merged_updates.push_back(std::move(merged));
      } else {
        ++report.unchanged;
      }
    }
    if (options.progress) options.progress("write", 0, rows.size());
    repo.insert(inserts, tx.generation(), now);
    for (std::size_t i = 0; i < merged_updates.size(); ++i) {
      repo.update(merged_updates[i], tx.generation(), now);
      if (options.progress && i % kProgressEvery == 0)
        options.progress("write", inserts.size() + i, rows.size());
    }
    repo.add_history(history);
    tx.commit();
    if (options.progress) options.progress("write", rows.size(), rows.size());
    report.imported = inserts.size();
    report.updated = merged_updates.size();
    report.written = true;
    return 0;
  });
  return report;
}

}  // namespace hoshi::importer
