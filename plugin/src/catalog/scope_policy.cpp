#include "catalog/scope_policy.hpp"

#include "core/company_size.hpp"

namespace hoshi::catalog {

namespace {
constexpr auto kText = detail::Doc::Shape::scalar;
constexpr detail::Doc::Key kScope[] = {{"transaction_kind", kText, true},
                                       {"capital_yen", kText, false},
                                       {"employees", kText, false},
                                       {"provisional", kText, false}};
}  // namespace

void load_scope_policy(const detail::Doc& d, const YAML::Node& root, Policy& p) {
  const YAML::Node s = root["subcontract_scope"];
  if (!s.IsDefined()) return;
  d.keys(s, "subcontract_scope", kScope);
  const std::string kind = d.str(s, "transaction_kind");
  p.scope.kind = scope::kind_from_id(kind);
  if (!p.scope.kind)
    throw d.fail(s["transaction_kind"],
                 "'transaction_kind' must be one of " + scope::kind_ids() + ", not '" + kind + "'");
  if (s["capital_yen"].IsDefined() && !s["capital_yen"].IsNull()) {
    std::int64_t yen = 0;
    std::string why;
    if (!company_size::parse_capital_yen(d.str(s, "capital_yen"), yen, why))
      throw d.fail(s["capital_yen"], "'capital_yen': " + why);
    p.scope.buyer.capital_yen = yen;
  }
  if (s["employees"].IsDefined() && !s["employees"].IsNull()) {
    long n = 0;
    std::string why;
    if (!company_size::parse_employees(d.str(s, "employees"), n, why))
      throw d.fail(s["employees"], "'employees': " + why);
    p.scope.buyer.employees = n;
  }
  if (!p.scope.buyer.capital_yen && !p.scope.buyer.employees)
    throw d.fail(s, "'subcontract_scope' needs the buyer's 'capital_yen' or 'employees' (or both)");
}

}  // namespace hoshi::catalog
