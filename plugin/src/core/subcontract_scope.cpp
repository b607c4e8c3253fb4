#include "core/subcontract_scope.hpp"

#include "core/company_size.hpp"

namespace hoshi::scope {

namespace {
struct KindInfo {
  TransactionKind kind;
  std::string_view id, label;
  bool large_group;  // 3億円 / 300人
};
constexpr KindInfo kKinds[] = {
    {TransactionKind::manufacturing, "manufacturing", "製造委託", true},
    {TransactionKind::repair, "repair", "修理委託", true},
    {TransactionKind::program, "program", "情報成果物作成委託（プログラムの作成）", true},
    {TransactionKind::information, "information", "情報成果物作成委託（プログラム以外）", false},
    {TransactionKind::designated_service, "designated_service",
     "役務提供委託（運送・物品の倉庫における保管・情報処理）", true},
    {TransactionKind::service, "service", "役務提供委託", false},
    {TransactionKind::specified_transport, "specified_transport", "特定運送委託", true},
};

const KindInfo& info(TransactionKind k) {
  for (const auto& i : kKinds)
    if (i.kind == k) return i;
  return kKinds[0];
}

constexpr std::int64_t kOku3 = 300'000'000, kMan5000 = 50'000'000, kMan1000 = 10'000'000;

std::string yen(std::int64_t v) { return company_size::format_yen(v); }
std::string people(long v) { return std::to_string(v) + "人"; }
}  // namespace

std::optional<TransactionKind> kind_from_id(std::string_view id) {
  for (const auto& i : kKinds)
    if (i.id == id) return i.kind;
  return std::nullopt;
}
std::string_view kind_id(TransactionKind k) { return info(k).id; }
std::string_view kind_label(TransactionKind k) { return info(k).label; }
std::string kind_ids() {
  std::string s;
  for (const auto& i : kKinds) s += (s.empty() ? "" : ", ") + std::string(i.id);
  return s;
}

Thresholds thresholds(TransactionKind k) {
  return info(k).large_group ? Thresholds{kOku3, kMan1000, 300} : Thresholds{kMan5000, kMan1000, 100};
}

std::string_view scope_id(Scope s) {
  switch (s) {
    case Scope::toriteki:
      return "toriteki";
    case Scope::antimonopoly:
      return "antimonopoly";
    case Scope::unknown:
      break;
  }
  return "unknown";
}

Decision decide(const std::optional<TransactionKind>& kind, const Size& buyer, const Size& supplier) {
  Decision d;
  if (!supplier.capital_yen && !supplier.employees) {
    d.basis = "取引先の資本金・従業員数が登録されていません";
    return d;
  }
  if (!kind) {
    d.basis = "発注者の取引の種類（policy.yaml subcontract_scope）が設定されていません";
    return d;
  }
  const Thresholds t = thresholds(*kind);
  const std::string upper = yen(t.capital_upper), lower = yen(t.capital_lower);
  // 資本金基準 (2条8項・9項): buyer above the upper line and supplier at or below it, or buyer
  // above the lower line (up to the upper) and supplier at or below the lower line.
  std::optional<bool> by_capital;
  std::string capital_basis;
  if (buyer.capital_yen && supplier.capital_yen) {
    const std::int64_t b = *buyer.capital_yen, s = *supplier.capital_yen;
    if (b > t.capital_upper && s <= t.capital_upper) {
      by_capital = true;
      capital_basis =
          "資本金基準: 発注者 " + yen(b) + "（" + upper + "超）、取引先 " + yen(s) + "（" + upper + "以下）";
    } else if (b > t.capital_lower && b <= t.capital_upper && s <= t.capital_lower) {
      by_capital = true;
      capital_basis = "資本金基準: 発注者 " + yen(b) + "（" + lower + "超" + upper + "以下）、取引先 " + yen(s) + "（" +
                      lower + "以下）";
    } else {
      by_capital = false;
      capital_basis = "資本金基準に該当しない（発注者 " + yen(b) + "、取引先 " + yen(s) + "）";
    }
  }
  // 従業員基準 (new in 2026): buyer above the count, supplier at or below it.
  std::optional<bool> by_employees;
  std::string employee_basis;
  if (buyer.employees && supplier.employees) {
    const long b = *buyer.employees, s = *supplier.employees;
    const std::string line = people(t.employees);
    by_employees = b > t.employees && s <= t.employees;
    employee_basis = *by_employees ? "従業員基準: 発注者 " + people(b) + "（" + line + "超）、取引先 " + people(s) +
                                         "（" + line + "以下）"
                                   : "従業員基準に該当しない（発注者 " + people(b) + "、取引先 " + people(s) + "）";
  }
  const std::string kind_note = "（" + std::string(kind_label(*kind)) + "）";
  if (by_capital.value_or(false) || by_employees.value_or(false)) {
    d.scope = Scope::toriteki;
    d.basis = (by_capital.value_or(false) ? capital_basis : employee_basis) + kind_note;
    return d;
  }
  if (by_capital && by_employees) {
    d.scope = Scope::antimonopoly;
    d.basis = capital_basis + "、" + employee_basis + kind_note;
    return d;
  }
  // one test not met and the other not possible: the missing figures decide
  std::string missing;
  if (!by_capital) missing += buyer.capital_yen ? "取引先の資本金" : "発注者の資本金";
  if (!by_employees)
    missing += std::string(missing.empty() ? "" : "、") + (buyer.employees ? "取引先の従業員数" : "発注者の従業員数");
  d.basis = (by_capital     ? capital_basis + "。"
             : by_employees ? employee_basis + "。"
                            : std::string()) +
            missing + "がないため判定できません" + kind_note;
  return d;
}

}  // namespace hoshi::scope
