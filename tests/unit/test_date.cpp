#include <boost/test/unit_test.hpp>

#include "core/date.hpp"

using namespace hoshi;

namespace {
std::string parsed(const std::string& in) {
  Date d;
  std::string why;
  return parse_date(in, d, why) ? d.iso() : "ERR: " + why;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(date_suite)

BOOST_AUTO_TEST_CASE(reads_iso_slash_and_kanji_forms) {
  BOOST_TEST(parsed("2026-04-01") == "2026-04-01");
  BOOST_TEST(parsed("2026/4/1") == "2026-04-01");
  BOOST_TEST(parsed("2026.04.01") == "2026-04-01");
  BOOST_TEST(parsed("2026年4月1日") == "2026-04-01");
  BOOST_TEST(parsed("２０２６／４／１") == "2026-04-01");
  BOOST_TEST(parsed(" 2026-04-01 ") == "2026-04-01");
}

BOOST_AUTO_TEST_CASE(reads_what_spreadsheets_and_erps_export) {
  BOOST_TEST(parsed("20260401") == "2026-04-01");
  BOOST_TEST(parsed("2026/04/01 0:00") == "2026-04-01");
  BOOST_TEST(parsed("2026/4/1 00:00:00") == "2026-04-01");
  BOOST_TEST(parsed("令和 8年 4月 1日") == "2026-04-01");
  BOOST_TEST(parsed("20260230").rfind("ERR", 0) == 0);
  BOOST_TEST(parsed("2026/04/01 13:30").rfind("ERR", 0) == 0);  // a real time is not a date
}

BOOST_AUTO_TEST_CASE(reads_wareki) {
  BOOST_TEST(parsed("令和8年4月1日") == "2026-04-01");
  BOOST_TEST(parsed("R8.4.1") == "2026-04-01");
  BOOST_TEST(parsed("r8/4/1") == "2026-04-01");
  BOOST_TEST(parsed("令和元年5月1日") == "2019-05-01");
  BOOST_TEST(parsed("平成31年4月30日") == "2019-04-30");
  BOOST_TEST(parsed("H31.4.30") == "2019-04-30");
  BOOST_TEST(parsed("令和９年３月３１日") == "2027-03-31");
  BOOST_TEST(parsed("昭和64年1月7日") == "1989-01-07");
}

BOOST_AUTO_TEST_CASE(rejects_impossible_and_out_of_era_dates) {
  BOOST_TEST(parsed("2026-02-30").rfind("ERR", 0) == 0);
  BOOST_TEST(parsed("2026-13-01").rfind("ERR", 0) == 0);
  BOOST_TEST(parsed("2025/2/29").rfind("ERR", 0) == 0);
  BOOST_TEST(parsed("2024/2/29") == "2024-02-29");
  BOOST_TEST(parsed("令和0年1月1日").rfind("ERR", 0) == 0);
  BOOST_TEST(parsed("令和元年4月30日").rfind("ERR", 0) == 0);  // still 平成 then
  BOOST_TEST(parsed("平成31年5月1日").rfind("ERR", 0) == 0);   // already 令和
  BOOST_TEST(parsed("平成32年1月1日").rfind("ERR", 0) == 0);
  BOOST_TEST(parsed("26/4/1").rfind("ERR", 0) == 0);  // two-digit year is ambiguous
  BOOST_TEST(parsed("2026-04").rfind("ERR", 0) == 0);
  BOOST_TEST(parsed("来年").rfind("ERR", 0) == 0);
  BOOST_TEST(parsed("").rfind("ERR", 0) == 0);
}

BOOST_AUTO_TEST_CASE(formats_wareki_with_gannen) {
  BOOST_TEST(Date({2026, 4, 1}).wareki() == "令和8年4月1日");
  BOOST_TEST(Date({2019, 5, 1}).wareki() == "令和元年5月1日");
  BOOST_TEST(Date({2019, 4, 30}).wareki() == "平成31年4月30日");
}

BOOST_AUTO_TEST_CASE(day_arithmetic_round_trips) {
  for (long d = -1000; d < 40000; d += 37) BOOST_TEST(Date::from_days(d).days() == d);
  BOOST_TEST(Date({1970, 1, 1}).days() == 0);
  BOOST_TEST(Date({2027, 3, 31}).days() - Date({2026, 11, 20}).days() == 131);
}

BOOST_AUTO_TEST_SUITE_END()
