// Reads and writes suppliers and their history. Callers own the transaction.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/supplier.hpp"
#include "store/database.hpp"

namespace hoshi::store {

struct HistoryEntry {
  std::string vendor_code;
  long long generation = 0;
  std::string changed_at, actor, source, field;
  std::optional<std::string> old_value, new_value;
};

// Applies the fields `patch` holds to `current` ("" clears a field; an invalid value is
// std::invalid_argument naming the field, `current` then half-patched: discard it); each real change
// is appended to `history` as a copy of `stamp` with field, from and to filled in. The
// derived name_normalized is copied but not recorded. Returns whether anything changed.
bool merge_patch(Supplier& current, const SupplierPatch& patch, const HistoryEntry& stamp,
                 std::vector<HistoryEntry>& history);

struct SupplierFilter {
  std::optional<std::string> department;
  std::optional<std::string> name_like;  // matched against the normalised name
  bool include_inactive = true;
};

class SupplierRepository {
 public:
  explicit SupplierRepository(Database& db) : db_(db) {}

  std::optional<Supplier> find(const std::string& vendor_code);
  // The supplier's stored name; nullopt for an unknown code (or a NULL name).
  std::optional<std::string> name_of(const std::string& vendor_code);
  // Suppliers with this 法人番号, by vendor code, at most `limit`.
  std::vector<Supplier> find_by_corporate_number(const std::string& number, std::size_t limit);
  // Every supplier matching the filter, ordered by vendor code.
  std::vector<Supplier> list(const SupplierFilter& filter = {});
  // The suppliers among `codes` that exist, keyed by vendor code.
  std::unordered_map<std::string, Supplier> find_many(const std::vector<std::string>& codes);
  // Vendor codes of suppliers written after generation `g` (for cache refresh).
  std::vector<std::string> changed_since(long long g);

  struct NewRow {
    const Supplier* supplier;
    std::string source;  // e.g. "csv:FILE:LINE"
  };
  // New suppliers; the creation (who, when, from where) is kept on the row itself.
  void insert(const std::vector<NewRow>& rows, long long generation, const std::string& now, const std::string& actor);
  // Who created a supplier, when, from where: {created_at, created_by, created_source}.
  std::optional<std::array<std::string, 3>> creation(const std::string& vendor_code);
  void update(const Supplier& row, long long generation, const std::string& now);
  void update_many(const std::vector<Supplier>& rows, long long generation, const std::string& now);
  void add_history(const std::vector<HistoryEntry>& entries);
  std::vector<HistoryEntry> history(const std::string& vendor_code);
  // What coverage over time is replayed from: every supplier's created_at, and every
  // history entry changed on or after `since` (a date, YYYY-MM-DD), newest first.
  std::unordered_map<std::string, std::string> created_dates();
  std::vector<HistoryEntry> history_since(const std::string& since);

 private:
  std::vector<Supplier> select(const std::string& where, const std::vector<std::string>& params,
                               std::size_t batch = 1000);
  Database& db_;
};

}  // namespace hoshi::store
