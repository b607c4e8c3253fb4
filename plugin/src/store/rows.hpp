// Generic parameterised statements over either backend, for the record tables:
// values travel as text or integers, rows come back as nullable text columns.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace hoshi::store {

// One bound value: text, an integer, or NULL.
struct Param {
  Param(std::string s) : text(std::move(s)) {}                 // NOLINT(google-explicit-constructor)
  Param(const char* s) : text(std::string(s)) {}               // NOLINT(google-explicit-constructor)
  Param(long long n) : number(n) {}                            // NOLINT(google-explicit-constructor)
  Param(int n) : number(n) {}                                  // NOLINT(google-explicit-constructor)
  Param(std::optional<std::string> s) : text(std::move(s)) {}  // NOLINT(google-explicit-constructor)
  std::optional<std::string> text;
  std::optional<long long> number;
};

using Row = std::vector<std::optional<std::string>>;

// Runs a SELECT of `columns` columns (placeholders :a, :b … bound in order) and calls
// fn for each row; rows are fetched in batches, so memory stays flat. The same Row is
// refilled for every row: copy what you keep (moving out is allowed, but slower).
void for_each_row(Database& db, const std::string& sql, const std::vector<Param>& params, int columns,
                  const std::function<void(Row&)>& fn);
std::vector<Row> select_rows(Database& db, const std::string& sql, const std::vector<Param>& params, int columns);
// The first row, or nullopt: for lookups by a key on every request (an API key, a
// session), without select_rows' batch buffers, which cost more than the query itself.
std::optional<Row> select_one(Database& db, const std::string& sql, const std::vector<Param>& params, int columns);
// Runs an INSERT/UPDATE/DELETE; returns the rows it touched.
long long execute(Database& db, const std::string& sql, const std::vector<Param>& params);

// A SELECT's column list, written once ("r.id, s.name, COUNT(*) AS n"): each item is
// named by its "AS x" alias, else by what follows its last '.' ("r.vendor_code" is
// vendor_code). The rows of for_each_named are read by these names, so nobody keeps
// column positions or counts by hand.
class Columns {
 public:
  explicit Columns(std::string list);
  const std::string& list() const { return list_; }
  int size() const { return static_cast<int>(names_.size()); }
  int index(std::string_view name) const;  // throws std::logic_error for a name not in the list

 private:
  std::string list_;
  std::vector<std::string> names_;
};

// One row of a select over Columns, read by column name.
class NamedRow {
 public:
  NamedRow(const Columns& cols, const Row& row) : cols_(cols), row_(row) {}
  const std::optional<std::string>& operator[](std::string_view name) const { return row_[cols_.index(name)]; }
  std::string text(std::string_view name) const { return (*this)[name].value_or(""); }
  // NULL as `if_null`; a stored value that is not a whole number is a StoreError naming the column.
  long long integer(std::string_view name, long long if_null = 0) const;

 private:
  const Columns& cols_;
  const Row& row_;
};

// SELECT <cols> <rest> (rest: FROM … WHERE … with :a, :b … bound in order), row by row.
void for_each_named(Database& db, const Columns& cols, const std::string& rest, const std::vector<Param>& params,
                    const std::function<void(const NamedRow&)>& fn);

// The newest id of the rows `from_where` names ("FROM t WHERE …"): the row a writer has just
// inserted, read inside its own transaction.
long long last_id(Database& db, const std::string& from_where, const std::vector<Param>& params);

}  // namespace hoshi::store
