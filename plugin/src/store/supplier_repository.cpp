#include "store/supplier_repository.hpp"

#include "core/error.hpp"
#include "store/rows.hpp"

#include <soci/soci.h>

#include <stdexcept>

#include "store/sqlite_direct.hpp"

namespace hoshi::store {

namespace {
constexpr std::size_t kBatch = 1000;

// One batch of suppliers as per-column values and null indicators (SOCI bulk binding).
template <class RowAt>
void fill_columns(std::vector<std::vector<std::string>>& vals, std::vector<std::vector<soci::indicator>>& inds,
                  std::size_t count, RowAt row_at) {
  for (int i = 0; i < kFieldCount; ++i) {
    vals[i].clear();
    inds[i].clear();
  }
  for (std::size_t r = 0; r < count; ++r) {
    const SupplierText t = text_view(row_at(r));
    for (int i = 0; i < kFieldCount; ++i) {
      vals[i].push_back(t[i].value_or(""));
      inds[i].push_back(t[i] ? soci::i_ok : soci::i_null);
    }
  }
}

std::string column_list() {
  std::string cols;
  for (int i = 0; i < kFieldCount; ++i) {
    if (i) cols += ", ";
    cols += field_name(static_cast<Field>(i));
  }
  return cols;
}

}  // namespace

bool merge_patch(Supplier& current, const SupplierPatch& patch, const HistoryEntry& stamp,
                 std::vector<HistoryEntry>& history) {
  bool changed = false;
  for (int i = 0; i < kFieldCount; ++i) {
    Field f = static_cast<Field>(i);
    if (f == Field::vendor_code || !patch.v[i]) continue;
    std::optional<std::string> old = text_of(current, f);
    if (std::string why = set_from_text(current, f, patch.v[i]); !why.empty())
      throw Error(Code::invalid, std::string(field_name(f)) + ": \"" + *patch.v[i] + "\" is not " + why);
    std::optional<std::string> value = text_of(current, f);
    if (old == value) continue;
    if (f != Field::name_normalized) {
      HistoryEntry e = stamp;
      e.field = std::string(field_name(f));
      e.old_value = std::move(old);
      e.new_value = std::move(value);
      history.push_back(std::move(e));
    }
    changed = true;
  }
  return changed;
}

std::vector<Supplier> SupplierRepository::select(const std::string& where, const std::vector<std::string>& params,
                                                 std::size_t batch) {
  if (db_.backend() == Backend::sqlite) {
    const std::string sql = "SELECT " + column_list() + " FROM suppliers " + where;
    // point queries (batch 1) keep their prepared statement; others are one-offs
    std::unique_ptr<SqliteStatement> own;
    SqliteStatement& st = batch == 1 ? db_.cached_statement(sql)
                                     : *(own = std::make_unique<SqliteStatement>(sqlite_handle(db_.session()), sql));
    SqliteStatement::Reset reset{st};
    for (std::size_t i = 0; i < params.size(); ++i) st.bind(static_cast<int>(i + 1), params[i]);
    std::vector<Supplier> out;
    while (st.step()) {
      SupplierText row;
      for (int i = 0; i < kFieldCount; ++i) row[i] = st.column(i);
      out.push_back(stored_supplier(row));
    }
    return out;
  }
  return db_.guarded([&] {
    soci::session& sql = db_.session();
    std::vector<Supplier> out;
    std::vector<std::vector<std::string>> cols(kFieldCount, std::vector<std::string>(batch));
    std::vector<std::vector<soci::indicator>> inds(kFieldCount, std::vector<soci::indicator>(batch));
    std::vector<std::string> args = params;
    soci::statement st(sql);
    for (int i = 0; i < kFieldCount; ++i) st.exchange(soci::into(cols[i], inds[i]));
    for (auto& a : args) st.exchange(soci::use(a));
    st.alloc();
    st.prepare("SELECT " + column_list() + " FROM suppliers " + where);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      std::size_t n = cols[0].size();
      for (std::size_t r = 0; r < n; ++r) {
        SupplierText row;
        for (int i = 0; i < kFieldCount; ++i)
          if (inds[i][r] == soci::i_ok) row[i] = std::move(cols[i][r]);
        out.push_back(stored_supplier(row));
      }
      for (int i = 0; i < kFieldCount; ++i) {
        cols[i].resize(batch);
        inds[i].resize(batch);
      }
    }
    return out;
  });
}

