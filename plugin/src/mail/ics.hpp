// A briefing as an iCalendar invitation (RFC 5545, METHOD:REQUEST) that calendar
// programs import: times in Asia/Tokyo with its VTIMEZONE, text escaped, lines folded
// at 75 octets without splitting a UTF-8 character.
#pragma once
#include <ctime>
#include <stdexcept>
#include <string>

namespace hoshi::mail {

struct BriefingEvent {
  std::string title, location, url, description;
  std::string start, end;  // ISO 8601 with an offset: 2027-01-20T14:00:00+09:00
  int capacity = 0;        // 0: not limited
};

// Seconds since the epoch of an ISO 8601 date-time with an offset (Z or ±hh:mm);
// throws Error (Code::invalid) naming `field` otherwise.
std::time_t parse_instant(const std::string& text, const std::string& field);
// "20270120T140000": the instant's wall-clock time in Japan.
std::string tokyo_local(std::time_t t);

struct Invitation {
  BriefingEvent event;
  std::string uid;  // stable per (campaign, supplier): a re-sent invitation updates, not duplicates
  std::string organizer_email, organizer_name;
  std::string attendee_email, attendee_name;
  std::time_t stamp = 0;
};

std::string ics(const Invitation& inv);

}  // namespace hoshi::mail
