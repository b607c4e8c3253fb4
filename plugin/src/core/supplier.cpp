#include "core/supplier.hpp"

#include "core/error.hpp"

#include <type_traits>

namespace hoshi {

namespace {
constexpr std::string_view kNames[kFieldCount] = {
    "vendor_code",    "name",          "name_normalized", "corporate_number",  "email",           "contact",
    "department",     "sa_level",      "sa_declared_on",  "sa_declaration_id", "ota_service",     "ota_provider",
    "ota_start",      "ota_end",       "scs_level",       "scs_evidence",      "scs_valid_until", "chart_confidential",
    "chart_critical", "chart_network", "active",          "capital_yen",       "employees",       "equiv_service",
    "equiv_until"};

using Text = std::optional<std::string>;

// Whole decimal number (optional leading '-' refused), no spaces; false on anything else.
bool whole(const std::string& t, long long max, long long& out) {
  if (t.empty() || t.size() > 18) return false;
  long long n = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  if (n > max) return false;
  out = n;
  return true;
}

Text text(const std::optional<std::string>& v) { return v; }
Text text(const std::optional<Date>& v) { return v ? Text(v->iso()) : std::nullopt; }
Text text(const std::optional<int>& v) { return v ? Text(std::to_string(*v)) : std::nullopt; }
Text text(const std::optional<long long>& v) { return v ? Text(std::to_string(*v)) : std::nullopt; }
Text text(const std::optional<bool>& v) { return v ? Text(*v ? "1" : "0") : std::nullopt; }

// Each parse returns "" when `t` is a valid value (stored in `out`), else what was expected.
std::string parse(const std::string& t, std::optional<std::string>& out) {
  out = t;
  return "";
}
std::string parse(const std::string& t, std::optional<Date>& out) {
  Date d;
  if (!parse_iso_date(t, d) || d.iso() != t) return "a date YYYY-MM-DD";
  out = d;
  return "";
}
std::string parse(const std::string& t, std::optional<bool>& out) {
  if (t != "0" && t != "1") return "0 or 1";
  out = t == "1";
  return "";
}
std::string parse(const std::string& t, std::optional<long long>& out) {
  long long n = 0;
  if (!whole(t, 999'999'999'999'999LL, n)) return "a whole number of 0 or more";
  out = n;
  return "";
}
std::string parse_level(const std::string& t, std::optional<int>& out, int lo, int hi, const char* expected) {
  long long n = 0;
  if (!whole(t, hi, n) || (n != 0 && n < lo)) return expected;
  out = static_cast<int>(n);
  return "";
}

// Calls fn(member) for the member that holds field f.
template <class S, class Fn>
decltype(auto) visit_field(S& s, Field f, Fn&& fn) {
  // clang-format off
  switch (f) {
    case Field::vendor_code: break;
    case Field::name: return fn(s.name);
    case Field::name_normalized: return fn(s.name_normalized);
    case Field::corporate_number: return fn(s.corporate_number);
    case Field::email: return fn(s.email);
    case Field::contact: return fn(s.contact);
    case Field::department: return fn(s.department);
    case Field::sa_level: return fn(s.sa_level);
    case Field::sa_declared_on: return fn(s.sa_declared_on);
    case Field::sa_declaration_id: return fn(s.sa_declaration_id);
    case Field::ota_service: return fn(s.ota_service);
    case Field::ota_provider: return fn(s.ota_provider);
    case Field::ota_start: return fn(s.ota_start);
    case Field::ota_end: return fn(s.ota_end);
    case Field::scs_level: return fn(s.scs_level);
    case Field::scs_evidence: return fn(s.scs_evidence);
    case Field::scs_valid_until: return fn(s.scs_valid_until);
    case Field::chart_confidential: return fn(s.chart_confidential);
    case Field::chart_critical: return fn(s.chart_critical);
    case Field::chart_network: return fn(s.chart_network);
    case Field::active: return fn(s.active);
    case Field::capital_yen: return fn(s.capital_yen);
    case Field::employees: return fn(s.employees);
    case Field::equiv_service: return fn(s.equiv_service);
    case Field::equiv_until: return fn(s.equiv_until);
    case Field::count_: break;
  }
  // clang-format on
  throw std::logic_error("supplier field " + std::to_string(static_cast<int>(f)) + " has no member");
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

std::optional<std::string> text_of(const Supplier& s, Field f) {
  if (f == Field::vendor_code) return s.vendor_code;
  return visit_field(s, f, [](const auto& m) { return text(m); });
}

SupplierText text_view(const Supplier& s) {
  SupplierText t;
  for (int i = 0; i < kFieldCount; ++i) t[i] = text_of(s, static_cast<Field>(i));
  return t;
}

std::string set_from_text(Supplier& s, Field f, const std::optional<std::string>& t) {
  if (f == Field::vendor_code) {
    if (!t || t->empty()) return "a vendor code";
    s.vendor_code = *t;
    return "";
  }
  return visit_field(s, f, [&](auto& m) -> std::string {
    if (!t || t->empty()) {
      m.reset();
      return "";
    }
    std::decay_t<decltype(m)> v;
    std::string why;
    if constexpr (std::is_same_v<std::decay_t<decltype(m)>, std::optional<int>>) {
      why = f == Field::sa_level ? parse_level(*t, v, 1, 2, "a SECURITY ACTION level 0, 1 or 2")
                                 : parse_level(*t, v, 3, 5, "an SCS level 0, 3, 4 or 5");
    } else {
      why = parse(*t, v);
    }
    if (why.empty()) m = std::move(v);
    return why;
  });
}

CorruptSupplier::CorruptSupplier(const std::string& code, Field f, const std::string& v, const std::string& expected)
    : std::runtime_error("supplier " + code + ": stored " + std::string(field_name(f)) + " \"" + v + "\" is not " +
                         expected + " (corrupt record: correct it in the database)"),
      vendor_code(code),
      column(field_name(f)),
      value(v) {}

Supplier stored_supplier(const SupplierText& row) {
  Supplier s;
  s.vendor_code = row[0].value_or("");
  for (int i = 1; i < kFieldCount; ++i) {
    const Field f = static_cast<Field>(i);
    if (std::string why = set_from_text(s, f, row[i]); !why.empty())
      throw CorruptSupplier(s.vendor_code, f, *row[i], why);
  }
  return s;
}

Supplier supplier_from_patch(const SupplierPatch& p) {
  Supplier s;
  for (int i = 0; i < kFieldCount; ++i) {
    const Field f = static_cast<Field>(i);
    if (std::string why = set_from_text(s, f, p.v[i]); !why.empty())
      throw Error(Code::invalid, std::string(field_name(f)) + ": \"" + p.v[i].value_or("") + "\" is not " + why);
  }
  return s;
}

StatusView StatusView::from(const Supplier& s) {
  StatusView v;
  v.sa_level = s.sa_level.value_or(-1);
  v.sa_declared_on = s.sa_declared_on;
  if (s.ota_service && *s.ota_service != kOtasuketaiNone) v.ota_service = s.ota_service;
  v.ota_start = s.ota_start;
  v.ota_end = s.ota_end;
  v.ota_known = s.ota_service || s.ota_end || s.ota_start;
  if (s.equiv_service && *s.equiv_service != kOtasuketaiNone) v.equiv_service = s.equiv_service;
  v.equiv_until = s.equiv_until;
  v.equiv_known = s.equiv_service || s.equiv_until;
  v.scs_level = s.scs_level.value_or(-1);
  v.scs_valid_until = s.scs_valid_until;
  v.chart[0] = s.chart_confidential;
  v.chart[1] = s.chart_critical;
  v.chart[2] = s.chart_network;
  v.active = s.active.value_or(true);
  return v;
}

}  // namespace hoshi
