// 取適法 scope: the capital parser, the employee parser, the decision at every threshold
// boundary, and the policy section that gives the buyer's own figures.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "catalog/catalog_loader.hpp"
#include "core/company_size.hpp"
#include "core/subcontract_scope.hpp"

namespace hoshi::scope {
std::ostream& operator<<(std::ostream& o, Scope s) { return o << scope_id(s); }
}  // namespace hoshi::scope

using namespace hoshi;
using scope::Scope;
using scope::TransactionKind;

namespace {
std::int64_t capital(const std::string& cell) {
  std::int64_t v = -1;
  std::string why;
  BOOST_TEST_INFO(cell);
  BOOST_TEST(company_size::parse_capital_yen(cell, v, why), why);
  return v;
}
std::string capital_error(const std::string& cell) {
  std::int64_t v = 0;
  std::string why;
  if (company_size::parse_capital_yen(cell, v, why)) return "parsed " + std::to_string(v);
  return why;
}
Scope decide(TransactionKind k, std::optional<std::int64_t> bc, std::optional<long> be, std::optional<std::int64_t> sc,
             std::optional<long> se) {
  return scope::decide(k, scope::Size{bc, be}, scope::Size{sc, se}).scope;
}
constexpr std::int64_t kOku = 100'000'000, kMan = 10'000;
}  // namespace

BOOST_AUTO_TEST_SUITE(subcontract_scope_suite)

BOOST_AUTO_TEST_CASE(capital_in_the_ways_people_write_it) {
  BOOST_TEST(capital("10000000") == 10'000'000);
  BOOST_TEST(capital("10,000,000") == 10'000'000);
  BOOST_TEST(capital("10,000,000円") == 10'000'000);
  BOOST_TEST(capital("￥10,000,000") == 10'000'000);
  BOOST_TEST(capital("１０，０００，０００") == 10'000'000);  // full-width digits and comma
  BOOST_TEST(capital("1,000万円") == 1000 * kMan);
  BOOST_TEST(capital("１，０００万円") == 1000 * kMan);
  BOOST_TEST(capital("3億円") == 3 * kOku);
  BOOST_TEST(capital("３億円") == 3 * kOku);
  BOOST_TEST(capital("1億5,000万円") == kOku + 5000 * kMan);
  BOOST_TEST(capital("5千万円") == 5000 * kMan);
  BOOST_TEST(capital("3億5千万円") == 3 * kOku + 5000 * kMan);
  BOOST_TEST(capital("100百万円") == kOku);
  BOOST_TEST(capital("1.5億円") == kOku + 5000 * kMan);
  BOOST_TEST(capital(" 3億 ") == 3 * kOku);
  BOOST_TEST(capital("0") == 0);
}

