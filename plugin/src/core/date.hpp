// Calendar dates (no time zone), ISO and 和暦 (Japanese era) forms.
#pragma once
#include <string>
#include <string_view>

namespace hoshi {

struct Date {
  int year = 0, month = 0, day = 0;

  // Days since 1970-01-01 (proleptic Gregorian).
  long days() const;
  static Date from_days(long days);
  static bool valid(int y, int m, int d);
  // "YYYY-MM-DD"
  std::string iso() const;
  // "令和8年4月1日" (元年 for the first year)
  std::string wareki() const;
  // Today in Japan (UTC+9).
  static Date today_tokyo();

  friend bool operator==(const Date& a, const Date& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
  }
  friend bool operator!=(const Date& a, const Date& b) { return !(a == b); }
  friend bool operator<(const Date& a, const Date& b) { return a.days() < b.days(); }
  friend bool operator<=(const Date& a, const Date& b) { return a.days() <= b.days(); }
};

// Parses 2026-04-01, 2026/4/1, 2026.4.1, 2026年4月1日, 令和8年4月1日, 令和元年5月1日,
// R8.4.1, R8/4/1, H31.4.30 (also full-width forms). Returns false with `why` on
// malformed or impossible dates and on era years outside the era.
bool parse_date(std::string_view input, Date& out, std::string& why);

// Current time as "YYYY-MM-DDTHH:MM:SSZ" (UTC), for record timestamps.
std::string utc_now_iso();

// Parses only the ISO form YYYY-MM-DD (used for stored values).
bool parse_iso_date(std::string_view input, Date& out);

}  // namespace hoshi