std::optional<Supplier> SupplierRepository::find(const std::string& vendor_code) {
  auto rows = select("WHERE vendor_code = :c", {vendor_code}, 1);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::optional<std::string> SupplierRepository::name_of(const std::string& vendor_code) {
  auto r = store::select_one(db_, "SELECT name FROM suppliers WHERE vendor_code = :a", {vendor_code}, 1);
  return r ? (*r)[0] : std::nullopt;
}

std::vector<Supplier> SupplierRepository::find_by_corporate_number(const std::string& number, std::size_t limit) {
  return select("WHERE corporate_number = :c ORDER BY vendor_code LIMIT " + std::to_string(limit), {number}, limit);
}

std::vector<Supplier> SupplierRepository::list(const SupplierFilter& f) {
  std::string where;
  std::vector<std::string> params;
  auto add = [&](const std::string& cond) { where += (where.empty() ? "WHERE " : " AND ") + cond; };
  if (f.department) {
    add("department = :d");
    params.push_back(*f.department);
  }
  if (f.name_like) {
    add("name_normalized LIKE :n");
    std::string pattern = "%";
    for (char c : *f.name_like) {
      if (c == '%' || c == '_' || c == '\\') continue;  // no wildcards from the caller
      pattern += c;
    }
    params.push_back(pattern + "%");
  }
  if (!f.include_inactive) add("active = 1");
  return select(where + " ORDER BY vendor_code", params);
}

std::unordered_map<std::string, Supplier> SupplierRepository::find_many(const std::vector<std::string>& codes) {
  constexpr std::size_t kPerQuery = 500;
  std::unordered_map<std::string, Supplier> map;
  for (std::size_t start = 0; start < codes.size(); start += kPerQuery) {
    std::size_t end = std::min(codes.size(), start + kPerQuery);
    std::string marks;
    // SQLite parses "?" in linear time; SOCI (PostgreSQL) needs names
    const bool anonymous = db_.backend() == Backend::sqlite;
    for (std::size_t i = start; i < end; ++i)
      marks += std::string(i > start ? ", " : "") + (anonymous ? "?" : ":p" + std::to_string(i - start));
    std::vector<std::string> params(codes.begin() + static_cast<long>(start), codes.begin() + static_cast<long>(end));
    for (auto& s : select("WHERE vendor_code IN (" + marks + ")", params, end - start)) {
      std::string code = s.code();
      map.emplace(std::move(code), std::move(s));
    }
  }
  return map;
}

std::vector<std::string> SupplierRepository::changed_since(long long g) {
  return db_.guarded([&] {
    std::vector<std::string> out;
    std::vector<std::string> codes(kBatch);
    soci::statement st = (db_.session().prepare << "SELECT vendor_code FROM suppliers WHERE generation > :g",
                          soci::use(g), soci::into(codes));
    st.execute(false);
    while (st.fetch()) {
      out.insert(out.end(), codes.begin(), codes.end());
      codes.resize(kBatch);
    }
    return out;
  });
}

void SupplierRepository::insert(const std::vector<NewRow>& rows, long long generation, const std::string& now,
                                const std::string& actor) {
  if (rows.empty()) return;
  std::string cols = column_list(), marks;
  for (int i = 0; i < kFieldCount; ++i) marks += (i ? ", :c" : ":c") + std::to_string(i);
  const std::string sql = "INSERT INTO suppliers (" + cols +
                          ", generation, created_at, created_by, created_source, updated_at) VALUES (" + marks +
                          ", :g, :t1, :a, :s, :t2)";
  if (db_.backend() == Backend::sqlite) {
    SqliteStatement st(sqlite_handle(db_.session()), sql);
    for (const NewRow& row : rows) {
      const SupplierText t = text_view(*row.supplier);
      for (int i = 0; i < kFieldCount; ++i) st.bind(i + 1, t[i]);
      st.bind(kFieldCount + 1, generation);
      st.bind(kFieldCount + 2, now);
      st.bind(kFieldCount + 3, actor);
      st.bind(kFieldCount + 4, row.source);
      st.bind(kFieldCount + 5, now);
      st.step();
      st.reset();
    }
    return;
  }
  db_.guarded([&] {
    soci::session& sql_session = db_.session();
    std::vector<std::vector<std::string>> vals(kFieldCount);
    std::vector<std::vector<soci::indicator>> inds(kFieldCount);
    std::vector<long long> gens;
    std::vector<std::string> times, actors, sources;
    for (std::size_t start = 0; start < rows.size(); start += kBatch) {
      std::size_t end = std::min(rows.size(), start + kBatch);
      fill_columns(vals, inds, end - start,
                   [&](std::size_t r) -> const Supplier& { return *rows[start + r].supplier; });
      gens.assign(end - start, generation);
      times.assign(end - start, now);
      actors.assign(end - start, actor);
      sources.clear();
      for (std::size_t r = start; r < end; ++r) sources.push_back(rows[r].source);
      soci::statement st(sql_session);
      for (int i = 0; i < kFieldCount; ++i) st.exchange(soci::use(vals[i], inds[i]));
      st.exchange(soci::use(gens));
      st.exchange(soci::use(times));
      st.exchange(soci::use(actors));
      st.exchange(soci::use(sources));
      st.exchange(soci::use(times));
      st.alloc();
      st.prepare(sql);
      st.define_and_bind();
      st.execute(true);
    }
    return 0;
  });
}

std::optional<std::array<std::string, 3>> SupplierRepository::creation(const std::string& vendor_code) {
  return db_.guarded([&]() -> std::optional<std::array<std::string, 3>> {
    std::array<std::string, 3> out;
    soci::indicator ind = soci::i_null;
    db_.session() << "SELECT created_at, created_by, created_source FROM suppliers WHERE vendor_code = :c",
        soci::use(vendor_code), soci::into(out[0], ind), soci::into(out[1]), soci::into(out[2]);
    if (!db_.session().got_data()) return std::nullopt;
    return out;
  });
}

void SupplierRepository::update(const Supplier& row, long long generation, const std::string& now) {
  update_many({row}, generation, now);
}

void SupplierRepository::update_many(const std::vector<Supplier>& rows, long long generation, const std::string& now) {
  if (rows.empty()) return;
  std::string sets;
  for (int i = 1; i < kFieldCount; ++i)
    sets += (i > 1 ? ", " : "") + std::string(field_name(static_cast<Field>(i))) + " = :c" + std::to_string(i);
  const std::string sql =
      "UPDATE suppliers SET " + sets + ", generation = :g, updated_at = :t WHERE vendor_code = :code";
  if (db_.backend() == Backend::sqlite) {
    SqliteStatement& st = db_.cached_statement(sql);
    SqliteStatement::Reset reset{st};
    for (const Supplier& row : rows) {
      const SupplierText t = text_view(row);
      for (int i = 1; i < kFieldCount; ++i) st.bind(i, t[i]);
      st.bind(kFieldCount, generation);
      st.bind(kFieldCount + 1, now);
      st.bind(kFieldCount + 2, row.code());
      st.step();
      st.reset();
    }
    return;
  }
  // PostgreSQL: prepared once per batch, executed for every row of it
  db_.guarded([&] {
    std::vector<std::vector<std::string>> vals(kFieldCount);
    std::vector<std::vector<soci::indicator>> inds(kFieldCount);
    std::vector<long long> gens;
    std::vector<std::string> times, codes;
    for (std::size_t start = 0; start < rows.size(); start += kBatch) {
      std::size_t end = std::min(rows.size(), start + kBatch);
      fill_columns(vals, inds, end - start, [&](std::size_t r) -> const Supplier& { return rows[start + r]; });
      gens.assign(end - start, generation);
      times.assign(end - start, now);
      codes.clear();
      for (std::size_t r = start; r < end; ++r) codes.push_back(rows[r].code());
      soci::statement st(db_.session());
      for (int i = 1; i < kFieldCount; ++i) st.exchange(soci::use(vals[i], inds[i]));
      st.exchange(soci::use(gens));
      st.exchange(soci::use(times));
      st.exchange(soci::use(codes));
      st.alloc();
      st.prepare(sql);
      st.define_and_bind();
      st.execute(true);
    }
    return 0;
  });
}

void SupplierRepository::add_history(const std::vector<HistoryEntry>& entries) {
  if (entries.empty()) return;
  if (db_.backend() == Backend::sqlite) {
    SqliteStatement st(sqlite_handle(db_.session()),
                       "INSERT INTO supplier_history (vendor_code, generation, changed_at, actor, source, field, "
                       "old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& e : entries) {
      st.bind(1, e.vendor_code);
      st.bind(2, e.generation);
      st.bind(3, e.changed_at);
      st.bind(4, e.actor);
      st.bind(5, e.source);
      st.bind(6, e.field);
      st.bind(7, e.old_value);
      st.bind(8, e.new_value);
      st.step();
      st.reset();
    }
    return;
  }
  db_.guarded([&] {
    soci::session& sql = db_.session();
    for (std::size_t start = 0; start < entries.size(); start += kBatch) {
      std::size_t end = std::min(entries.size(), start + kBatch);
      std::vector<std::string> code, at, actor, source, field, oldv, newv;
      std::vector<long long> gen;
      std::vector<soci::indicator> oldi, newi;
      for (std::size_t i = start; i < end; ++i) {
        const auto& e = entries[i];
        code.push_back(e.vendor_code);
        gen.push_back(e.generation);
        at.push_back(e.changed_at);
        actor.push_back(e.actor);
        source.push_back(e.source);
        field.push_back(e.field);
        oldv.push_back(e.old_value.value_or(""));
        oldi.push_back(e.old_value ? soci::i_ok : soci::i_null);
        newv.push_back(e.new_value.value_or(""));
        newi.push_back(e.new_value ? soci::i_ok : soci::i_null);
      }
      sql << "INSERT INTO supplier_history (vendor_code, generation, changed_at, actor, source, field, old_value, "
             "new_value) VALUES (:a, :b, :c, :d, :e, :f, :g, :h)",
          soci::use(code), soci::use(gen), soci::use(at), soci::use(actor), soci::use(source), soci::use(field),
          soci::use(oldv, oldi), soci::use(newv, newi);
    }
    return 0;
  });
}

std::vector<HistoryEntry> SupplierRepository::history(const std::string& vendor_code) {
  return db_.guarded([&] {
    std::vector<HistoryEntry> out;
    soci::rowset<soci::row> rs =
        (db_.session().prepare << "SELECT vendor_code, generation, changed_at, actor, source, field, old_value, "
                                  "new_value FROM supplier_history WHERE vendor_code = :c ORDER BY id",
         soci::use(vendor_code));
    for (const soci::row& r : rs) {
      HistoryEntry e;
      e.vendor_code = r.get<std::string>(0);
      e.generation = r.get_properties(1).get_data_type() == soci::dt_integer ? r.get<int>(1) : r.get<long long>(1);
      e.changed_at = r.get<std::string>(2);
      e.actor = r.get<std::string>(3);
      e.source = r.get<std::string>(4);
      e.field = r.get<std::string>(5);
      if (r.get_indicator(6) == soci::i_ok) e.old_value = r.get<std::string>(6);
      if (r.get_indicator(7) == soci::i_ok) e.new_value = r.get<std::string>(7);
      out.push_back(std::move(e));
    }
    return out;
  });
}

std::unordered_map<std::string, std::string> SupplierRepository::created_dates() {
  return db_.guarded([&] {
    std::unordered_map<std::string, std::string> out;
    soci::rowset<soci::row> rs = db_.session().prepare << "SELECT vendor_code, created_at FROM suppliers";
    for (const soci::row& r : rs) out.emplace(r.get<std::string>(0), r.get<std::string>(1));
    return out;
  });
}

std::vector<HistoryEntry> SupplierRepository::history_since(const std::string& since) {
  return db_.guarded([&] {
    std::vector<HistoryEntry> out;
    soci::rowset<soci::row> rs =
        (db_.session().prepare << "SELECT vendor_code, changed_at, field, old_value FROM supplier_history "
                                  "WHERE changed_at >= :s ORDER BY id DESC",
         soci::use(since));
    for (const soci::row& r : rs) {
      HistoryEntry e;
      e.vendor_code = r.get<std::string>(0);
      e.changed_at = r.get<std::string>(1);
      e.field = r.get<std::string>(2);
      if (r.get_indicator(3) == soci::i_ok) e.old_value = r.get<std::string>(3);
      out.push_back(std::move(e));
    }
    return out;
  });
}

}  // namespace hoshi::store
