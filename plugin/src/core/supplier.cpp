#include "core/supplier.hpp"

namespace hoshi {

namespace {
constexpr std::string_view kNames[kFieldCount] = {
    "vendor_code",    "name",          "name_normalized", "corporate_number",  "email",           "contact",
    "department",     "sa_level",      "sa_declared_on",  "sa_declaration_id", "ota_service",     "ota_provider",
    "ota_start",      "ota_end",       "scs_level",       "scs_evidence",      "scs_valid_until", "chart_confidential",
    "chart_critical", "chart_network", "active",          "capital_yen",       "employees",       "equiv_service",
    "equiv_until"};

std::optional<Date> date_of(const std::optional<std::string>& s) {
  Date d;
  if (s && parse_iso_date(*s, d)) return d;
  return std::nullopt;
}
int int_of(const std::optional<std::string>& s, int fallback) {
  if (!s || s->empty()) return fallback;
  try {
    return std::stoi(*s);
  } catch (...) {
    return fallback;
  }
}
}  // namespace

std::string_view field_name(Field f) { return kNames[static_cast<int>(f)]; }

std::optional<Field> field_from_name(std::string_view name) {
  for (int i = 0; i < kFieldCount; ++i)
    if (kNames[i] == name) return static_cast<Field>(i);
  return std::nullopt;
}

bool is_status_field(Field f) {
  return (f >= Field::sa_level && f <= Field::chart_network) || f == Field::equiv_service || f == Field::equiv_until;
}

StatusView StatusView::from(const Supplier& s) {
  StatusView v;
  v.sa_level = int_of(s[Field::sa_level], -1);
  v.sa_declared_on = date_of(s[Field::sa_declared_on]);
  if (s[Field::ota_service] && *s[Field::ota_service] != kOtasuketaiNone) v.ota_service = s[Field::ota_service];
  v.ota_start = date_of(s[Field::ota_start]);
  v.ota_end = date_of(s[Field::ota_end]);
  v.ota_known = s[Field::ota_service] || s[Field::ota_end] || s[Field::ota_start];
  if (s[Field::equiv_service] && *s[Field::equiv_service] != kOtasuketaiNone) v.equiv_service = s[Field::equiv_service];
  v.equiv_until = date_of(s[Field::equiv_until]);
  v.equiv_known = s[Field::equiv_service] || s[Field::equiv_until];
  v.scs_level = int_of(s[Field::scs_level], -1);
  v.scs_valid_until = date_of(s[Field::scs_valid_until]);
  const Field charts[3] = {Field::chart_confidential, Field::chart_critical, Field::chart_network};
  for (int i = 0; i < 3; ++i) {
    int b = int_of(s[charts[i]], -1);
    if (b >= 0) v.chart[i] = b != 0;
  }
  v.active = int_of(s[Field::active], 1) != 0;
  return v;
}

}  // namespace hoshi
