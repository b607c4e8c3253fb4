#include "store/supplier_repository.hpp"

#include <soci/soci.h>

namespace hoshi::store {

namespace {
constexpr std::size_t kBatch = 1000;

std::string column_list() {
  std::string cols;
  for (int i = 0; i < kFieldCount; ++i) {
    if (i) cols += ", ";
    cols += field_name(static_cast<Field>(i));
  }
  return cols;
}

// Binds an optional string as a value with a null indicator.
struct OptBind {
  std::string value;
  soci::indicator ind = soci::i_null;
  explicit OptBind(const std::optional<std::string>& o) {
    if (o) {
      value = *o;
      ind = soci::i_ok;
    }
  }
};
}  // namespace

std::vector<Supplier> SupplierRepository::select(const std::string& where, const std::vector<std::string>& params) {
  return db_.guarded([&] {
    soci::session& sql = db_.session();
    std::vector<Supplier> out;
    std::vector<std::vector<std::string>> cols(kFieldCount, std::vector<std::string>(kBatch));
    std::vector<std::vector<soci::indicator>> inds(kFieldCount, std::vector<soci::indicator>(kBatch));
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
        Supplier s;
        for (int i = 0; i < kFieldCount; ++i)
          if (inds[i][r] == soci::i_ok) s.v[i] = std::move(cols[i][r]);
        out.push_back(std::move(s));
      }
      for (int i = 0; i < kFieldCount; ++i) {
        cols[i].resize(kBatch);
        inds[i].resize(kBatch);
      }
    }
    return out;
  });
}

std::optional<Supplier> SupplierRepository::find(const std::string& vendor_code) {
  auto rows = select("WHERE vendor_code = :c", {vendor_code});
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::optional<Supplier> SupplierRepository::find_by_corporate_number(const std::string& number) {
  auto rows = select("WHERE corporate_number = :c ORDER BY vendor_code", {number});
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
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

std::unordered_map<std::string, Supplier> SupplierRepository::load_all() {
  std::unordered_map<std::string, Supplier> map;
  for (auto& s : select("", {})) {
    std::string code = s.code();
    map.emplace(std::move(code), std::move(s));
  }
  return map;
}

std::vector<Supplier> SupplierRepository::changed_since(long long g) {
  return select("WHERE generation > :g", {std::to_string(g)});
}

void SupplierRepository::insert(const std::vector<const Supplier*>& rows, long long generation,
                                 const std::string& now) {
  if (rows.empty()) return;
  db_.guarded([&] {
    soci::session& sql = db_.session();
    std::string cols = column_list(), marks;
    for (int i = 0; i < kFieldCount; ++i) marks += (i ? ", :c" : ":c") + std::to_string(i);
    std::vector<std::vector<std::string>> vals(kFieldCount);
    std::vector<std::vector<soci::indicator>> inds(kFieldCount);
    std::vector<long long> gens;
    std::vector<std::string> times;
    for (std::size_t start = 0; start < rows.size(); start += kBatch) {
      std::size_t end = std::min(rows.size(), start + kBatch);
      for (int i = 0; i < kFieldCount; ++i) {
        vals[i].clear();
        inds[i].clear();
        for (std::size_t r = start; r < end; ++r) {
          const auto& o = rows[r]->v[i];
          vals[i].push_back(o ? *o : std::string());
          inds[i].push_back(o ? soci::i_ok : soci::i_null);
        }
      }
      gens.assign(end - start, generation);
      times.assign(end - start, now);
      soci::statement st(sql);
      for (int i = 0; i < kFieldCount; ++i) st.exchange(soci::use(vals[i], inds[i]));
      st.exchange(soci::use(gens));
      st.exchange(soci::use(times));
      st.exchange(soci::use(times));
      st.alloc();
      st.prepare("INSERT INTO suppliers (" + cols + ", generation, created_at, updated_at) VALUES (" + marks +
                 ", :g, :t1, :t2)");
      st.define_and_bind();
      st.execute(true);
    }
    return 0;
  });
}

void SupplierRepository::update(const Supplier& row, long long generation, const std::string& now) {
  db_.guarded([&] {
    soci::session& sql = db_.session();
    std::string sets;
    std::vector<OptBind> binds;
    binds.reserve(kFieldCount);
    for (int i = 1; i < kFieldCount; ++i) {
      sets += (i > 1 ? ", " : "") + std::string(field_name(static_cast<Field>(i))) + " = :c" + std::to_string(i);
      binds.emplace_back(row.v[i]);
    }
    std::string code = row.code();
    std::string when = now;
    soci::statement st(sql);
    for (auto& b : binds) st.exchange(soci::use(b.value, b.ind));
    st.exchange(soci::use(generation));
    st.exchange(soci::use(when));
    st.exchange(soci::use(code));
    st.alloc();
    st.prepare("UPDATE suppliers SET " + sets + ", generation = :g, updated_at = :t WHERE vendor_code = :code");
    st.define_and_bind();
    st.execute(true);
    return 0;
  });
}

void SupplierRepository::add_history(const std::vector<HistoryEntry>& entries) {
  if (entries.empty()) return;
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
      e.generation = r.get_properties(1).get_data_type() == soci::dt_integer ? r.get<int>(1)
                                                                             : r.get<long long>(1);
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

}  // namespace hoshi::store