BOOST_AUTO_TEST_CASE(capital_that_is_not_an_amount_is_refused_with_the_cell) {
  BOOST_TEST(capital_error("三億円").find("資本金が読めません: \"三億円\"") == 0u, capital_error("三億円"));
  BOOST_TEST(capital_error("abc").find("資本金が読めません") == 0u);
  BOOST_TEST(capital_error("-1000").find("負の値") != std::string::npos);
  BOOST_TEST(capital_error("▲1000万円").find("負の値") != std::string::npos);
  BOOST_TEST(capital_error("1万3億円").find("順序") != std::string::npos);  // units must fall
  BOOST_TEST(capital_error("1000.5").find("円単位の整数") != std::string::npos);
  BOOST_TEST(capital_error("11兆円").find("大きすぎます") != std::string::npos);
  BOOST_TEST(capital_error("999999999999999999999").find("読めません") != std::string::npos);
  BOOST_TEST(capital_error("1,0").find("読めません") != std::string::npos);
  BOOST_TEST(capital_error("3億円 程度").find("読めません") != std::string::npos);
  BOOST_TEST(capital_error("").find("読めません") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(employees_are_whole_numbers) {
  long n = -1;
  std::string why;
  BOOST_TEST(company_size::parse_employees("120", n, why));
  BOOST_TEST(n == 120);
  BOOST_TEST(company_size::parse_employees("１，２００人", n, why));
  BOOST_TEST(n == 1200);
  BOOST_TEST(company_size::parse_employees("45名", n, why));
  BOOST_TEST(n == 45);
  BOOST_TEST(!company_size::parse_employees("12.5", n, why));
  BOOST_TEST(why.find("整数") != std::string::npos);
  BOOST_TEST(!company_size::parse_employees("約100", n, why));
  BOOST_TEST(!company_size::parse_employees("-3", n, why));
  BOOST_TEST(why.find("負の値") != std::string::npos);
  BOOST_TEST(!company_size::parse_employees("20000000", n, why));
  BOOST_TEST(why.find("大きすぎます") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(yen_are_written_as_letters_write_them) {
  BOOST_TEST(company_size::format_yen(3 * kOku) == "3億円");
  BOOST_TEST(company_size::format_yen(kOku + 5000 * kMan) == "1億5,000万円");
  BOOST_TEST(company_size::format_yen(1000 * kMan) == "1,000万円");
  BOOST_TEST(company_size::format_yen(1234) == "1,234円");
}

BOOST_AUTO_TEST_CASE(manufacturing_capital_boundaries_at_3oku_and_1000man) {
  const auto M = TransactionKind::manufacturing;
  // buyer > 3億 and supplier ≤ 3億
  BOOST_TEST(decide(M, 3 * kOku + 1, {}, 3 * kOku, {}) == Scope::toriteki);
  BOOST_TEST(decide(M, 3 * kOku + 1, {}, 3 * kOku + 1, {}) == Scope::unknown);  // no employee figures
  BOOST_TEST(decide(M, 3 * kOku + 1, 10, 3 * kOku + 1, 10) == Scope::antimonopoly);
  // buyer exactly 3億: the lower group, so the supplier must be ≤ 1千万
  BOOST_TEST(decide(M, 3 * kOku, 10, 3 * kOku - 1, 10) == Scope::antimonopoly);
  BOOST_TEST(decide(M, 3 * kOku, {}, 1000 * kMan, {}) == Scope::toriteki);
  // buyer 1千万超〜3億 and supplier ≤ 1千万
  BOOST_TEST(decide(M, 1000 * kMan + 1, {}, 1000 * kMan, {}) == Scope::toriteki);
  BOOST_TEST(decide(M, 1000 * kMan + 1, 10, 1000 * kMan + 1, 10) == Scope::antimonopoly);
  // buyer exactly 1千万: never a 委託事業者 by capital
  BOOST_TEST(decide(M, 1000 * kMan, 10, 0, 10) == Scope::antimonopoly);
}

BOOST_AUTO_TEST_CASE(service_capital_boundaries_at_5000man_and_1000man) {
  const auto S = TransactionKind::service;
  BOOST_TEST(decide(S, 5000 * kMan + 1, {}, 5000 * kMan, {}) == Scope::toriteki);
  BOOST_TEST(decide(S, 5000 * kMan + 1, 10, 5000 * kMan + 1, 10) == Scope::antimonopoly);
  BOOST_TEST(decide(S, 5000 * kMan, {}, 1000 * kMan, {}) == Scope::toriteki);
  BOOST_TEST(decide(S, 5000 * kMan, 10, 1000 * kMan + 1, 10) == Scope::antimonopoly);
  BOOST_TEST(decide(S, 1000 * kMan, 10, 1, 10) == Scope::antimonopoly);
  // the same figures under manufacturing: 1億 buyer to a 4千万 supplier is not covered there
  BOOST_TEST(decide(S, kOku, 10, 4000 * kMan, 10) == Scope::toriteki);
  BOOST_TEST(decide(TransactionKind::manufacturing, kOku, 10, 4000 * kMan, 10) == Scope::antimonopoly);
  // 情報処理 and プログラム belong to the 3億円 group, other 情報成果物 to the 5千万円 group
  BOOST_TEST(decide(TransactionKind::designated_service, kOku, 10, 4000 * kMan, 10) == Scope::antimonopoly);
  BOOST_TEST(decide(TransactionKind::program, 4 * kOku, 10, 2 * kOku, 10) == Scope::toriteki);
  BOOST_TEST(decide(TransactionKind::information, 4 * kOku, 10, 2 * kOku, 10) == Scope::antimonopoly);
}

BOOST_AUTO_TEST_CASE(employee_boundaries_at_300_and_100) {
  const auto M = TransactionKind::manufacturing, S = TransactionKind::service;
  BOOST_TEST(decide(M, {}, 301, {}, 300) == Scope::toriteki);
  BOOST_TEST(decide(M, {}, 300, {}, 10) == Scope::unknown);  // no capital figures to say no
  BOOST_TEST(decide(M, kOku, 300, kOku, 10) == Scope::antimonopoly);
  BOOST_TEST(decide(M, kOku, 301, kOku, 301) == Scope::antimonopoly);
  BOOST_TEST(decide(M, kOku, 301, kOku, 300) == Scope::toriteki);  // capital says no, employees yes
  BOOST_TEST(decide(S, kOku, 101, kOku, 100) == Scope::toriteki);
  BOOST_TEST(decide(S, kOku, 100, kOku, 50) == Scope::antimonopoly);
  BOOST_TEST(decide(S, kOku, 101, kOku, 101) == Scope::antimonopoly);
  BOOST_TEST(decide(M, kOku, 200, kOku, 50) == Scope::antimonopoly);  // 200 > 100 only counts for services
}

BOOST_AUTO_TEST_CASE(missing_figures_leave_the_scope_unknown) {
  const auto M = TransactionKind::manufacturing;
  BOOST_TEST(decide(M, 5 * kOku, 800, {}, {}) == Scope::unknown);  // a supplier without figures
  scope::Decision d = scope::decide(M, {5 * kOku, 800}, {});
  BOOST_TEST(d.basis.find("登録されていません") != std::string::npos, d.basis);
  // no transaction kind (no policy section): unknown even with every figure
  d = scope::decide(std::nullopt, {5 * kOku, 800}, {kOku, 50});
  BOOST_TEST((d.scope == Scope::unknown));
  BOOST_TEST(d.basis.find("subcontract_scope") != std::string::npos, d.basis);
  // one figure that says yes is enough
  BOOST_TEST(decide(M, 5 * kOku, {}, kOku, {}) == Scope::toriteki);
  // the supplier's capital says no and its employees are not known: unknown, naming what is missing
  d = scope::decide(M, {5 * kOku, 800}, {6 * kOku, {}});
  BOOST_TEST((d.scope == Scope::unknown));
  BOOST_TEST(d.basis.find("取引先の従業員数") != std::string::npos, d.basis);
  BOOST_TEST(d.basis.find("資本金基準に該当しない") != std::string::npos, d.basis);
}

BOOST_AUTO_TEST_CASE(the_basis_names_the_test_and_the_figures) {
  scope::Decision d = scope::decide(TransactionKind::manufacturing, {5 * kOku, 800}, {kOku, 50});
  BOOST_TEST((d.scope == Scope::toriteki));
  BOOST_TEST(d.basis == "資本金基準: 発注者 5億円（3億円超）、取引先 1億円（3億円以下）（製造委託）", d.basis);
  d = scope::decide(TransactionKind::manufacturing, {kOku, 800}, {5000 * kMan, 50});
  BOOST_TEST(d.basis.find("従業員基準: 発注者 800人（300人超）、取引先 50人（300人以下）") == 0u, d.basis);
  BOOST_TEST(scope::scope_id(Scope::antimonopoly) == "antimonopoly");
  BOOST_TEST(scope::kind_from_id("repair").has_value());
  BOOST_TEST(!scope::kind_from_id("construction").has_value());  // 建設工事 is not a 製造委託等
}

BOOST_AUTO_TEST_SUITE_END()
