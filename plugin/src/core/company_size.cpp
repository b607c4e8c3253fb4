#include "core/company_size.hpp"

#include "core/text.hpp"

namespace hoshi::company_size {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string quoted(std::string_view cell) { return "\"" + std::string(text::utf8_prefix(text::trim(cell), 60)) + "\""; }

// A run of digits with optional thousands separators (groups of three: "1,000", not "1,0")
// and decimals: "1.5". The value is mantissa / 10^decimals.
bool read_number(std::string_view& s, std::int64_t& mantissa, int& decimals) {
  mantissa = 0;
  decimals = 0;
  std::size_t i = 0, digits = 0, group = 0;  // group: digits since the last comma
  bool point = false, comma = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      if (++digits > 15) return false;
      mantissa = mantissa * 10 + (c - '0');
      if (point)
        ++decimals;
      else
        ++group;
    } else if (c == ',' && !point && digits > 0) {
      if ((comma && group != 3) || (!comma && group > 3)) return false;
      comma = true;
      group = 0;
    } else if (c == '.' && !point && digits > 0) {
      point = true;
    } else {
      break;
    }
  }
  if (comma && group != 3) return false;  // "1,0", "1,0000", a trailing comma
  if (digits == 0 || (point && decimals == 0) || decimals > 4) return false;
  s.remove_prefix(i);
  return true;
}

struct Unit {
  std::string_view word;
  std::int64_t factor;
};
constexpr Unit kBig[] = {{"兆", 1'000'000'000'000}, {"億", 100'000'000}, {"万", 10'000}};
constexpr Unit kSmall[] = {{"千", 1'000}, {"百", 100}};

}  // namespace

bool parse_capital_yen(std::string_view cell, std::int64_t& out, std::string& why) {
  const std::string clean = text::clean_cell(cell);
  std::string_view s = clean;
  const std::string example = " (例: 1,000万円、3億円、10000000)";
  for (std::string_view yen : {"¥", "\\", "JPY", "jpy"})
    if (starts_with(s, yen)) s.remove_prefix(yen.size());
  if (ends_with(s, "円")) s.remove_suffix(std::string_view("円").size());
  if (!s.empty() && (s[0] == '-' || starts_with(s, "−") || starts_with(s, "▲") || starts_with(s, "△"))) {
    why = "資本金が負の値です: " + quoted(cell);
    return false;
  }
  if (s.empty()) {
    why = "資本金が読めません: " + quoted(cell) + example;
    return false;
  }
  // Japanese amounts: groups of "number [千|百] [兆|億|万]" in falling order: 「1億5,000万」「5千万」.
  std::int64_t total = 0, last_big = 0;  // 0: no big unit seen yet
  bool plain = false;                    // a group without a big unit ends the amount
  while (!s.empty()) {
    if (plain) {
      why = "資本金が読めません: " + quoted(cell) + example;
      return false;
    }
    std::int64_t mantissa = 0;
    int decimals = 0;
    if (!read_number(s, mantissa, decimals)) {
      why = "資本金が読めません: " + quoted(cell) + example;
      return false;
    }
    std::int64_t factor = 1;
    for (const Unit& u : kSmall)
      if (starts_with(s, u.word)) {
        factor = u.factor;
        s.remove_prefix(u.word.size());
        break;
      }
    std::int64_t big = 1;
    for (const Unit& u : kBig)
      if (starts_with(s, u.word)) {
        big = u.factor;
        s.remove_prefix(u.word.size());
        break;
      }
    if (big == 1) plain = true;
    if (last_big != 0 && big >= last_big) {
      why = "資本金の単位の順序が読めません: " + quoted(cell) + example;
      return false;
    }
    if (big != 1) last_big = big;
    // mantissa × factor × big / 10^decimals, whole yen and within range
    std::int64_t scale = 1;
    for (int d = 0; d < decimals; ++d) scale *= 10;
    const std::int64_t unit = factor * big;  // ≤ 10^15
    // mantissa < 10^15, scale ≤ 10^4 and unit ≤ 10^15: split so nothing overflows
    if (mantissa / scale > kMaxCapitalYen / unit) {
      why = "資本金が大きすぎます: " + quoted(cell) + " (max 10兆円)";
      return false;
    }
    const std::int64_t whole = mantissa / scale, frac = mantissa % scale;
    if (unit % scale != 0 && (frac * (unit % scale)) % scale != 0) {
      why = "資本金は円単位の整数で書いてください: " + quoted(cell);
      return false;
    }
    const std::int64_t v = whole * unit + frac * (unit / scale) + (frac * (unit % scale)) / scale;
    if (v > kMaxCapitalYen - total) {
      why = "資本金が大きすぎます: " + quoted(cell) + " (max 10兆円)";
      return false;
    }
    total += v;
  }
  out = total;
  return true;
}

bool parse_employees(std::string_view cell, long& out, std::string& why) {
  const std::string clean = text::clean_cell(cell);
  std::string_view s = clean;
  for (std::string_view suffix : {"人", "名"})
    if (ends_with(s, suffix)) s.remove_suffix(suffix.size());
  if (!s.empty() && (s[0] == '-' || starts_with(s, "−"))) {
    why = "従業員数が負の値です: " + quoted(cell);
    return false;
  }
  std::int64_t mantissa = 0;
  int decimals = 0;
  std::string_view rest = s;
  if (!read_number(rest, mantissa, decimals) || !rest.empty() || decimals != 0) {
    why = "従業員数は整数で書いてください: " + quoted(cell) + " (例: 120)";
    return false;
  }
  if (mantissa > kMaxEmployees) {
    why = "従業員数が大きすぎます: " + quoted(cell) + " (max " + std::to_string(kMaxEmployees) + ")";
    return false;
  }
  out = static_cast<long>(mantissa);
  return true;
}

namespace {
std::string with_commas(std::int64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}
}  // namespace

std::string format_yen(std::int64_t yen) {
  if (yen >= 10'000 && yen % 10'000 == 0) {
    const std::int64_t oku = yen / 100'000'000, man = (yen % 100'000'000) / 10'000;
    std::string s;
    if (oku) s += with_commas(oku) + "億";
    if (man) s += with_commas(man) + "万";
    return s + "円";
  }
  return with_commas(yen) + "円";
}

}  // namespace hoshi::company_size
