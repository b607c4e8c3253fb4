// A company's size as 取適法 measures it: the capital (資本金の額又は出資の総額, in yen) and
// the number of regular employees (常時使用する従業員の数). Parsing the ways people write them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace hoshi::company_size {

// The largest capital taken (10兆円): anything above is a typo, not a company.
inline constexpr std::int64_t kMaxCapitalYen = 10'000'000'000'000;
inline constexpr long kMaxEmployees = 10'000'000;

// 「10000000」「10,000,000」「10,000,000円」「￥10,000,000」「1,000万円」「3億円」「1億5,000万円」
// 「5千万円」 and the full-width forms of all of them (NFKC) → yen. Only whole yen; no sign.
bool parse_capital_yen(std::string_view cell, std::int64_t& out, std::string& why);
// 「120」「1,200」「120人」「120名」 (full-width too) → a whole number of employees.
bool parse_employees(std::string_view cell, long& out, std::string& why);

// 300000000 → 「3億円」, 12000000 → 「1,200万円」, 1234 → 「1,234円」 (the words of the letters).
std::string format_yen(std::int64_t yen);

}  // namespace hoshi::company_size
