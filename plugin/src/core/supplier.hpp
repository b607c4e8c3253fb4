// A supplier: typed fields (dates as Date, levels as small ints, answers as bools, sizes
// as integers). The store's columns, the CSV and history records see it through a text
// view by Field (text_of / set_from_text), which validates: a stored value its column
// cannot hold is a corrupt record, reported with the supplier, the column and the value.
#pragma once
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/date.hpp"

namespace hoshi {

// Stored as お助け隊 service when the supplier has explicitly no subscription.
inline constexpr const char* kOtasuketaiNone = "なし";

enum class Field : int {
  vendor_code,
  name,
  name_normalized,
  corporate_number,
  email,
  contact,
  department,
  sa_level,
  sa_declared_on,
  sa_declaration_id,
  ota_service,
  ota_provider,
  ota_start,
  ota_end,
  scs_level,
  scs_evidence,
  scs_valid_until,
  chart_confidential,
  chart_critical,
  chart_network,
  active,
  capital_yen,  // 資本金 in yen (取適法's capital test)
  employees,    // 常時使用する従業員の数 (its employee test)
  // 同等のサービス: the supplier's own arrangement equivalent to an お助け隊 service (its
  // monitoring, incident response or insurance), a short description and its validity
  // date. An interim rule that names お助け隊 accepts it too (METI/JFTC guidance: a
  // recommended service may not be made a condition of trade).
  equiv_service,
  equiv_until,
  count_
};
constexpr int kFieldCount = static_cast<int>(Field::count_);

// Column name of a field (also its key in JSON and history records).
std::string_view field_name(Field f);
// The field a column name (as field_name gives it) names; nullopt for any other name.
std::optional<Field> field_from_name(std::string_view name);
// Fields that describe a status (SA, お助け隊, SCS, decision chart, 同等のサービス)
// rather than identity.
bool is_status_field(Field f);

struct Supplier {
  std::string vendor_code;
  std::optional<std::string> name, name_normalized, corporate_number, email, contact, department;
  std::optional<int> sa_level;  // SECURITY ACTION: 0 none, 1 ★, 2 ★★
  std::optional<Date> sa_declared_on;
  std::optional<std::string> sa_declaration_id;
  std::optional<std::string> ota_service, ota_provider;  // ota_service kOtasuketaiNone: explicitly none
  std::optional<Date> ota_start, ota_end;
  std::optional<int> scs_level;  // SCS評価制度: 0 none, 3, 4, 5
  std::optional<std::string> scs_evidence;
  std::optional<Date> scs_valid_until;
  std::optional<bool> chart_confidential, chart_critical, chart_network;
  std::optional<bool> active;  // unset: in business
  std::optional<long long> capital_yen, employees;
  std::optional<std::string> equiv_service;  // kOtasuketaiNone: explicitly none
  std::optional<Date> equiv_until;

  const std::string& code() const { return vendor_code; }
};

// Text by column, as the store, the CSV and the history keep it ("2", "2027-03-31", "1").
using SupplierText = std::array<std::optional<std::string>, kFieldCount>;

// A change as text by column, from the importer, the API or a connector: nullopt leaves a
// field as it is, "" clears it. Validated when applied (set_from_text).
struct SupplierPatch {
  SupplierText v;
  const std::optional<std::string>& operator[](Field f) const { return v[static_cast<int>(f)]; }
  std::optional<std::string>& operator[](Field f) { return v[static_cast<int>(f)]; }
  const std::string& code() const { return *v[0]; }
};

// The canonical text of one field (nullopt: not set).
std::optional<std::string> text_of(const Supplier& s, Field f);
SupplierText text_view(const Supplier& s);
// Sets one field from its canonical text (nullopt or "" clears it). Returns "" when set,
// else what the text should have been ("a date YYYY-MM-DD", …) and leaves `s` unchanged.
std::string set_from_text(Supplier& s, Field f, const std::optional<std::string>& text);

// A stored row whose column holds what it cannot hold (a level "x", a date 2026-13-45 put
// into the database by hand): never read as "unknown".
struct CorruptSupplier : std::runtime_error {
  CorruptSupplier(const std::string& vendor_code, Field f, const std::string& value, const std::string& expected);
  std::string vendor_code, column, value;
};
// A supplier from its stored columns; CorruptSupplier for the first invalid one.
Supplier stored_supplier(const SupplierText& row);
// A new supplier from a patch (no "" clears): std::invalid_argument naming the field when
// a value is invalid.
Supplier supplier_from_patch(const SupplierPatch& p);

// Typed reading of the status fields, used by the standing rules.
struct StatusView {
  int sa_level = -1;  // -1 unknown
  std::optional<Date> sa_declared_on;
  bool ota_known = false;                  // an お助け隊 column was ever filled
  std::optional<std::string> ota_service;  // a registered service (not set for "なし")
  std::optional<Date> ota_start, ota_end;
  bool equiv_known = false;                  // a 同等のサービス column was ever filled
  std::optional<std::string> equiv_service;  // its description (not set for "なし")
  std::optional<Date> equiv_until;
  int scs_level = -1;
  std::optional<Date> scs_valid_until;
  std::optional<bool> chart[3];  // confidential_info, critical_dependency, network_access
  bool active = true;

  static StatusView from(const Supplier& s);
};

}  // namespace hoshi
