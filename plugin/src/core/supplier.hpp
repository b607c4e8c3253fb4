// A supplier as stored: every column a nullable UTF-8 string, in one fixed order.
// Typed views (StatusView) are derived from it where rules need numbers and dates.
#pragma once
#include <array>
#include <optional>
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
  std::array<std::optional<std::string>, kFieldCount> v;

  const std::optional<std::string>& operator[](Field f) const { return v[static_cast<int>(f)]; }
  std::optional<std::string>& operator[](Field f) { return v[static_cast<int>(f)]; }
  const std::string& code() const { return *v[0]; }
};

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
