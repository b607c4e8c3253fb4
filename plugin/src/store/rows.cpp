#include "store/rows.hpp"

#include <soci/soci.h>

#include <charconv>
#include <stdexcept>

#include "store/sqlite_direct.hpp"

namespace hoshi::store {

namespace {
constexpr std::size_t kBatch = 2000;

void bind_sqlite(SqliteStatement& st, const std::vector<Param>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int pos = static_cast<int>(i + 1);
    if (params[i].number)
      st.bind(pos, *params[i].number);
    else
      st.bind(pos, params[i].text);
  }
}

// SOCI needs stable storage for bound values.
struct SociParams {
  std::vector<std::string> texts;
  std::vector<long long> numbers;
  std::vector<soci::indicator> inds;
  explicit SociParams(const std::vector<Param>& params)
      : texts(params.size()), numbers(params.size()), inds(params.size(), soci::i_ok) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (params[i].number)
        numbers[i] = *params[i].number;
      else if (params[i].text)
        texts[i] = *params[i].text;
      else
        inds[i] = soci::i_null;
    }
  }
  void bind(soci::statement& st, const std::vector<Param>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (params[i].number)
        st.exchange(soci::use(numbers[i]));
      else
        st.exchange(soci::use(texts[i], inds[i]));
    }
  }
};
}  // namespace

void for_each_row(Database& db, const std::string& sql, const std::vector<Param>& params, int columns,
                  const std::function<void(Row&)>& fn) {
  if (db.backend() == Backend::sqlite) {
    SqliteStatement& st = db.cached_statement(sql);
    SqliteStatement::Reset reset{st};
    bind_sqlite(st, params);
    Row row(columns);
    while (st.step()) {
      for (int i = 0; i < columns; ++i) st.column_into(i, row[i]);
      fn(row);
    }
    return;
  }
  db.guarded([&] {
    std::vector<std::vector<std::string>> cols(columns, std::vector<std::string>(kBatch));
    std::vector<std::vector<soci::indicator>> inds(columns, std::vector<soci::indicator>(kBatch));
    SociParams bound(params);
    soci::statement st(db.session());
    for (int i = 0; i < columns; ++i) st.exchange(soci::into(cols[i], inds[i]));
    bound.bind(st, params);
    st.alloc();
    st.prepare(sql, soci::details::st_one_time_query);  // one round trip (no server-side prepare to free)
    st.define_and_bind();
    st.execute(false);
    Row row(columns);
    while (st.fetch()) {
      const std::size_t n = cols[0].size();
      for (std::size_t r = 0; r < n; ++r) {
        for (int i = 0; i < columns; ++i) {
          if (inds[i][r] == soci::i_null)
            row[i].reset();
          else
            row[i] = std::move(cols[i][r]);
        }
        fn(row);
      }
      if (n < kBatch) break;  // a short batch is the last: no buffers to grow back for nothing
      for (int i = 0; i < columns; ++i) {
        cols[i].resize(kBatch);
        inds[i].resize(kBatch);
      }
    }
    return 0;
  });
}

std::optional<Row> select_one(Database& db, const std::string& sql, const std::vector<Param>& params, int columns) {
  if (db.backend() == Backend::sqlite) {
    SqliteStatement& st = db.cached_statement(sql);
    SqliteStatement::Reset reset{st};
    bind_sqlite(st, params);
    if (!st.step()) return std::nullopt;
    Row row(columns);
    for (int i = 0; i < columns; ++i) st.column_into(i, row[i]);
    return row;
  }
  return db.guarded([&]() -> std::optional<Row> {
    std::vector<std::string> values(columns);
    std::vector<soci::indicator> inds(columns, soci::i_ok);
    SociParams bound(params);
    soci::statement st(db.session());
    for (int i = 0; i < columns; ++i) st.exchange(soci::into(values[i], inds[i]));
    bound.bind(st, params);
    st.alloc();
    st.prepare(sql, soci::details::st_one_time_query);
    st.define_and_bind();
    if (!st.execute(true)) return std::nullopt;
    Row row(columns);
    for (int i = 0; i < columns; ++i)
      if (inds[i] != soci::i_null) row[i] = std::move(values[i]);
    return row;
  });
}

std::vector<Row> select_rows(Database& db, const std::string& sql, const std::vector<Param>& params, int columns) {
  std::vector<Row> out;
  for_each_row(db, sql, params, columns, [&](Row& r) { out.push_back(r); });
  return out;
}

long long execute(Database& db, const std::string& sql, const std::vector<Param>& params) {
  if (db.backend() == Backend::sqlite) {
    SqliteStatement& st = db.cached_statement(sql);
    SqliteStatement::Reset reset{st};
    bind_sqlite(st, params);
    while (st.step()) {
    }
    return sqlite3_changes(sqlite_handle(db.session()));
  }
  return db.guarded([&] {
    SociParams bound(params);
    soci::statement st(db.session());
    bound.bind(st, params);
    st.alloc();
    st.prepare(sql, soci::details::st_one_time_query);  // one round trip (no server-side prepare to free)
    st.define_and_bind();
    st.execute(true);
    return st.get_affected_rows();
  });
}

Columns::Columns(std::string list) : list_(std::move(list)) {
  std::string_view all = list_;
  int depth = 0;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= all.size(); ++i) {
    if (i < all.size() && all[i] != ',') {
      depth += all[i] == '(' ? 1 : all[i] == ')' ? -1 : 0;
      continue;
    }
    if (depth > 0) continue;  // a comma inside a sub-select or a call
    std::string_view e = all.substr(from, i - from);
    from = i + 1;
    if (auto as = e.rfind(" AS "); as != std::string_view::npos)
      e = e.substr(as + 4);
    else if (auto dot = e.rfind('.'); dot != std::string_view::npos)
      e = e.substr(dot + 1);
    while (!e.empty() && e.front() == ' ') e.remove_prefix(1);
    while (!e.empty() && e.back() == ' ') e.remove_suffix(1);
    names_.emplace_back(e);
  }
}

int Columns::index(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i);
  throw std::logic_error("column \"" + std::string(name) + "\" is not selected (" + list_ + ")");
}

long long NamedRow::integer(std::string_view name, long long if_null) const {
  const auto& v = (*this)[name];
  if (!v) return if_null;
  long long n = 0;
  const char* end = v->data() + v->size();
  auto [p, ec] = std::from_chars(v->data(), end, n);
  if (ec != std::errc() || p != end || v->empty())
    throw StoreError(StoreError::Kind::error,
                     "column " + std::string(name) + ": stored value \"" + *v + "\" is not a whole number");
  return n;
}

void for_each_named(Database& db, const Columns& cols, const std::string& rest, const std::vector<Param>& params,
                    const std::function<void(const NamedRow&)>& fn) {
  for_each_row(db, "SELECT " + cols.list() + " " + rest, params, cols.size(), [&](Row& r) { fn(NamedRow(cols, r)); });
}

long long last_id(Database& db, const std::string& from_where, const std::vector<Param>& params) {
  static const Columns id("MAX(id) AS id");
  long long out = 0;
  for_each_named(db, id, from_where, params, [&](const NamedRow& r) { out = r.integer("id"); });
  return out;
}

}  // namespace hoshi::store
