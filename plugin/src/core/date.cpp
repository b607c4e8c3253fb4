#include "core/date.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

#include "core/text.hpp"

namespace hoshi {

namespace {
// Howard Hinnant's days_from_civil / civil_from_days.
long days_from_civil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

struct Era {
  const char* kanji;
  char letter;
  Date first;  // first day of the era
};
// Newest first.
const Era kEras[] = {
    {"令和", 'R', {2019, 5, 1}},
    {"平成", 'H', {1989, 1, 8}},
    {"昭和", 'S', {1926, 12, 25}},
};
}  // namespace

long Date::days() const { return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)); }

Date Date::from_days(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

bool Date::valid(int y, int m, int d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + ((m == 2 && leap) ? 1 : 0);
  return d <= max;
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::string Date::wareki() const {
  for (const Era& e : kEras) {
    if (e.first <= *this) {
      int ey = year - e.first.year + 1;
      std::string y = ey == 1 ? "元" : std::to_string(ey);
      return std::string(e.kanji) + y + "年" + std::to_string(month) + "月" + std::to_string(day) + "日";
    }
  }
  return std::to_string(year) + "年" + std::to_string(month) + "月" + std::to_string(day) + "日";
}

Date Date::today_tokyo() {
  std::time_t now = std::time(nullptr);
  return from_days(static_cast<long>((now + 9L * 3600) / 86400));
}

std::string utc_now_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {
// Splits "8.4.1" / "8/4/1" / "8-4-1" / "8年4月1日" into numbers; false if anything else.
bool split_numbers(std::string_view s, std::vector<int>& nums, std::string& seps) {
  nums.clear();
  seps.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] < '0' || s[i] > '9') return false;
    long v = 0;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i] - '0');
      if (i - start > 5) return false;
      ++i;
    }
    nums.push_back(static_cast<int>(v));
    if (i == s.size()) break;
    if (s[i] == '-' || s[i] == '/' || s[i] == '.') {
      seps.push_back(s[i]);
      ++i;
      if (i == s.size()) return false;
      continue;
    }
    static constexpr std::string_view kNen = "年", kGatsu = "月", kNichi = "日";
    std::string_view rest = s.substr(i);
    if (rest.substr(0, kNen.size()) == kNen) {
      seps.push_back('Y');
      i += kNen.size();
    } else if (rest.substr(0, kGatsu.size()) == kGatsu) {
      seps.push_back('M');
      i += kGatsu.size();
    } else if (rest.substr(0, kNichi.size()) == kNichi) {
      seps.push_back('D');
      i += kNichi.size();
      if (i != s.size()) return false;
    } else {
      return false;
    }
  }
  return true;
}
}  // namespace

bool parse_iso_date(std::string_view s, Date& out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int v[3] = {0, 0, 0};
  std::size_t pos[3][2] = {{0, 4}, {5, 2}, {8, 2}};
  for (int k = 0; k < 3; ++k) {
    for (std::size_t i = pos[k][0]; i < pos[k][0] + pos[k][1]; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v[k] = v[k] * 10 + (s[i] - '0');
    }
  }
  if (!Date::valid(v[0], v[1], v[2])) return false;
  out = Date{v[0], v[1], v[2]};
  return true;
}

bool parse_date(std::string_view input, Date& out, std::string& why) {
  std::string s = text::clean_cell(input);
  const std::string shown = s;  // messages quote the cell as written
  if (s.empty()) {
    why = "日付が空です (empty date)";
    return false;
  }
  if (parse_iso_date(s, out)) return true;
  // Excel writes date cells as "2026/04/01 0:00" or "2026/4/1 0:00:00": drop a zero time
  if (auto sp = s.find(' '); sp != std::string::npos) {
    std::string time = s.substr(sp + 1);
    if (time == "0:00" || time == "00:00" || time == "0:00:00" || time == "00:00:00") s.erase(sp);
  }
  // "令和 8年 4月 1日": spaces inside carry nothing
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  // ERP exports often write 20260401
  if (s.size() == 8 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(4, 2)), d = std::stoi(s.substr(6, 2));
    if (!Date::valid(y, m, d)) {
      why = "存在しない日付です: \"" + s + "\"";
      return false;
    }
    out = Date{y, m, d};
    return true;
  }

  const Era* era = nullptr;
  std::string_view body = s;
  for (const Era& e : kEras) {
    std::string_view k = e.kanji;
    if (body.substr(0, k.size()) == k) {
      era = &e;
      body.remove_prefix(k.size());
      break;
    }
    if (!body.empty() && (body[0] == e.letter || body[0] == e.letter + 32)) {
      era = &e;
      body.remove_prefix(1);
      break;
    }
  }
  std::string era_body;
  if (era != nullptr) {
    static constexpr std::string_view kGan = "元";
    if (body.substr(0, kGan.size()) == kGan) {
      era_body = "1" + std::string(body.substr(kGan.size()));
      body = era_body;
    }
  }
  std::vector<int> nums;
  std::string seps;
  if (!split_numbers(body, nums, seps) || nums.size() != 3 ||
      !(seps == "--" || seps == "//" || seps == ".." || seps == "YMD" || seps == "YM")) {
    why = "日付の形式が読めません: \"" + shown + "\" (use 2026-04-01, 2026/4/1, 20260401, 令和8年4月1日 or R8.4.1)";
    return false;
  }
  if (seps == "YM") {  // 2026年4月1 without 日 is not a date people write
    why = "日付の形式が読めません: \"" + s + "\"";
    return false;
  }
  int y = nums[0];
  if (era != nullptr) {
    if (y < 1) {
      why = "元号の年が不正です: \"" + s + "\"";
      return false;
    }
    y = era->first.year + y - 1;
  } else if (y < 1000) {
    why = "西暦は4桁で書いてください: \"" + s + "\"";
    return false;
  }
  if (!Date::valid(y, nums[1], nums[2])) {
    why = "存在しない日付です: \"" + s + "\"";
    return false;
  }
  Date d{y, nums[1], nums[2]};
  if (era != nullptr) {
    const Era* next = nullptr;
    for (const Era& e : kEras) {
      if (&e == era) break;
      next = &e;
    }
    if (d < era->first || (next != nullptr && next->first <= d)) {
      why = "元号の範囲外の日付です: \"" + shown + "\" (" + era->kanji + " は " + era->first.iso() + " から)";
      return false;
    }
  }
  out = d;
  return true;
}

}  // namespace hoshi
