#include "mail/ics.hpp"

#include <cstdio>

#include "core/error.hpp"

namespace hoshi::mail {
namespace {

std::string escape_text(const std::string& s) {
  std::string o;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' || c == ';' || c == ',') {
      o += '\\';
      o += c;
    } else if (c == '\r') {
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
      o += "\\n";
    } else if (c == '\n') {
      o += "\\n";
    } else if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') {
      o += c;
    }
  }
  return o;
}

// A parameter value (CN=…): quoted, without the characters a quoted value cannot hold.
std::string param_value(const std::string& s) {
  std::string o = "\"";
  for (char c : s)
    if (c != '"' && static_cast<unsigned char>(c) >= 0x20) o += c;
  return o + "\"";
}

// RFC 5545 §3.1: content lines longer than 75 octets are folded (CRLF + space); a
// fold never falls inside a UTF-8 sequence.
void line(std::string& out, const std::string& content) {
  std::size_t i = 0, budget = 75;
  while (content.size() - i > budget) {
    std::size_t cut = i + budget;
    while (cut > i && (static_cast<unsigned char>(content[cut]) & 0xC0) == 0x80) --cut;
    out.append(content, i, cut - i);
    out += "\r\n ";
    i = cut;
    budget = 74;  // the leading space counts
  }
  out.append(content, i, std::string::npos);
  out += "\r\n";
}

// "20270120T050000" + suffix: the instant's wall-clock time `offset` seconds east of UTC.
std::string basic_time(std::time_t t, long offset, const char* suffix) {
  const std::time_t shifted = t + offset;
  std::tm tm{};
  gmtime_r(&shifted, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d%s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, suffix);
  return buf;
}

}  // namespace

std::time_t parse_instant(const std::string& text, const std::string& field) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, n = 0;
  const auto bad = [&] {
    return Error(Code::invalid,
                 field + ": '" + text + "' is not a date and time with an offset (e.g. 2027-01-20T14:00:00+09:00)");
  };
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16) throw bad();
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    int m2 = 0;
    if (std::sscanf(text.c_str() + pos, ":%2d%n", &s, &m2) != 1 || m2 != 3) throw bad();
    pos += 3;
  }
  long offset = 0;
  const std::string rest = text.substr(pos);
  if (rest == "Z") {
    offset = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(rest.c_str() + 1, "%2d:%2d", &oh, &om) != 2 || oh > 14 || om > 59) throw bad();
    offset = (oh * 3600L + om * 60L) * (rest[0] == '-' ? -1 : 1);
  } else {
    throw bad();
  }
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 ||
      mi > 59 || s > 59)
    throw bad();
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return timegm(&tm) - offset;
}

std::string tokyo_local(std::time_t t) { return basic_time(t, 9 * 3600, ""); }

std::string ics(const Invitation& inv) {
  const BriefingEvent& e = inv.event;
  std::string o;
  line(o, "BEGIN:VCALENDAR");
  line(o, "VERSION:2.0");
  line(o, "PRODID:-//Hoshitori//Supplier briefing//JA");
  line(o, "CALSCALE:GREGORIAN");
  line(o, "METHOD:REQUEST");
  line(o, "BEGIN:VTIMEZONE");
  line(o, "TZID:Asia/Tokyo");
  line(o, "BEGIN:STANDARD");
  line(o, "DTSTART:19700101T000000");
  line(o, "TZOFFSETFROM:+0900");
  line(o, "TZOFFSETTO:+0900");
  line(o, "TZNAME:JST");
  line(o, "END:STANDARD");
  line(o, "END:VTIMEZONE");
  line(o, "BEGIN:VEVENT");
  line(o, "UID:" + inv.uid);
  line(o, "DTSTAMP:" + basic_time(inv.stamp, 0, "Z"));
  line(o, "DTSTART;TZID=Asia/Tokyo:" + tokyo_local(parse_instant(e.start, "event.start")));
  line(o, "DTEND;TZID=Asia/Tokyo:" + tokyo_local(parse_instant(e.end, "event.end")));
  line(o, "SEQUENCE:0");
  line(o, "STATUS:CONFIRMED");
  line(o, "SUMMARY:" + escape_text(e.title));
  if (!e.location.empty()) line(o, "LOCATION:" + escape_text(e.location));
  if (!e.description.empty()) line(o, "DESCRIPTION:" + escape_text(e.description));
  if (!e.url.empty()) line(o, "URL:" + e.url);
  line(o, "ORGANIZER;CN=" + param_value(inv.organizer_name) + ":mailto:" + inv.organizer_email);
  line(o, "ATTENDEE;CN=" + param_value(inv.attendee_name) +
              ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:" + inv.attendee_email);
  line(o, "END:VEVENT");
  line(o, "END:VCALENDAR");
  return o;
}

}  // namespace hoshi::mail
