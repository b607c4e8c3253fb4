// Generic parameterised statements over either backend, for the record tables:
// values travel as text or integers, rows come back as nullable text columns.
#pragma once
#include <functional>
#include <optional>
#include <string>
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

}  // namespace hoshi::store
